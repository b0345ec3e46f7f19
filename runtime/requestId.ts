/**
 * The one rule for a caller's `x-request-id`, shared by the gateway, the HTTP access log of every process and the
 * subgraphs' reading of the id the gateway forwards.
 *
 * A request id is written to every log line and sent on to the subgraphs, so it must never carry a personal
 * datum. A counter front-end may well name its requests after the record it is working on, so an id holding a My
 * Number (twelve digits with a correct check digit, run together or split by `-`, `.` or `_` in any grouping, as
 * printed on the card in groups of four) or a residence card number (two letters, eight digits, two letters, also
 * split) is not taken: the request gets a generated id instead, as it would with no header at all. A UUID is taken
 * as it is: random hex, whatever its digits happen to look like (about one in a hundred holds twelve digits in a row
 * or in groups), and the id the gateway itself generates.
 *
 * Left to the caller's care: digits run straight into other digits (`<clock><My Number>`) are not looked into.
 */
import { myNumberCheckDigit } from '../schema/identifiers';

const TOKEN = /^[A-Za-z0-9._-]{8,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CARD = /[A-Z]{2}\d{8}[A-Z]{2}/i;
const DIGIT_RUNS = /\d+/g;

/** Whether an id, its separators taken out, holds a My Number or a residence card number. */
function holdsPersonalNumber(id: string): boolean {
  const joined = id.replace(/[-._]/g, '');
  if (CARD.test(joined)) return true;
  for (const [run] of joined.matchAll(DIGIT_RUNS)) {
    if (run.length === 12 && myNumberCheckDigit(run.slice(0, 11)) === Number(run[11])) return true;
  }
  return false;
}

/** The caller's request id when it is a sane token that cannot hold a personal number, else undefined. */
export function acceptedRequestId(value: unknown): string | undefined {
  if (typeof value !== 'string' || !TOKEN.test(value)) return undefined;
  return UUID.test(value) || !holdsPersonalNumber(value) ? value : undefined;
}
