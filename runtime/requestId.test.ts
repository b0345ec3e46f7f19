import { acceptedRequestId } from './requestId';

// My Numbers below were checked by hand against the weights of the ordinance (6,5,4,3,2,7,6,5,4,3,2; r = sum mod
// 11; check = 0 when r <= 1, else 11 - r): 12345678901 gives r = 212 mod 11 = 3, so 123456789018 is one and
// 123456789012 is not.
describe('a caller-given request id', () => {
  test.each([
    'counter-0042-renewal',
    'req.2026-12-06.0001',
    '0f8fad5b-d9cb-469f-a165-70867728950e',
    // A UUID whose hex happens to be all digits, in groups and at the end: random, not a person's.
    '12345678-1234-4567-8901-123456789018',
    // Twelve digits whose last is not their check digit: a clock (yyyyMMddHHmm, check 1), a date and a sequence
    // (202612060001, check 4), a plain count.
    'req-202612061530',
    '20261206-0001-renewal',
    'batch-123456789012',
    // Thirteen and eleven digits are not the shape of a My Number.
    'ts-1765000000000',
    'batch-12345678901',
  ])('%s is taken as it came', (id) => {
    expect(acceptedRequestId(id)).toBe(id);
  });

  test.each([
    ['a My Number', '123456789018'],
    ['a My Number inside', 'counter-123456789018-renewal'],
    ['a My Number as printed on the card', 'mn-1234-5678-9018'],
    ['a My Number in dotted groups', 'mn.1234.5678.9018'],
    ['a My Number with mixed separators', 'mn-1234-5678.9018'],
    ['a My Number with doubled separators', '1234--5678--9018'],
    ['a My Number grouped 8-4', '12345678-9018'],
    ['a residence card number', 'AB12345678CD'],
    ['a residence card number in lower case', 'x.ab12345678cd'],
    ['a residence card number split', 'AB-12345678-CD'],
    ['too short', 'abc'],
    ['a character outside the token set', 'counter 0042'],
    ['too long', 'x'.repeat(65)],
    ['not a string', ['counter-0042', 'counter-0043']],
  ])('%s is not taken', (_what, id) => {
    expect(acceptedRequestId(id)).toBeUndefined();
  });
});
