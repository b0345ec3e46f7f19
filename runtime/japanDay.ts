/**
 * The calendar day in Japan. The law counts days there: a card valid until D is valid through D in Japan, and a
 * key or budget of a day ends at midnight JST. A date taken from toISOString() is UTC's, whose day starts nine hours
 * later.
 */

/** Japan Standard Time is UTC+9 all year (no daylight saving). */
const JST_OFFSET_MS = 9 * 3600 * 1000;

/** The calendar day in Japan at `ms`, and when it ends (the next midnight JST, as an ISO time with its offset). */
export function japanDay(ms: number): { day: string; renewsAt: string } {
  const day = new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 3600 * 1000).toISOString().slice(0, 10);
  return { day, renewsAt: `${next}T00:00:00+09:00` };
}

/** Today in Japan (yyyy-mm-dd) by the machine's clock. */
export function todayInJapan(): string {
  return japanDay(Date.now()).day;
}
