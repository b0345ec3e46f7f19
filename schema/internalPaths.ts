/** Internal endpoints one authority calls on another (never routed by the gateway). */

/** J-LIS: assign a My Number to a newly recorded resident. */
export const ASSIGNMENT_PATH = '/internal/my-numbers';
