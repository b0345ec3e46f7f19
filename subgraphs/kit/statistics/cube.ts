/**
 * An authority's statistics, served from memory. The database holds the counts (kept in the writing
 * transaction, see kit/statistics/migration.ts); this keeps a copy of them, reads what changed before every
 * query and every `pollMs` (see read(): a late commit is never missed; counts are absolute, so reading one
 * twice is harmless), and answers a query by adding the detailed counts up to the asked dimensions, then
 * applying disclosure control.
 */
import type { DataSource, EntityManager } from 'typeorm';
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
import { publishedCount } from './perturbation';
import { suppress, type LineKind } from './suppression';
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
  /** The column of each count's key sum: its persons' record keys added up modulo 2^32 (perturbation.ts). */
  keyColumn: string;
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
  /** The persons the filter selects, as published (perturbed); null when that figure itself is suppressed. */
  total: number | null;
  /** Each cell's published (perturbed) count, null when suppressed. */
  cells: Array<{ coords: string[]; count: number | null; suppressed: boolean }>;
  suppressedCells: number;
  /** The year ages are counted at (31 December). */
  referenceYear: number;
}

/** A dimension's codes in a table: its code list, then codes met in the counts that are not in it (by text). */
interface CodeSpace {
  codes: readonly string[];
  index: ReadonlyMap<string, number>;
  /** Each code of the dimension's column (by dictionary number) mapped to its code's number here. */
  projection: Int32Array;
  /** The dictionary size and the reference year the space was made for. */
  dictionarySize: number;
  year: number;
}

/**
 * A table of counts (the persons counted by some dimensions), dense: a count for every combination of its
 * dimensions' codes, in code order (see suppression.ts), so no cell objects are made and a coarser table's cell
 * is found by arithmetic.
 */
interface Cuboid {
  version: number;
  year: number;
  dims: readonly StatisticsDimension[];
  spaces: readonly CodeSpace[];
  strides: readonly number[];
  counts: Int32Array;
  /** Per cell, the sum of its persons' record keys modulo 2^32: its cell key. */
  keys: Int32Array;
  /** Per cell, 1 when suppressed; unset while the table's coarser tables are being decided. */
  suppressed?: Uint8Array;
  computedAt: number;
  /** Took long to compute: may be served for STALE_MS after the counts change. */
  expensive: boolean;
}

function stridesOf(spaces: readonly CodeSpace[]): number[] {
  const strides = new Array<number>(spaces.length);
  for (let d = spaces.length - 1, stride = 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= (spaces[d] as CodeSpace).codes.length;
  }
  return strides;
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

/** Changes remembered between two settle() calls at most (a bulk change recomputes every table anyway). */
const MAX_PENDING = 1000;

/** Cells of cached tables kept in memory at most, empty or not (9 bytes each: count, key sum, suppression). */
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
  /** Tables by year and dimensions: current ones, ones served stale for a while, and ones being decided. */
  private readonly cuboids = new Map<string, Cuboid>();
  private readonly spaces = new Map<StatisticsDimension, CodeSpace>();
  private readonly answers = new Map<string, { table: Cuboid; totals: Cuboid; answer: StatisticsAnswer }>();
  /** Bumped whenever a count changes; cached tables older than it are recomputed, unless settle() finds them unchanged. */
  version = 0;
  /** The detailed counts changed since the last settle(), with by how much. */
  private pending: Array<{ codes: Int32Array; delta: number; keyDelta: number }> = [];
  /** The version cached tables were current at when settle() last ran. */
  private settled = 0;
  /** The year-end snapshots of the same counts, for the trend (set by startStatistics). */
  yearEnds: YearEndSnapshots | null = null;

  constructor(
    private readonly db: DataSource,
    readonly source: FactSource,
    /** `staleMs`: how long an expensive table may answer after a change (STALE_MS). */
    private readonly options: { referenceYear?: () => number; threshold?: number; staleMs?: number } = {},
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
   * Brings the served copy to one REPEATABLE READ snapshot and runs `work` in that same snapshot before any
   * later change is applied, so what `work` reads from the database and what the copy serves are one moment
   * (stats:verify, while events keep arriving). Reads asked for meanwhile wait for it.
   */
  async atSnapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    while (this.reading) await this.reading.catch(() => 0);
    let result: T | undefined;
    this.reading = this.db
      .transaction('REPEATABLE READ', async (m) => {
        const read = await this.read(m);
        result = await work(m);
        return read;
      })
      .finally(() => {
        this.reading = null;
      });
    await this.reading;
    return result as T;
  }

  /**
   * Takes a snapshot first, then reads the counts written by transactions the previous snapshot did not see as
   * finished: those running then (its xip list) and those started after (>= its xmax). Everything older was
   * already visible to the previous read. A long transaction elsewhere in the cluster costs nothing here.
   */
  private async read(on: Pick<EntityManager, 'query'> = this.db): Promise<number> {
    const [snapshot]: Array<{ xmax: string; xip: string[] }> = await on.query(
      `SELECT pg_snapshot_xmax(s)::text AS xmax, array(SELECT x::text FROM pg_snapshot_xip(s) AS x) AS xip FROM pg_current_snapshot() AS s`,
    );
    const { table, columns, countColumn, keyColumn } = this.source;
    const since = this.seen;
    const rows: Array<Record<string, unknown>> = await on.query(
      `SELECT ${columns.join(', ')}, ${countColumn} AS n, ${keyColumn} AS k FROM ${table}${since ? ' WHERE txid >= $1 OR txid = ANY($2::bigint[])' : ''}`,
      since ? [since.xmax, since.xip] : [],
    );
    this.detail.reserve(this.detail.size + rows.length);
    for (const row of rows) this.set(columns.map((c) => String(row[c])), Number(row.n), Number(row.k) | 0);
    this.seen = { xmax: (snapshot as { xmax: string }).xmax, xip: (snapshot as { xip: string[] }).xip };
    return rows.length;
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

  /**
   * Answers a spread of tables once and forgets them: every one- and two-way table, each sliced by a third
   * dimension, so the code that adds up, rolls up, suppresses and answers is compiled before the first query
   * instead of running in the interpreter then. The first ask of a table still computes it.
   */
  warmUp(): void {
    const held = this.heldDimensions();
    for (const [i, a] of held.entries()) {
      for (const b of [null, ...held.slice(i + 1)]) {
        const groupBy = b ? [a, b] : [a];
        const other = held.find((d) => !groupBy.includes(d) && canonical([...groupBy, d]).length === groupBy.length + 1);
        for (const filter of [{}, other ? { [other]: DIMENSION_CODES[other][0] as string } : {}]) {
          try {
            this.answer({ groupBy, filter });
          } catch {
            // too large a table: refused, as a query would be
          }
        }
      }
    }
    this.forgetTables();
  }

  /** The dimensions this authority counts, in contract order. */
  heldDimensions(): StatisticsDimension[] {
    return STATISTICS_DIMENSIONS.filter((d) => this.source.dimensions[d]);
  }

  /** Drops every table and answer computed so far (each is computed again when next asked). */
  forgetTables(): void {
    this.cuboids.clear();
    this.answers.clear();
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
      if (table.version === was && unchanged(table.year, table.dims)) table.version = this.version;
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
    const filters = Object.entries(filter) as Array<[StatisticsDimension, string]>;
    // Per dimension of the table, which of its codes the filter keeps (all, when it does not filter that dimension).
    const keeps = table.spaces.map((space, d) => {
      const dimension = reference[d] as StatisticsDimension;
      const parent = DIMENSION_PARENT[dimension];
      const own = filter[dimension];
      const above = parent ? filter[parent.parent] : undefined;
      if (own === undefined && above === undefined) return null;
      return Uint8Array.from(space.codes, (code) => ((own === undefined || code === own) && (above === undefined || parent?.of(code) === above) ? 1 : 0));
    });
    // Per asked dimension, its code for each code of the table dimension it is read from (a parent is derived from its child).
    const reads = groupBy.map((dimension) => {
      const at = reference.indexOf(dimension);
      if (at >= 0) return { at, space: table.spaces[at] as CodeSpace, codes: (table.spaces[at] as CodeSpace).codes };
      const child = reference.findIndex((d) => DIMENSION_PARENT[d]?.parent === dimension);
      const of = (DIMENSION_PARENT[reference[child] as StatisticsDimension] as { of: (code: string) => string }).of;
      return { at: child, space: this.codeSpace(dimension), codes: (table.spaces[child] as CodeSpace).codes.map(of) };
    });
    const ranks = reads.map(({ space, codes }) => Int32Array.from(codes, (code) => space.index.get(code) as number));
    const dims = table.spaces.length;
    const sizes = table.spaces.map((space) => space.codes.length);
    const strides = table.strides;
    const { counts, keys } = table;
    /** The code number, on dimension `d`, of the cell at `position`. */
    const codeAt = (position: number, d: number) => ((position / (strides[d] as number)) | 0) % (sizes[d] as number);
    const suppressed = table.suppressed as Uint8Array;
    // The kept cells' positions and where each comes in the answer (its asked codes' numbers, in the order asked).
    const picked = new Int32Array(counts.length);
    const order = new Float64Array(counts.length);
    let kept = 0;
    let inOrder = true;
    for (let position = 0; position < counts.length; position++) {
      if (counts[position] === 0) continue;
      let keep = true;
      for (let d = 0; d < dims && keep; d++) {
        const flags = keeps[d];
        if (flags) keep = flags[codeAt(position, d)] === 1;
      }
      if (!keep) continue;
      let rank = 0;
      for (let g = 0; g < reads.length; g++) {
        const read = reads[g] as (typeof reads)[number];
        rank = rank * read.space.codes.length + ((ranks[g] as Int32Array)[codeAt(position, read.at)] as number);
      }
      if (kept > 0 && rank < (order[kept - 1] as number)) inOrder = false;
      picked[kept] = position;
      order[kept++] = rank;
    }
    // Usually already in order (the dimensions asked in contract order); otherwise sorted by rank.
    const sequence = inOrder ? null : Array.from({ length: kept }, (_, k) => k).sort((x, y) => (order[x] as number) - (order[y] as number));
    let suppressedCells = 0;
    const cells: StatisticsAnswer['cells'] = new Array(kept);
    for (let k = 0; k < kept; k++) {
      const position = picked[sequence ? (sequence[k] as number) : k] as number;
      const hidden = suppressed[position] === 1;
      if (hidden) suppressedCells++;
      const coords = new Array<string>(reads.length);
      for (let g = 0; g < reads.length; g++) {
        const read = reads[g] as (typeof reads)[number];
        coords[g] = read.codes[codeAt(position, read.at)] as string;
      }
      cells[k] = { coords, count: hidden ? null : publishedCount(counts[position] as number, keys[position] as number), suppressed: hidden };
    }

    // The total: the filter's own cell of its own table (the grand total without a filter); absent, nobody.
    let at = 0;
    for (let d = 0; d < totals.dims.length && at >= 0; d++) {
      const n = (totals.spaces[d] as CodeSpace).index.get(filter[totals.dims[d] as StatisticsDimension] as string);
      at = n === undefined ? -1 : at + n * (totals.strides[d] as number);
    }
    // A parent filtered beside its child must be the child's parent, or the filter selects nobody.
    const consistent = filters.every(([d, code]) => totals.dims.includes(d) || deriveParent(totals.dims, filter, d) === code);
    const total =
      at < 0 || !consistent
        ? 0
        : (totals.suppressed as Uint8Array)[at]
          ? null
          : publishedCount(totals.counts[at] as number, totals.keys[at] as number);
    return { total, cells, suppressedCells, referenceYear: this.referenceYear() };
  }

  /**
   * A dimension's codes: its code list, then any other code met in the counts (by text; a parent's space also
   * holds its children's parents). Remade when the column's dictionary grows or the year turns.
   */
  private codeSpace(dimension: StatisticsDimension): CodeSpace {
    const source = this.source.dimensions[dimension] as DimensionSource;
    const dictionary = this.dictionaries[this.columnIndex(source.column)] as { codes: string[] };
    const year = this.referenceYear();
    const cached = this.spaces.get(dimension);
    if (cached && cached.dictionarySize === dictionary.codes.length && cached.year === year) return cached;
    const context = { referenceYear: year };
    const mapped = dictionary.codes.map((code) => (source.map ? source.map(code, context) : code));
    const listed = DIMENSION_CODES[dimension];
    const listedSet = new Set(listed);
    const extras = new Set(mapped.filter((code) => !listedSet.has(code)));
    for (const child of STATISTICS_DIMENSIONS) {
      const parent = DIMENSION_PARENT[child];
      if (parent?.parent !== dimension || !this.source.dimensions[child]) continue;
      for (const code of this.codeSpace(child).codes) if (!listedSet.has(parent.of(code))) extras.add(parent.of(code));
    }
    const codes = [...listed, ...[...extras].sort()];
    const index = new Map(codes.map((code, i) => [code, i]));
    const space = { codes, index, projection: Int32Array.from(mapped, (code) => index.get(code) as number), dictionarySize: dictionary.codes.length, year };
    this.spaces.set(dimension, space);
    return space;
  }

  /** The counts added up to `dimensions` (canonical order), with their suppression; cached until a count changes. */
  cuboid(dimensions: readonly StatisticsDimension[], allowStale = false): Cuboid & { suppressed: Uint8Array } {
    this.settle();
    const year = this.referenceYear();
    const cacheKey = `${year}:${dimensions.join(',')}`;
    const cached = this.cuboids.get(cacheKey);
    if (
      cached?.suppressed &&
      (cached.version === this.version || (allowStale && cached.expensive && performance.now() - cached.computedAt < (this.options.staleMs ?? STALE_MS)))
    ) {
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
        const terms = this.termsInto(coarser, table, i, [...variants.keys()]);
        kinds.push({ dim: i, variantOf, totalPublished: (line) => isPublished(coarser, terms, line) });
      }
      const without = this.cuboid(dimensions.filter((_, j) => j !== i));
      const terms = this.termsInto(without, table, i, null);
      kinds.push({ dim: i, totalPublished: (line) => isPublished(without, terms, line) });
    });
    table.suppressed = suppress({ shape: table.spaces.map((space) => space.codes.length), counts: table.counts }, kinds, this.threshold);
    table.computedAt = performance.now();
    table.expensive = table.computedAt - started > EXPENSIVE_MS;
    this.cuboids.delete(cacheKey);
    this.cuboids.set(cacheKey, table);
    return table as Cuboid & { suppressed: Uint8Array };
  }

  /**
   * How a line of `table` along dimension `dim` finds its total in `coarser`: per dimension of `table`, each code
   * number's term in the coarser table's position (-1: the code is not there, so the total is empty), `dim`'s
   * terms by variant (`variants`: the coarser table's codes for them; null: the line's total drops `dim`).
   */
  private termsInto(coarser: Cuboid, table: Cuboid, dim: number, variants: readonly string[] | null): Array<Int32Array | null> {
    const term = (codes: readonly string[], dimension: StatisticsDimension): Int32Array => {
      const at = coarser.dims.indexOf(dimension);
      const space = coarser.spaces[at] as CodeSpace;
      const stride = coarser.strides[at] as number;
      return Int32Array.from(codes, (code) => {
        const n = space.index.get(code);
        return n === undefined ? -1 : n * stride;
      });
    };
    return table.dims.map((dimension, d) => {
      if (d !== dim) return term((table.spaces[d] as CodeSpace).codes, dimension);
      return variants ? term(variants, (DIMENSION_PARENT[dimension] as { parent: StatisticsDimension }).parent) : null;
    });
  }

  /** A new table's counts (suppression not decided yet). */
  private countsOf(dimensions: readonly StatisticsDimension[], year: number): Cuboid {
    const spaces = dimensions.map((d) => this.codeSpace(d));
    const strides = stridesOf(spaces);
    const size = spaces.reduce((product, space) => product * space.codes.length, 1);
    const table: Cuboid = {
      version: this.version,
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
      if (other.version !== this.version || other.year !== year || other === table) continue;
      if (!dimensions.every((d) => other.dims.includes(d) || other.dims.some((c) => DIMENSION_PARENT[c]?.parent === d))) continue;
      if (!finer || other.counts.length < finer.counts.length) finer = other;
    }
    let counts = this.detail;
    const columns = dimensions.map((d) => this.columnIndex((this.source.dimensions[d] as DimensionSource).column));
    for (const summary of this.summaries) {
      if (summary.size < counts.size && columns.every((c) => summary.columns.includes(c))) counts = summary;
    }
    if (finer && finer.counts.length <= counts.size) this.rollUp(finer, table);
    else this.addUp(counts, table);
    return table;
  }

  /** Sums kept counts into a new table: a row's cell is the sum of one term per dimension (its code's number times the stride). */
  private addUp(from: CountTable, table: Cuboid): void {
    const target = this.positions(from.size);
    table.spaces.forEach((space, d) => {
      const column = from.codes[from.columns.indexOf(this.columnIndex((this.source.dimensions[table.dims[d] as StatisticsDimension] as DimensionSource).column))] as Int32Array;
      addColumnTerms(target, space.projection.map((n) => n * (table.strides[d] as number)), column);
    });
    scatter(target, from.counts, from.keys, table);
  }

  /** Adds a finer table's counts up into a coarser one (dimensions dropped, or replaced by their parent). */
  private rollUp(from: Cuboid, to: Cuboid): void {
    const target = this.positions(from.counts.length);
    from.dims.forEach((dimension, d) => {
      const codes = (from.spaces[d] as CodeSpace).codes;
      let at = to.dims.indexOf(dimension);
      let of = (code: string) => code;
      if (at < 0) {
        at = to.dims.findIndex((t) => DIMENSION_PARENT[dimension]?.parent === t);
        if (at < 0) return; // dropped: adds nothing to the position
        of = (DIMENSION_PARENT[dimension] as { of: (code: string) => string }).of;
      }
      const space = to.spaces[at] as CodeSpace;
      const stride = to.strides[at] as number;
      const terms = Int32Array.from(codes, (code) => {
        const n = space.index.get(of(code));
        if (n === undefined) throw new Error(`${of(code)} is not in the code space of ${to.dims[at]}`);
        return n * stride;
      });
      addDigitTerms(target, terms, from.strides[d] as number);
    });
    scatter(target, from.counts, from.keys, to);
  }

  /**
   * The scratch array of each source row's cell in the table being made (zeroed, `size` long). Shared by every
   * table, so making one allocates nothing of the source's size.
   */
  private positions(size: number): Int32Array {
    if (this.targets.length < size) this.targets = new Int32Array(Math.max(size, this.targets.length * 2));
    return this.targets.subarray(0, size).fill(0);
  }

  private targets = new Int32Array(0);

  /**
   * Drops tables older than the counts (unless served stale for a while), then the least recently used while the
   * cache holds more than MAX_CACHED_CELLS cells. Tables being decided stay.
   */
  private evict(): void {
    const now = performance.now();
    let cells = 0;
    for (const [key, table] of this.cuboids) {
      if (table.version !== this.version && !(table.suppressed && table.expensive && now - table.computedAt < (this.options.staleMs ?? STALE_MS))) this.cuboids.delete(key);
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

/*
 * Adding up, by dimension rather than by row: each source row's cell in the new table is the sum of one term per
 * dimension, so a pass per dimension adds its term to every row's position, then one pass adds each row's count
 * and key sum there. The same three loops serve every number of dimensions, so they are compiled by the first
 * tables asked (or the warm-up) and never met cold by a table of a new shape.
 */

/** Kept counts: adds `terms[column[row]]` to each row's position. */
function addColumnTerms(target: Int32Array, terms: Int32Array, column: Int32Array): void {
  for (let row = 0; row < target.length; row++) target[row] += terms[column[row] as number] as number;
}

/**
 * A dense table: its cells run through a dimension's codes in blocks of `stride` cells (the dimensions after it),
 * round and round; adds the code's term to each cell's position.
 */
function addDigitTerms(target: Int32Array, terms: Int32Array, stride: number): void {
  const size = target.length;
  for (let position = 0; position < size; ) {
    for (let code = 0; code < terms.length; code++) {
      const term = terms[code] as number;
      const end = position + stride;
      for (; position < end; position++) target[position] += term;
    }
  }
}

/** Adds each source row's count and key sum into its cell (key sums wrap modulo 2^32, as an Int32Array does). */
function scatter(target: Int32Array, counts: Int32Array, keys: Int32Array, to: Cuboid): void {
  const dense = to.counts;
  const denseKeys = to.keys;
  for (let row = 0; row < target.length; row++) {
    const at = target[row] as number;
    dense[at] += counts[row] as number;
    denseKeys[at] += keys[row] as number;
  }
}

/** Whether the coarser cell a line adds up to is published (an absent cell holds nobody: nothing to hide). */
function isPublished(coarser: Cuboid, terms: ReadonlyArray<Int32Array | null>, line: Int32Array): boolean {
  let at = 0;
  for (let d = 0; d < terms.length; d++) {
    const term = terms[d];
    if (!term) continue;
    const n = term[line[d] as number] as number;
    if (n < 0) return true;
    at += n;
  }
  return (coarser.suppressed as Uint8Array)[at] === 0;
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

/** A parent's code in a filter that holds its child instead (`dims`: the filter's canonical dimensions). */
function deriveParent(dims: readonly StatisticsDimension[], filter: StatisticsQuery['filter'], parent: StatisticsDimension): string {
  const child = dims.find((d) => DIMENSION_PARENT[d]?.parent === parent) as StatisticsDimension;
  return (DIMENSION_PARENT[child] as { of: (code: string) => string }).of(filter[child] as string);
}
