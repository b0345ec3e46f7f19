/** Identifiers derived from a person's key by bijections, so every authority computes the same ones independently. */
import { makeMyNumber } from '../schema/identifiers';

/** Personas use keys below this; generated persons take keys from here on. */
export const FIRST_GENERATED_KEY = 1_000;

/** Room for this many cards (or addresses) per person in the id spaces derived from the key. */
export const SLOTS_PER_PERSON = 4;

const MY_NUMBER_SPACE = 10n ** 11n;
const MY_NUMBER_MULTIPLIER = 73_180_249_337n; // coprime to 10: (key * A + B) mod 10^11 is a bijection
const MY_NUMBER_OFFSET = 28_461_095_173n;

const RECORD_CODE_MULTIPLIER = 91_402_637_113n; // coprime to 10
const RECORD_CODE_OFFSET = 50_718_334_269n;

const CARD_DIGITS = 10n ** 8n;
const CARD_LETTERS = 26n ** 4n;
const CARD_SPACE = CARD_DIGITS * CARD_LETTERS; // 45,697,600,000,000 distinct numbers
const CARD_MULTIPLIER = 28_242_317_953_021n; // coprime to 2, 5 and 13, hence to CARD_SPACE; about 0.618 of it
const CARD_OFFSET = 7_305_911_120_453n;

/** The person's My Number: 11 digits from a bijection of the key, then the check digit. */
export function myNumberOf(key: number): string {
  const first11 = (BigInt(key) * MY_NUMBER_MULTIPLIER + MY_NUMBER_OFFSET) % MY_NUMBER_SPACE;
  return makeMyNumber(first11.toString().padStart(11, '0'));
}

/** The person's resident record code (住民票コード): 11 digits, unique per key. */
export function residentRecordCodeOf(key: number): string {
  return ((BigInt(key) * RECORD_CODE_MULTIPLIER + RECORD_CODE_OFFSET) % MY_NUMBER_SPACE).toString().padStart(11, '0');
}

function letters(value: bigint, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    text = String.fromCharCode(65 + Number(value % 26n)) + text;
    value /= 26n;
  }
  return text;
}

/** The number of the person's `slot`-th residence card (AB12345678CD), unique per (key, slot). */
export function residenceCardNumberOf(key: number, slot: number): string {
  const n = (BigInt(rowId(key, slot)) * CARD_MULTIPLIER + CARD_OFFSET) % CARD_SPACE;
  // Letters from the low part and digits from the high part, so neighbouring keys share neither.
  const head = letters(n % CARD_LETTERS, 4);
  const digits = (n / CARD_LETTERS).toString().padStart(8, '0');
  return `${head.slice(0, 2)}${digits}${head.slice(2)}`;
}

/** The id of the person's `slot`-th row in a table with one id space for all persons (addresses, My Number cards). */
export function rowId(key: number, slot: number): number {
  if (slot < 0 || slot >= SLOTS_PER_PERSON) throw new RangeError(`slot ${slot} out of range`);
  return key * SLOTS_PER_PERSON + slot;
}
