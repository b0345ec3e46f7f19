/**
 * Identifier rules: parsing with normalization and check digits. Errors carry a stable code that the
 * edge turns into a message per language.
 */
import { isIsoDate } from './dates';

/** A parse outcome: the normalized value, or a stable error code. */
export type ParseResult<Code extends string> = { ok: true; value: string } | { ok: false; code: Code };

const MY_NUMBER_WEIGHTS = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const LOCAL_GOVERNMENT_CODE_WEIGHTS = [6, 5, 4, 3, 2] as const;
const RESIDENCE_CARD_NUMBER = /^[A-Z]{2}[0-9]{8}[A-Z]{2}$/;

/** Full-width ０-９ to ASCII digits; other characters are left as they are. */
function asciiDigits(input: string): string {
  return input.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** Full-width Ａ-Ｚ, ａ-ｚ, ０-９ to ASCII, then ASCII a-z to A-Z (only ASCII: 'ß' must not become 'SS'). */
function asciiUpperAlphanumerics(input: string): string {
  return input
    .replace(/[０-９Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[a-z]/g, (c) => c.toUpperCase());
}

function weightedSum(digits: string, weights: readonly number[]): number {
  return weights.reduce((sum, weight, i) => sum + weight * Number(digits[i]), 0);
}

/** The check digit of a My Number from its first 11 digits (r = Σ weight × digit mod 11; r ≤ 1 → 0, else 11 − r). */
export function myNumberCheckDigit(first11: string): number {
  if (!/^[0-9]{11}$/.test(first11)) throw new RangeError(`expected 11 ASCII digits: ${JSON.stringify(first11)}`);
  const r = weightedSum(first11, MY_NUMBER_WEIGHTS) % 11;
  return r <= 1 ? 0 : 11 - r;
}

/** A complete My Number: the 11 digits given followed by their check digit. */
export function makeMyNumber(first11: string): string {
  return `${first11}${myNumberCheckDigit(first11)}`;
}

/** Parses a My Number: full-width digits are normalized; anything but 12 digits with a correct check digit is rejected. */
export function parseMyNumber(
  input: string,
): ParseResult<'INVALID_MY_NUMBER_FORMAT' | 'INVALID_MY_NUMBER_CHECK_DIGIT'> {
  const value = asciiDigits(input);
  if (!/^[0-9]{12}$/.test(value)) return { ok: false, code: 'INVALID_MY_NUMBER_FORMAT' };
  if (myNumberCheckDigit(value.slice(0, 11)) !== Number(value[11])) {
    return { ok: false, code: 'INVALID_MY_NUMBER_CHECK_DIGIT' };
  }
  return { ok: true, value };
}

/** Parses a residence card or special permanent resident certificate number (AB12345678CD); full-width and lower case are normalized. */
export function parseResidenceCardNumber(input: string): ParseResult<'INVALID_RESIDENCE_CARD_NUMBER'> {
  const value = asciiUpperAlphanumerics(input);
  return RESIDENCE_CARD_NUMBER.test(value) ? { ok: true, value } : { ok: false, code: 'INVALID_RESIDENCE_CARD_NUMBER' };
}

/** The check digit of a 全国地方公共団体コード from its first 5 digits (r = Σ weight × digit mod 11; (11 − r) mod 10). */
export function localGovernmentCodeCheckDigit(first5: string): number {
  if (!/^[0-9]{5}$/.test(first5)) throw new RangeError(`expected 5 ASCII digits: ${JSON.stringify(first5)}`);
  return (11 - (weightedSum(first5, LOCAL_GOVERNMENT_CODE_WEIGHTS) % 11)) % 10;
}

/** True for a 6-digit local government code whose last digit is its check digit. */
export function isValidLocalGovernmentCode(code6: string): boolean {
  return /^[0-9]{6}$/.test(code6) && localGovernmentCodeCheckDigit(code6.slice(0, 5)) === Number(code6[5]);
}

/** Parses an ISO calendar date yyyy-mm-dd that exists in the calendar. */
export function parseDate(input: string): ParseResult<'INVALID_DATE'> {
  return isIsoDate(input) ? { ok: true, value: input } : { ok: false, code: 'INVALID_DATE' };
}
