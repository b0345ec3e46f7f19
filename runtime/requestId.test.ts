import { acceptedRequestId } from './requestId';

describe('a caller-given request id', () => {
  test.each([
    'counter-0042-renewal',
    'req.2026-12-06.0001',
    '0f8fad5b-d9cb-469f-a165-70867728950e',
    // Thirteen digits (a millisecond clock) and eleven are not the shape of a My Number.
    'ts-1765000000000',
    'batch-12345678901',
    // Groups that do not make twelve digits of one shape.
    'req-2026-1206-01',
    '20261206-0001-renewal',
  ])('%s is taken as it came', (id) => {
    expect(acceptedRequestId(id)).toBe(id);
  });

  test.each([
    ['a My Number', '123456789018'],
    ['a My Number inside', 'counter-123456789018-renewal'],
    ['a My Number as printed on the card', 'mn-1234-5678-9018'],
    ['a My Number in dotted groups', 'mn.1234.5678.9018'],
    ['a residence card number', 'AB12345678CD'],
    ['a residence card number in lower case', 'x.ab12345678cd'],
    ['too short', 'abc'],
    ['a character outside the token set', 'counter 0042'],
    ['too long', 'x'.repeat(65)],
    ['not a string', ['counter-0042', 'counter-0043']],
  ])('%s is not taken', (_what, id) => {
    expect(acceptedRequestId(id)).toBeUndefined();
  });
});
