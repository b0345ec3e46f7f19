/**
 * The counts served, in memory: the detailed counts and the source's summaries of them (counts.ts), each value
 * held as its number in its column's dictionary, and the record of what changed since the cached tables were last
 * settled (tableCache.ts), so a change recomputes only the tables it moves.
 */
import { CountTable } from './counts';
import type { FactSource } from './source';

/** Changes remembered between two settle() calls at most (a bulk change recomputes every table anyway). */
const MAX_PENDING = 1000;

/** A detailed count changed: its codes, and by how much its count and key sum moved. */
export interface CountChange {
  codes: Int32Array;
  delta: number;
  keyDelta: number;
}

export class CountStore {
  /** Per column of the source, its values in the order met, and each value's number. */
  readonly dictionaries: Array<{ codes: string[]; index: Map<string, number> }>;
  readonly detail: CountTable;
  /** The source's summaries, kept by the same changes as the detail. */
  readonly summaries: CountTable[];
  private readonly scratch: Int32Array;
  /** Bumped whenever a count changes; cached tables older than it are recomputed, unless settle() finds them unchanged. */
  version = 0;
  /** The detailed counts changed since the last takeChanges(), with by how much. */
  private pending: CountChange[] = [];

  constructor(private readonly source: FactSource) {
    this.dictionaries = source.columns.map(() => ({ codes: [], index: new Map() }));
    this.detail = new CountTable(source.columns.map((_, c) => c));
    this.scratch = new Int32Array(source.columns.length);
    this.summaries = (source.summaries ?? []).map((kept) => new CountTable(kept.map((column) => this.columnIndex(column))));
  }

  /** A column's position in the source's column list. */
  columnIndex(column: string): number {
    const at = this.source.columns.indexOf(column);
    if (at < 0) throw new Error(`${column} is not a column of ${this.source.table}`);
    return at;
  }

  /** Makes room for `rows` more detailed counts at once, before a read sets them. */
  reserve(rows: number): void {
    this.detail.reserve(this.detail.size + rows);
  }

  /** Sets one detailed count and its key sum (absolute), and moves the summaries by the difference. */
  set(values: readonly string[], count: number, keySum = 0): void {
    const codes = this.codesOf(values, count !== 0);
    if (!codes) return;
    const delta = this.detail.set(codes, count, keySum);
    const keyDelta = this.detail.keyDelta;
    if (delta === 0 && keyDelta === 0) return;
    for (const summary of this.summaries) summary.add(codes, delta, keyDelta);
    this.version++;
    // Only worth remembering for a few changes: beyond that, settle() gives up and every table is recomputed.
    if (this.pending.length <= MAX_PENDING) this.pending.push({ codes: codes.slice(), delta, keyDelta });
  }

  /** The changes since the last call, and forgets them; null when there were too many to remember. */
  takeChanges(): CountChange[] | null {
    const changes = this.pending;
    this.pending = [];
    return changes.length > MAX_PENDING ? null : changes;
  }

  /** The dictionary numbers of a row's values (valid until the next call); null if one is new and `create` is false. */
  private codesOf(values: readonly string[], create: boolean): Int32Array | null {
    const codes = this.scratch;
    for (let c = 0; c < values.length; c++) {
      const value = values[c] as string;
      const dictionary = this.dictionaries[c] as { codes: string[]; index: Map<string, number> };
      let code = dictionary.index.get(value);
      if (code === undefined) {
        if (!create) return null;
        code = dictionary.codes.length;
        dictionary.codes.push(value);
        dictionary.index.set(value, code);
      }
      codes[c] = code;
    }
    return codes;
  }

  /** One detailed count, as served (the true count, before perturbation). */
  count(values: readonly string[]): number {
    const codes = this.codesOf(values, false);
    return codes ? this.detail.get(codes) : 0;
  }

  /** One detailed count's key sum, as served. */
  keySum(values: readonly string[]): number {
    const codes = this.codesOf(values, false);
    return codes ? this.detail.keyOf(codes) : 0;
  }

  /** The persons counted, all together. */
  total(): number {
    let sum = 0;
    for (let i = 0; i < this.detail.size; i++) sum += this.detail.counts[i] as number;
    return sum;
  }

  /**
   * Each summary against the detailed counts added up anew: the first `limit` rows where they differ (none,
   * unless a change was applied to one and not the other). For `stats:verify`.
   */
  summaryDifferences(limit: number): Array<{ summary: string; key: string; detail: number; summaryCount: number }> {
    const width = this.source.columns.length;
    const out: Array<{ summary: string; key: string; detail: number; summaryCount: number }> = [];
    const reported = new Set<string>();
    for (const summary of this.summaries) {
      const recount = new CountTable(summary.columns);
      for (const [codes, count, key] of this.detail.entries(width)) if (count !== 0) recount.add(codes, count, key);
      const name = summary.columns.map((c) => this.source.columns[c]).join(',');
      const seen = (table: CountTable, other: CountTable, flip: boolean) => {
        for (const [codes, count, keySum] of table.entries(width)) {
          if (out.length >= limit) return;
          const theirs = other.get(codes);
          if (count === theirs && keySum === other.keyOf(codes)) continue;
          const key = summary.columns.map((c) => (this.dictionaries[c] as { codes: string[] }).codes[codes[c] as number]).join('/');
          if (reported.has(`${name}:${key}`)) continue;
          reported.add(`${name}:${key}`);
          out.push({ summary: name, key, detail: flip ? theirs : count, summaryCount: flip ? count : theirs });
        }
      };
      seen(recount, summary, false);
      seen(summary, recount, true);
    }
    return out;
  }
}
