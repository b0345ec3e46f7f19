import { systemDay } from './subgraph';

test("a subgraph without a clock lives the day in Japan, not UTC's", () => {
  // 00:30 on 6 December in Japan, still 5 December in UTC: a card valid until the 5th has expired.
  jest.useFakeTimers({ now: Date.parse('2026-12-05T15:30:00Z') });
  try {
    expect(systemDay()).toBe('2026-12-06');
  } finally {
    jest.useRealTimers();
  }
});
