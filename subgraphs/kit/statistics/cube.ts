/**
 * An authority's statistics, served from memory. The database holds the counts (kept in the writing
 * transaction, see kit/statistics/migration.ts); this keeps a copy of them, reads what changed before every
 * query and every `pollMs` (see read(): a late commit is never missed; counts are absolute, so reading one
 * twice is harmless), and answers a query by adding the detailed counts up to the asked dimensions, then
 * applying disclosure control.
 */
import type { DataSource } from 'typeorm';
import {
  DIMENSION_CODES,
  DIMENSION_PARENT,
  DISCLOSURE_THRESHOLD,
  STATISTICS_DIMENSIONS,
  type StatisticsDimension,
} from '../../../schema/statistics';
import { statementSource } from '../database';
import { userError } from '../errors';
import { CountTable } from './counts';
import { suppress, type Cell, type LineKind } from './suppression';
import type { YearEndSnapshots } from './trend';

/** How a dimension is read from the detailed counts: a column, and how its codes map (e.g. birth year to age band). */
export interface DimensionSource {
  column: string;
  map?: (code: string, context: { referenceYear: number }) => string;
}

/** What one authority counts: the table of detailed counts and the dimensions it can answer. */
export interface FactSource {
  table: string;
  /** Columns of the detailed counts, in the table's key order. */
  columns: readonly string[];
  countColumn: string;
  dimensions: Readonly<Partial<Record<StatisticsDimension, DimensionSource>>>;
  /** Where the dimensions this authority does not hold are counted (said in the error). */
  elsewhere: string;
  /**
   * Coarser tables kept in memory beside the detailed counts (each the columns it keeps), so a query adds up the
   * smallest table holding its dimensions. Chosen so every table small enough to answer fits one of them.
   */
  summaries?: ReadonlyArray<readonly string[]>;
}

export interface StatisticsQuery {
  groupBy: readonly StatisticsDimension[];
  filter: Readonly<Partial<Record<StatisticsDimension, string>>>;
}

export interface StatisticsAnswer {
  /** The persons the filter selects; null when that figure itself is suppressed. */
  total: number | null;
  cells: Array<{ coords: string[]; count: number | null; suppressed: boolean }>;
  suppressedCells: number;
  /** The year ages are counted at (31 December). */
  referenceYear: number;
}

interface Cuboid {
  version: number;
  cells: Cell[];
  suppressed: Uint8Array;
  /**
   * Cell number by coordinates, one map level per dimension (no key strings to build per lookup); made when the
   * table is first looked into as a coarser table.
   */
  index?: CellIndex;
  computedAt: number;
  /** Took long to compute: may be served for STALE_MS after the counts change. */
  expensive: boolean;
}

type CellIndex = Map<string, CellIndex | number>;

function indexOf(cells: readonly Cell[]): CellIndex {
  const root: CellIndex = new Map();
  cells.forEach((cell, i) => {
    let level = root;
    const last = cell.coords.length - 1;
    for (let d = 0; d < last; d++) {
      const code = cell.coords[d] as string;
      let next = level.get(code) as CellIndex | undefined;
      if (!next) level.set(code, (next = new Map()));
      level = next;
    }
    level.set(cell.coords[last] as string, i);
  });
  return root;
}

/**
 * Whether a cell of a coarser table is published (an absent cell holds nobody, so there is nothing to hide):
 * the cell at `coords[picks[0]], coords[picks[1]], ...` of a line's coordinates.
 */
function published(table: Cuboid, coords: readonly string[], picks: readonly number[]): boolean {
  // The grand total: one cell, or none.
  if (picks.length === 0) return table.cells.length === 0 || table.suppressed[0] === 0;
  let at: CellIndex | number | undefined = (table.index ??= indexOf(table.cells));
  for (let k = 0; k < picks.length && at !== undefined; k++) at = (at as CellIndex).get(coords[picks[k] as number] as string);
  return at === undefined || table.suppressed[at as number] === 0;
}

/**
 * A table that took more than EXPENSIVE_MS to compute is served for up to STALE_MS after a count changes, so a
 * steady stream of changes does not recompute it on every query; changes still show within a second. Cheaper
 * tables are always recomputed at once.
 */
const EXPENSIVE_MS = 20;
const STALE_MS = 250;

/**
 * The largest table answered, counted as the product of its dimensions' code lists (a filter slices a table, it
 * does not make it smaller). Every two-way table fits; nationality x municipality x status does not. Larger
 * tables would be mostly suppressed cells and would hold a subgraph for seconds.
 */
export const MAX_TABLE_CELLS = 25_000;

/** Answers kept for repeated questions (dropped all at once when full). */
const MAX_CACHED_ANSWERS = 1000;

/** Tables with at most this many possible cells are summed into a dense array. */
const DENSE_LIMIT = 1 << 22;

/** Changes remembered between two settle() calls at most (a bulk change recomputes every table anyway). */
const MAX_PENDING = 1000;

/** Cells of cached tables kept in memory at most (about 100 bytes each). */
const MAX_CACHED_CELLS = 3_000_000;

export class StatisticsCube {
  private readonly dictionaries: Array<{ codes: string[]; index: Map<string, number> }>;
  private readonly detail: CountTable;
  /** The source's summaries, kept by the same changes as the detail. */
  private readonly summaries: CountTable[];
  private readonly scratch: Int32Array;
  /** The snapshot taken before the last read: transactions not finished then are read again. */
  private seen: { xmax: string; xip: string[] } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly cuboids = new Map<string, Cuboid>();
  private readonly cellTables = new Map<string, { version: number; cells: Cell[]; year: number; dims: readonly StatisticsDimension[] }>();
  private readonly answers = new Map<string, { table: Cuboid; totals: Cuboid; answer: StatisticsAnswer }>();
  /** Bumped whenever a count changes; cached tables older than it are recomputed, unless settle() finds them unchanged. */
  version = 0;
  /** The detailed counts changed since the last settle(), with by how much. */
  private pending: Array<{ codes: Int32Array; delta: number }> = [];
  /** The version cached tables were current at when settle() last ran. */
  private settled = 0;
  /** The year-end snapshots of the same counts, for the trend (set by startStatistics). */
  yearEnds: YearEndSnapshots | null = null;

  constructor(
    private readonly db: DataSource,
    readonly source: FactSource,
    private readonly options: { referenceYear?: () => number; threshold?: number } = {},
  ) {
    this.dictionaries = source.columns.map(() => ({ codes: [], index: new Map() }));
    this.detail = new CountTable(source.columns.map((_, c) => c));
    this.scratch = new Int32Array(source.columns.length);
    this.summaries = (source.summaries ?? []).map((kept) => new CountTable(kept.map((column) => this.columnIndex(column))));
  }

  private columnIndex(column: string): number {
    const at = this.source.columns.indexOf(column);
    if (at < 0) throw new Error(`${column} is not a column of ${this.source.table}`);
    return at;
  }

  get threshold(): number {
    return this.options.threshold ?? DISCLOSURE_THRESHOLD;
  }

  referenceYear(): number {
    return this.options.referenceYear?.() ?? new Date().getUTCFullYear();
  }

  /** Reads every count, then keeps reading what changed every `pollMs` (queries also read it first). */
  async start(pollMs = 1000): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.yearEnds?.stop();
  }

  /**
   * Applies the counts changed since the last read; returns how many rows were read. Callers that arrive while
   * a read is running share the one read that starts after it, so each sees every change committed before it
   * asked, and concurrent queries cost one read, not one each.
   */
  refresh(): Promise<number> {
    if (!this.reading) {
      this.reading = statementSource.run('stats', () => this.read()).finally(() => {
        this.reading = null;
      });
      return this.reading;
    }
    this.following ??= this.reading
      .catch(() => 0)
      .then(() => {
        this.following = null;
        return this.refresh();
      });
    return this.following;
  }

  private reading: Promise<number> | null = null;
  private following: Promise<number> | null = null;

  /**
   * Takes a snapshot first, then reads the counts written by transactions the previous snapshot did not see as
   * finished: those running then (its xip list) and those started after (>= its xmax). Everything older was
   * already visible to the previous read. A long transaction elsewhere in the cluster costs nothing here.
   */
  private async read(): Promise<number> {
    const [snapshot]: Array<{ xmax: string; xip: string[] }> = await this.db.query(
      `SELECT pg_snapshot_xmax(s)::text AS xmax, array(SELECT x::text FROM pg_snapshot_xip(s) AS x) AS xip FROM pg_current_snapshot() AS s`,
    );
    const { table, columns, countColumn } = this.source;
    const since = this.seen;
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT ${columns.join(', ')}, ${countColumn} AS n FROM ${table}${since ? ' WHERE txid >= $1 OR txid = ANY($2::bigint[])' : ''}`,
      since ? [since.xmax, since.xip] : [],
    );
    this.detail.reserve(this.detail.size + rows.length);
    for (const row of rows) this.set(columns.map((c) => String(row[c])), Number(row.n));
    this.seen = { xmax: (snapshot as { xmax: string }).xmax, xip: (snapshot as { xip: string[] }).xip };
    return rows.length;
  }

  /** Sets one detailed count (absolute), and moves the summaries by the difference. */
  set(values: readonly string[], count: number): void {
    const codes = this.codesOf(values, count !== 0);
    if (!codes) return;
    const delta = this.detail.set(codes, count);
    if (delta === 0) return;
    for (const summary of this.summaries) summary.add(codes, delta);
    this.version++;
    // Only worth remembering for a few changes: beyond that, settle() gives up and every table is recomputed.
    if (this.pending.length <= MAX_PENDING) this.pending.push({ codes: codes.slice(), delta });
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

  /** One detailed count, as served. */
  count(values: readonly string[]): number {
    const codes = this.codesOf(values, false);
    return codes ? this.detail.get(codes) : 0;
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
      for (const [codes, count] of this.detail.entries(width)) if (count !== 0) recount.add(codes, count);
      const name = summary.columns.map((c) => this.source.columns[c]).join(',');
      const seen = (table: CountTable, other: CountTable, flip: boolean) => {
        for (const [codes, count] of table.entries(width)) {
          if (out.length >= limit) return;
          const theirs = other.get(codes);
          if (count === theirs) continue;
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

  /** Reads what changed, then answers: a change committed before the query is in the answer. */
  async fresh(query: StatisticsQuery): Promise<StatisticsAnswer> {
    await this.refresh();
    return this.answer(query);
  }

  /**
   * Keeps the cached tables the changes since the last call leave as they were. A change moves persons between
   * detailed counts (a card conversion: one fewer with separate cards, one more with the specific card); a table
   * without the dimensions that moved sees the same persons in every cell, so its cells, and with them its
   * suppression pattern and those of the coarser tables it depends on, are still the answer.
   */
  private settle(): void {
    if (this.settled === this.version) return;
    const changes = this.pending;
    this.pending = [];
    const was = this.settled;
    this.settled = this.version;
    if (changes.length > MAX_PENDING) return;
    const context = { referenceYear: this.referenceYear() };
    const cellOf = (dims: readonly StatisticsDimension[], codes: Int32Array) =>
      dims
        .map((d) => {
          const source = this.source.dimensions[d] as DimensionSource;
          const column = this.columnIndex(source.column);
          const value = (this.dictionaries[column] as { codes: string[] }).codes[codes[column] as number] as string;
          return source.map ? source.map(value, context) : value;
        })
        .join('\u0000');
    const unchanged = (year: number, dims: readonly StatisticsDimension[]): boolean => {
      if (year !== context.referenceYear) return false;
      const net = new Map<string, number>();
      for (const { codes, delta } of changes) {
        const cell = cellOf(dims, codes);
        net.set(cell, (net.get(cell) ?? 0) + delta);
      }
      for (const n of net.values()) if (n !== 0) return false;
      return true;
    };
    // Every current table has its cells under the same key (a table without them is simply recomputed).
    for (const [key, cells] of this.cellTables) {
      if (cells.version !== was || !unchanged(cells.year, cells.dims)) continue;
      cells.version = this.version;
      const table = this.cuboids.get(key);
      if (table?.version === was) table.version = this.version;
    }
  }

  /** Validates a query and answers it from the counts read so far. */
  answer(query: StatisticsQuery): StatisticsAnswer {
    this.settle();
    const { groupBy, filter } = query;
    if (new Set(groupBy).size !== groupBy.length) throw userError('STATISTICS_DUPLICATE_DIMENSION', 'A dimension appears twice in groupBy');
    for (const dimension of [...groupBy, ...(Object.keys(filter) as StatisticsDimension[])]) {
      if (!this.source.dimensions[dimension]) {
        throw userError('STATISTICS_DIMENSION_NOT_HELD', `This authority does not count by ${dimension}; ${this.source.elsewhere}`, { dimension });
      }
    }
    for (const [dimension, code] of Object.entries(filter) as Array<[StatisticsDimension, string]>) {
      if (!DIMENSION_CODES[dimension].includes(code)) {
        throw userError('STATISTICS_UNKNOWN_CODE', `${code} is not a code of ${dimension}`, { dimension, value: code });
      }
    }
    const filterDims = Object.keys(filter) as StatisticsDimension[];
    const reference = canonical([...groupBy, ...filterDims]);
    const possible = reference.reduce((product, d) => product * DIMENSION_CODES[d].length, 1);
    if (possible > MAX_TABLE_CELLS) {
      throw userError(
        'STATISTICS_TABLE_TOO_LARGE',
        `A table by ${reference.join(' x ')} has up to ${possible} cells; at most ${MAX_TABLE_CELLS} (group by fewer or coarser dimensions)`,
        { cells: possible, limit: MAX_TABLE_CELLS },
      );
    }
    const table = this.cuboid(reference, true);
    // The total is the cell of the filter's own table (the grand total without a filter), under its own control.
    const totals = this.cuboid(canonical(filterDims), true);
    // The same question over the same tables (identical objects: nothing recomputed) has the same answer.
    const question = JSON.stringify([groupBy, Object.entries(filter).sort()]);
    const known = this.answers.get(question);
    if (known && known.table === table && known.totals === totals) return known.answer;
    const answer = this.answerFrom(table, totals, reference, query);
    if (this.answers.size >= MAX_CACHED_ANSWERS) this.answers.clear();
    this.answers.set(question, { table, totals, answer });
    return answer;
  }

  private answerFrom(table: Cuboid, totals: Cuboid, reference: StatisticsDimension[], query: StatisticsQuery): StatisticsAnswer {
    const { groupBy, filter } = query;
    const filterDims = Object.keys(filter) as StatisticsDimension[];
    const position = new Map(reference.map((d, i) => [d, i]));
    const codeOf = (coords: readonly string[], dimension: StatisticsDimension): string => {
      const at = position.get(dimension);
      if (at !== undefined) return coords[at] as string;
      // A parent left out because its child is in the table: derive it.
      const child = STATISTICS_DIMENSIONS.find((d) => DIMENSION_PARENT[d]?.parent === dimension && position.has(d)) as StatisticsDimension;
      return (DIMENSION_PARENT[child] as { of: (code: string) => string }).of(coords[position.get(child) as number] as string);
    };

    const cells: StatisticsAnswer['cells'] = [];
    let suppressedCells = 0;
    table.cells.forEach((cell, i) => {
      for (const [dimension, code] of Object.entries(filter) as Array<[StatisticsDimension, string]>) {
        if (codeOf(cell.coords, dimension) !== code) return;
      }
      const hidden = table.suppressed[i] === 1;
      if (hidden) suppressedCells++;
      cells.push({ coords: groupBy.map((d) => codeOf(cell.coords, d)), count: hidden ? null : cell.count, suppressed: hidden });
    });
    cells.sort((a, b) => compareCoords(a.coords, b.coords, groupBy));

    const dims = canonical(filterDims);
    const at = totals.cells.findIndex((cell) =>
      filterDims.every((d) => {
        const i = dims.indexOf(d);
        return (i >= 0 ? (cell.coords[i] as string) : deriveParent(dims, cell.coords, d)) === filter[d];
      }),
    );
    const total = at < 0 ? 0 : totals.suppressed[at] ? null : (totals.cells[at] as Cell).count;
    return { total, cells, suppressedCells, referenceYear: this.referenceYear() };
  }

  /** The counts added up to `dimensions` (canonical order), with their suppression; cached until a count changes. */
  cuboid(dimensions: readonly StatisticsDimension[], allowStale = false): Cuboid {
    this.settle();
    const cacheKey = `${this.referenceYear()}:${dimensions.join(',')}`;
    const cached = this.cuboids.get(cacheKey);
    if (cached && (cached.version === this.version || (allowStale && cached.expensive && performance.now() - cached.computedAt < STALE_MS))) {
      this.cuboids.delete(cacheKey);
      this.cuboids.set(cacheKey, cached);
      return cached;
    }
    const started = performance.now();
    this.evict();
    // In code order: where two cells could equally be suppressed, the first wins, so the pattern must not depend
    // on the order the cells happened to be added up in (which depends on what the cache held).
    const cells = this.cellsOf(dimensions).sort((a, b) => compareCoords(a.coords, b.coords, dimensions));
    this.cellTables.set(cacheKey, { version: this.version, cells, year: this.referenceYear(), dims: dimensions });
    // The coarser tables each line adds up to are decided first (recursively, cached).
    const kinds: LineKind[] = [];
    dimensions.forEach((dimension, i) => {
      // Sub-lines (within the parent) first: fixing them first often satisfies the whole line at no extra cost.
      const parent = DIMENSION_PARENT[dimension];
      if (parent) {
        const up = canonical([...dimensions.filter((_, j) => j !== i), parent.parent]);
        const coarser = this.cuboid(up);
        // The line's coordinates hold the parent's code at i.
        const picks = up.map((u) => (u === parent.parent ? i : dimensions.indexOf(u)));
        kinds.push({
          dim: i,
          variant: parent.of,
          totalPublished: (coords) => published(coarser, coords, picks),
        });
      }
      const without = this.cuboid(dimensions.filter((_, j) => j !== i));
      const others = dimensions.map((_, j) => j).filter((j) => j !== i);
      kinds.push({ dim: i, variant: () => '*', totalPublished: (coords) => published(without, coords, others) });
    });
    const suppressed = suppress(cells, kinds, this.threshold);
    const computedAt = performance.now();
    const table: Cuboid = { version: this.version, cells, suppressed, computedAt, expensive: computedAt - started > EXPENSIVE_MS };
    this.cuboids.set(cacheKey, table);
    return table;
  }

  /**
   * The cells of a table: added up from the smallest finer table already in memory (a table's margins are asked
   * for right after it, for its disclosure control), else from the smallest kept counts holding its dimensions.
   */
  private cellsOf(dimensions: readonly StatisticsDimension[]): Cell[] {
    const year = this.referenceYear();
    let best: { dims: readonly StatisticsDimension[]; cells: Cell[] } | null = null;
    for (const table of this.cellTables.values()) {
      if (table.version !== this.version || table.year !== year) continue;
      const dims = table.dims;
      if (!dimensions.every((d) => dims.includes(d) || dims.some((c) => DIMENSION_PARENT[c]?.parent === d))) continue;
      if (!best || table.cells.length < best.cells.length) best = { dims, cells: table.cells };
    }
    let counts = this.detail;
    const columns = dimensions.map((d) => this.columnIndex((this.source.dimensions[d] as DimensionSource).column));
    for (const summary of this.summaries) {
      if (summary.size < counts.size && columns.every((c) => summary.columns.includes(c))) counts = summary;
    }
    if (!best || counts.size < best.cells.length) return this.addUp(counts, dimensions);
    const from = best.dims;
    const pick = dimensions.map((d) => {
      const at = from.indexOf(d);
      if (at >= 0) return (coords: readonly string[]) => coords[at] as string;
      const child = from.findIndex((c) => DIMENSION_PARENT[c]?.parent === d);
      const up = (DIMENSION_PARENT[from[child] as StatisticsDimension] as { of: (code: string) => string }).of;
      return (coords: readonly string[]) => up(coords[child] as string);
    });
    // Number the codes of each asked dimension as they come, and sum under one number per cell.
    const numbering = dimensions.map(() => new Map<string, number>());
    const sums = new Map<number, { coords: string[]; count: number }>();
    const RADIX = 4096;
    const codes = new Array<string>(pick.length);
    for (const cell of best.cells) {
      let key = 0;
      for (let d = 0; d < pick.length; d++) {
        const code = (pick[d] as (coords: readonly string[]) => string)(cell.coords);
        codes[d] = code;
        const numbers = numbering[d] as Map<string, number>;
        let n = numbers.get(code);
        if (n === undefined) numbers.set(code, (n = numbers.size));
        key = key * RADIX + n;
      }
      const sum = sums.get(key);
      if (sum) sum.count += cell.count;
      else sums.set(key, { coords: codes.slice(), count: cell.count });
    }
    return [...sums.values()];
  }

  /** Drops tables older than the counts, then the least recently used while the cache holds more than MAX_CACHED_CELLS cells. */
  private evict(): void {
    for (const [key, table] of this.cellTables) if (table.version !== this.version) this.cellTables.delete(key);
    const now = performance.now();
    let cells = 0;
    for (const [key, table] of this.cuboids) {
      if (table.version !== this.version && !(table.expensive && now - table.computedAt < STALE_MS)) {
        this.cuboids.delete(key);
        this.cellTables.delete(key);
      } else cells += table.cells.length;
    }
    // Least recently used first (a Map keeps insertion order; a hit moves the table to the end).
    for (const [key, table] of this.cuboids) {
      if (cells <= MAX_CACHED_CELLS) break;
      this.cuboids.delete(key);
      this.cellTables.delete(key);
      cells -= table.cells.length;
    }
  }

  private addUp(table: CountTable, dimensions: readonly StatisticsDimension[]): Cell[] {
    const context = { referenceYear: this.referenceYear() };
    // Per dimension: each code of its column mapped to the index of the dimension's code.
    const projections = dimensions.map((dimension) => {
      const source = this.source.dimensions[dimension] as DimensionSource;
      const column = this.columnIndex(source.column);
      const dictionary = this.dictionaries[column] as { codes: string[] };
      const codes: string[] = [];
      const index = new Map<string, number>();
      const map = new Int32Array(dictionary.codes.length);
      dictionary.codes.forEach((code, i) => {
        const value = source.map ? source.map(code, context) : code;
        let at = index.get(value);
        if (at === undefined) {
          at = codes.length;
          codes.push(value);
          index.set(value, at);
        }
        map[i] = at;
      });
      return { column: table.codes[table.columns.indexOf(column)] as Int32Array, map, codes };
    });
    // A row's cell number is a sum of one term per dimension (its code's index times the dimension's stride).
    const space = projections.reduce((product, p) => product * Math.max(1, p.codes.length), 1);
    const dense = space <= DENSE_LIMIT ? new Int32Array(space) : null;
    let stride = 1;
    const terms: Array<Int32Array | Float64Array> = new Array(projections.length);
    for (let d = projections.length - 1; d >= 0; d--) {
      const p = projections[d] as (typeof projections)[number];
      const term = dense ? new Int32Array(p.map.length) : new Float64Array(p.map.length);
      for (let i = 0; i < p.map.length; i++) term[i] = (p.map[i] as number) * stride;
      terms[d] = term;
      stride *= Math.max(1, p.codes.length);
    }
    const counts = table.counts;
    const size = table.size;
    const columns = projections.map((p) => p.column);
    let sparse: Map<number, number> | undefined;
    if (dense) {
      const [ta, tb, tc] = terms as Int32Array[];
      const [ca, cb, cc] = columns;
      if (projections.length === 1) {
        for (let row = 0; row < size; row++) dense[ta[ca[row]]] += counts[row];
      } else if (projections.length === 2) {
        for (let row = 0; row < size; row++) dense[ta[ca[row]] + tb[cb[row]]] += counts[row];
      } else if (projections.length === 3) {
        for (let row = 0; row < size; row++) dense[ta[ca[row]] + tb[cb[row]] + tc[cc[row]]] += counts[row];
      } else {
        for (let row = 0; row < size; row++) {
          let key = 0;
          for (let d = 0; d < columns.length; d++) key += terms[d][columns[d][row]];
          dense[key] += counts[row];
        }
      }
    } else {
      sparse = new Map<number, number>();
      for (let row = 0; row < size; row++) {
        const count = counts[row] as number;
        if (count === 0) continue;
        let key = 0;
        for (let d = 0; d < columns.length; d++) key += terms[d][columns[d][row]];
        sparse.set(key, (sparse.get(key) ?? 0) + count);
      }
    }
    const cells: Cell[] = [];
    const cell = (key: number, count: number) => {
      if (count === 0) return;
      const coords = new Array<string>(projections.length);
      let rest = key;
      for (let d = projections.length - 1; d >= 0; d--) {
        const p = projections[d] as (typeof projections)[number];
        coords[d] = p.codes[rest % p.codes.length] as string;
        rest = Math.floor(rest / p.codes.length);
      }
      cells.push({ coords, count });
    };
    if (dense) for (let key = 0; key < dense.length; key++) cell(key, dense[key] as number);
    else (sparse as Map<number, number>).forEach((count, key) => cell(key, count));
    return cells;
  }
}

/**
 * The dimensions of a query's table, in contract order, without a parent whose child is there too (the child
 * determines it, so it adds no cells).
 */
export function canonical(dimensions: readonly StatisticsDimension[]): StatisticsDimension[] {
  const set = new Set(dimensions);
  return STATISTICS_DIMENSIONS.filter(
    (d) => set.has(d) && !STATISTICS_DIMENSIONS.some((child) => set.has(child) && DIMENSION_PARENT[child]?.parent === d),
  );
}

function deriveParent(dims: readonly StatisticsDimension[], coords: readonly string[], parent: StatisticsDimension): string {
  const child = dims.find((d) => DIMENSION_PARENT[d]?.parent === parent) as StatisticsDimension;
  return (DIMENSION_PARENT[child] as { of: (code: string) => string }).of(coords[dims.indexOf(child)] as string);
}

const RANKS: Readonly<Record<StatisticsDimension, Map<string, number>>> = Object.fromEntries(
  STATISTICS_DIMENSIONS.map((d) => [d, new Map(DIMENSION_CODES[d].map((code, i) => [code, i]))]),
) as Record<StatisticsDimension, Map<string, number>>;

/** Cells in the order of each dimension's code list (unknown codes last, by text). */
function compareCoords(a: readonly string[], b: readonly string[], dims: readonly StatisticsDimension[]): number {
  for (let i = 0; i < dims.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    const ranks = RANKS[dims[i] as StatisticsDimension];
    const rx = ranks.get(x) ?? Infinity;
    const ry = ranks.get(y) ?? Infinity;
    if (rx !== ry) return rx - ry;
    return x < y ? -1 : 1;
  }
  return 0;
}
