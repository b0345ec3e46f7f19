import { Initial0001 } from './0001-initial';

/** Every migration of the J-LIS database, in order. */
export const migrations = [Initial0001];
