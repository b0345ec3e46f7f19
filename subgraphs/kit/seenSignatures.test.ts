import { SeenSignatures } from './seenSignatures';

describe('SeenSignatures', () => {
  test('an id is accepted once, and refused again while it lives', () => {
    const seen = new SeenSignatures();
    expect(seen.use('a', 2_000, 1_000)).toBe('first');
    expect(seen.use('a', 2_000, 1_500)).toBe('replay');
    expect(seen.use('b', 2_500, 1_500)).toBe('first');
  });

  test('ids are dropped at their expiry', () => {
    const seen = new SeenSignatures();
    seen.use('a', 2_000, 1_000);
    seen.use('b', 3_000, 1_000);
    expect(seen.size).toBe(2);
    expect(seen.use('c', 4_000, 2_000)).toBe('first');
    expect(seen.size).toBe(2);
    expect(seen.use('c', 4_000, 3_999)).toBe('replay');
    expect(seen.use('d', 9_000, 4_000)).toBe('first');
    expect(seen.size).toBe(1);
  });

  test('full of live ids, it refuses a new one rather than forget one; an expired one out of order makes room', () => {
    const seen = new SeenSignatures(2);
    seen.use('a', 5_000, 1_000);
    seen.use('b', 2_000, 1_000);
    expect(seen.use('c', 5_000, 1_500)).toBe('full');
    expect(seen.use('a', 5_000, 1_500)).toBe('replay');
    expect(seen.use('c', 5_000, 2_000)).toBe('first');
    expect(seen.use('a', 5_000, 2_000)).toBe('replay');
    expect(seen.size).toBe(2);
  });
});
