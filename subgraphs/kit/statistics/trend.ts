/**
 * The yearly trend: the counts as they stood at each year end, kept as snapshots (stats_snapshot, written once
 * by stats_take_snapshot and never changed). A subgraph takes the snapshot of the year just ended on its first
 * start or check in January; a year nobody took in its January stays missing rather than being filled with
 * later counts. Each year's table gets the same disclosure control as the current one.
 */
import type { DataSource } from 'typeorm';
import type { StatisticsDimension } from '../../../schema/statistics';
import { sourced } from '../database';
import { StatisticsCube, type FactSource } from './cube';

/** Days into the new year during which the closed year's snapshot may still be taken. */
export const SNAPSHOT_WINDOW_DAYS = 31;

export interface YearEnd {
  year: number;
  takenOn: string;
  /** The filter's total that year; null when suppressed. */
  total: number | null;
}

export class YearEndSnapshots {
  private readonly years = new Map<number, { takenOn: string; cube: StatisticsCube }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly facts: FactSource,
  ) {}

  /** Takes a due snapshot now and checks again every `checkMs`; reads the snapshots on record. */
  async start(clock: () => string, checkMs = 6 * 3600 * 1000): Promise<void> {
    const check = async () => {
      if (await this.takeDue(clock())) await this.load();
    };
    await check();
    await this.load();
    this.timer = setInterval(() => void check().catch(() => undefined), checkMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Takes last year's snapshot when `today` is within the window after it closed. Returns whether one was taken. */
  async takeDue(today: string): Promise<boolean> {
    const year = Number(today.slice(0, 4));
    const daysIn = (Date.parse(`${today}T00:00:00Z`) - Date.UTC(year, 0, 1)) / 86_400_000;
    if (daysIn >= SNAPSHOT_WINDOW_DAYS) return false;
    return this.take(year - 1, today);
  }

  /** Takes the snapshot of `year` now (once: a year already taken stays as it was). */
  async take(year: number, takenOn: string): Promise<boolean> {
    const [row]: Array<{ taken: boolean }> = await sourced(this.db, 'stats').query(`SELECT stats_take_snapshot($1::int, $2::date) AS taken`, [year, takenOn]);
    return row?.taken === true;
  }

  /** Reads the snapshots not yet in memory. */
  async load(): Promise<void> {
    const taken: Array<{ year: number; taken_on: string }> = await sourced(this.db, 'stats').query(`SELECT year, taken_on::text FROM stats_snapshot_taken ORDER BY year`);
    for (const { year, taken_on } of taken) {
      if (this.years.has(year)) continue;
      const cube = new StatisticsCube(
        this.db,
        { ...this.facts, table: `(SELECT * FROM stats_snapshot WHERE year = ${Number(year)}) AS snapshot` },
        { referenceYear: () => year },
      );
      await cube.refresh();
      this.years.set(year, { takenOn: taken_on, cube });
    }
  }

  /** How many year ends are on record (they are only ever added). */
  get size(): number {
    return this.years.size;
  }

  /** The filter's total at each year end on record, oldest first. */
  trend(filter: Readonly<Partial<Record<StatisticsDimension, string>>>): YearEnd[] {
    return [...this.years.entries()]
      .sort(([a], [b]) => a - b)
      .map(([year, { takenOn, cube }]) => ({ year, takenOn, total: cube.answer({ groupBy: [], filter }).total }));
  }
}
