/**
 * The one rule for a caller's `x-request-id`, shared by the gateway, its HTTP access log and the subgraphs.
 *
 * A request id is written to every log line and sent on to the subgraphs, so it must never carry a personal
 * datum. A counter front-end may well name its requests after the record it is working on; an id holding the
 * shape of a My Number (twelve digits, run together or in three groups of four as printed on the card) or of a
 * residence card number is therefore not taken, and the request gets a generated id instead, as it would with
 * no header at all.
 */
const TOKEN = /^[A-Za-z0-9._-]{8,64}$/;
const PERSONAL = /(?<!\d)\d{4}([-._]?)\d{4}\1\d{4}(?!\d)|[A-Z]{2}\d{8}[A-Z]{2}/i;

/** The caller's request id when it is a sane token that cannot be a personal datum, else undefined. */
export function acceptedRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && TOKEN.test(value) && !PERSONAL.test(value) ? value : undefined;
}
