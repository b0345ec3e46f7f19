/**
 * The tables computed so far, with their suppression decided, by year and dimensions: a table is added up from the
 * smallest current finer table or kept counts that hold it, kept until a count changes (settle() keeps those a
 * change leaves as they were), and dropped least recently used when the cache holds too many cells.
 */
import { DIMENSION_PARENT, type StatisticsDimension } from '../../../schema/statistics';
import type { CodeSpaces } from './codeSpaces';
import type { CountStore } from './countStore';
import type { DimensionSource, FactSource } from './source';
import { suppress, type LineKind } from './suppression';
import { addUp, canonical, isPublished, rollUp, stridesOf, termsInto, type CodeSpace, type Cuboid } from './tables';

/**
 * A table that took more than EXPENSIVE_MS to compute is served for up to STALE_MS after a count changes, so a
 * steady stream of changes does not recompute it on every query; changes still show within a second. Cheaper
 * tables are always recomputed at once.
 */
const EXPENSIVE_MS = 20;
const STALE_MS = 250;

/** Cells of cached tables kept in memory at most, empty or not (9 bytes each: count, key sum, suppression). */
const MAX_CACHED_CELLS = 3_000_000;

export class TableCache {
  /** Tables by year and dimensions: current ones, ones served stale for a while, and ones being decided. */
  private readonly cuboids = new Map<string, Cuboid>();
  /** The version cached tables were current at when settle() last ran. */
  private settled = 0;
  private targets = new Int32Array(0);
  /** How long an expensive table may answer after a change. */
  private readonly staleMs: number;

  constructor(
    private readonly source: FactSource,
    private readonly store: CountStore,
    private readonly spaces: CodeSpaces,
    private readonly options: { referenceYear: () => number; threshold: number; staleMs?: number },
  ) {
    this.staleMs = options.staleMs ?? STALE_MS;
  }

  /** The counts added up to `dimensions` (canonical order), with their suppression; cached until a count changes. */
  cuboid(dimensions: readonly StatisticsDimension[], allowStale = false): Cuboid & { suppressed: Uint8Array } {
    this.settle();
    const year = this.options.referenceYear();
    const cacheKey = `${year}:${dimensions.join(',')}`;
    const cached = this.cuboids.get(cacheKey);
    if (cached?.suppressed && (cached.version === this.store.version || (allowStale && cached.expensive && performance.now() - cached.computedAt < this.staleMs))) {
      this.cuboids.delete(cacheKey);
      this.cuboids.set(cacheKey, cached);
      return cached as Cuboid & { suppressed: Uint8Array };
    }
    const started = performance.now();
    this.evict();
    const table = this.countsOf(dimensions, year);
    // Held while its coarser tables are decided: they add up from it.
    this.cuboids.set(cacheKey, table);
    // The coarser tables each line adds up to are decided first (recursively, cached).
    const kinds: LineKind[] = [];
    dimensions.forEach((dimension, i) => {
      // Sub-lines (within the parent) first: fixing them first often satisfies the whole line at no extra cost.
      const parent = DIMENSION_PARENT[dimension];
      if (parent) {
        const coarser = this.cuboid(canonical([...dimensions.filter((_, j) => j !== i), parent.parent]));
        const variants = new Map<string, number>();
        const variantOf = Int32Array.from((table.spaces[i] as CodeSpace).codes, (code) => {
          const variant = parent.of(code);
          let n = variants.get(variant);
          if (n === undefined) variants.set(variant, (n = variants.size));
          return n;
        });
        const terms = termsInto(coarser, table, i, [...variants.keys()]);
        kinds.push({ dim: i, variantOf, totalPublished: (line) => isPublished(coarser, terms, line) });
      }
      const without = this.cuboid(dimensions.filter((_, j) => j !== i));
      const terms = termsInto(without, table, i, null);
      kinds.push({ dim: i, totalPublished: (line) => isPublished(without, terms, line) });
    });
    table.suppressed = suppress({ shape: table.spaces.map((space) => space.codes.length), counts: table.counts }, kinds, this.options.threshold);
    table.computedAt = performance.now();
    table.expensive = table.computedAt - started > EXPENSIVE_MS;
    this.cuboids.delete(cacheKey);
    this.cuboids.set(cacheKey, table);
    return table as Cuboid & { suppressed: Uint8Array };
  }

  /** Drops every table computed so far (each is computed again when next asked). */
  forget(): void {
    this.cuboids.clear();
  }

  /**
   * Keeps the cached tables the changes since the last call leave as they were. A change moves persons between
   * detailed counts (a card conversion: one fewer with separate cards, one more with the specific card); a table
   * without the dimensions that moved sees the same persons in every cell, so its cells, and with them its
   * suppression pattern and those of the coarser tables it depends on, are still the answer.
   */
  settle(): void {
    if (this.settled === this.store.version) return;
    const changes = this.store.takeChanges();
    const was = this.settled;
    this.settled = this.store.version;
    if (!changes) return;
    const context = { referenceYear: this.options.referenceYear() };
    const cellOf = (dims: readonly StatisticsDimension[], codes: Int32Array) =>
      dims
        .map((d) => {
          const source = this.source.dimensions[d] as DimensionSource;
          const column = this.store.columnIndex(source.column);
          const value = (this.store.dictionaries[column] as { codes: string[] }).codes[codes[column] as number] as string;
          return source.map ? source.map(value, context) : value;
        })
        .join('\u0000');
    // A cell is unchanged when it holds as many persons as before and the same ones (its key sum unchanged too).
    const unchanged = (year: number, dims: readonly StatisticsDimension[]): boolean => {
      if (year !== context.referenceYear) return false;
      const net = new Map<string, { count: number; key: number }>();
      for (const { codes, delta, keyDelta } of changes) {
        const cell = cellOf(dims, codes);
        const sum = net.get(cell) ?? { count: 0, key: 0 };
        net.set(cell, { count: sum.count + delta, key: (sum.key + keyDelta) | 0 });
      }
      for (const n of net.values()) if (n.count !== 0 || n.key !== 0) return false;
      return true;
    };
    for (const table of this.cuboids.values()) {
      if (table.version === was && unchanged(table.year, table.dims)) table.version = this.store.version;
    }
  }

  /** A new table's counts (suppression not decided yet). */
  private countsOf(dimensions: readonly StatisticsDimension[], year: number): Cuboid {
    const spaces = dimensions.map((d) => this.spaces.of(d));
    const strides = stridesOf(spaces);
    const size = spaces.reduce((product, space) => product * space.codes.length, 1);
    const table: Cuboid = {
      version: this.store.version,
      year,
      dims: dimensions,
      spaces,
      strides,
      counts: new Int32Array(size),
      keys: new Int32Array(size),
      computedAt: 0,
      expensive: false,
    };
    // The smallest current finer table (a table's margins are asked for right after it, for its disclosure
    // control), else the smallest kept counts holding its dimensions.
    let finer: Cuboid | null = null;
    for (const other of this.cuboids.values()) {
      if (other.version !== this.store.version || other.year !== year || other === table) continue;
      if (!dimensions.every((d) => other.dims.includes(d) || other.dims.some((c) => DIMENSION_PARENT[c]?.parent === d))) continue;
      if (!finer || other.counts.length < finer.counts.length) finer = other;
    }
    let counts = this.store.detail;
    const columns = dimensions.map((d) => this.store.columnIndex((this.source.dimensions[d] as DimensionSource).column));
    for (const summary of this.store.summaries) {
      if (summary.size < counts.size && columns.every((c) => summary.columns.includes(c))) counts = summary;
    }
    if (finer && finer.counts.length <= counts.size) rollUp(this.positions(finer.counts.length), finer, table);
    else addUp(this.positions(counts.size), counts, columns, table);
    return table;
  }

  /**
   * The scratch array of each source row's cell in the table being made (zeroed, `size` long). Shared by every
   * table, so making one allocates nothing of the source's size.
   */
  private positions(size: number): Int32Array {
    if (this.targets.length < size) this.targets = new Int32Array(Math.max(size, this.targets.length * 2));
    return this.targets.subarray(0, size).fill(0);
  }

  /**
   * Drops tables older than the counts (unless served stale for a while), then the least recently used while the
   * cache holds more than MAX_CACHED_CELLS cells. Tables being decided stay.
   */
  private evict(): void {
    const now = performance.now();
    let cells = 0;
    for (const [key, table] of this.cuboids) {
      if (table.version !== this.store.version && !(table.suppressed && table.expensive && now - table.computedAt < this.staleMs)) this.cuboids.delete(key);
      else cells += table.counts.length;
    }
    // Least recently used first (a Map keeps insertion order; a hit moves the table to the end).
    for (const [key, table] of this.cuboids) {
      if (cells <= MAX_CACHED_CELLS) break;
      if (!table.suppressed) continue;
      this.cuboids.delete(key);
      cells -= table.counts.length;
    }
  }
}
