/**
 * Counts in memory, keyed by some columns of an authority's detailed counts, each value held as the number its
 * column's dictionary gives it (shared by every table of one cube). The cube keeps the detailed counts in one,
 * and coarser summaries of them in others, changed by the same deltas, so a query adds up the smallest table
 * that holds its dimensions instead of every detailed count.
 */
const GROW = 1024;

/** Spreads every bit of a hash over the low bits the table is indexed by (MurmurHash3's finaliser). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class CountTable {
  /**
   * Row by its codes: an open-addressing hash table of row numbers (plus one; 0 is empty), probed linearly and
   * compared against the codes the rows hold. No key objects, so millions of rows load without collection pauses.
   */
  private slots = new Int32Array(GROW * 2);
  /** Per column of the table: the dictionary number of each row's value. */
  codes: Int32Array[];
  counts = new Int32Array(GROW);
  /** Per row, the sum of its persons' record keys modulo 2^32 (an Int32Array wraps as that sum does). */
  keys = new Int32Array(GROW);
  size = 0;
  /** By how much the last set() moved its row's key sum. */
  keyDelta = 0;

  /** `columns`: positions, in the cube's column list, of the columns this table is keyed by. */
  constructor(readonly columns: readonly number[]) {
    this.codes = columns.map(() => new Int32Array(GROW));
  }

  /** The hash of the codes a row would hold (`codes` indexed like the cube's columns). */
  private hashOf(codes: ArrayLike<number>): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < this.columns.length; k++) h = Math.imul(h ^ (codes[this.columns[k] as number] as number), 0x01000193);
    return mix(h);
  }

  /** The hash of the codes row `i` holds. */
  private hashAt(i: number): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < this.codes.length; k++) h = Math.imul(h ^ ((this.codes[k] as Int32Array)[i] as number), 0x01000193);
    return mix(h);
  }

  private row(codes: ArrayLike<number>, create: boolean): number | undefined {
    const columns = this.columns;
    const slots = this.slots;
    const mask = slots.length - 1;
    let at = this.hashOf(codes) & mask;
    for (let slot = slots[at] as number; slot !== 0; at = (at + 1) & mask, slot = slots[at] as number) {
      const i = slot - 1;
      let k = 0;
      while (k < columns.length && (this.codes[k] as Int32Array)[i] === codes[columns[k] as number]) k++;
      if (k === columns.length) return i;
    }
    if (!create) return undefined;
    const i = this.size++;
    if (i >= this.counts.length) this.grow();
    for (let k = 0; k < columns.length; k++) (this.codes[k] as Int32Array)[i] = codes[columns[k] as number] as number;
    if (this.size * 2 > slots.length) this.rehash(slots.length * 2);
    else slots[at] = i + 1;
    return i;
  }

  private rehash(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < this.size; i++) {
      let at = this.hashAt(i) & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = i + 1;
    }
    this.slots = slots;
  }

  /**
   * Makes room for `rows` rows, so a bulk load does not grow and rehash step by step. At least doubling: every read
   * of changes reserves for all its rows, most of them rows already held, and an exact size would copy the whole
   * table again at each read once it is full.
   */
  reserve(rows: number): void {
    if (rows > this.counts.length) this.resize(Math.max(rows, this.counts.length * 2));
    let capacity = this.slots.length;
    while (rows * 2 > capacity) capacity *= 2;
    if (capacity > this.slots.length) this.rehash(capacity);
  }

  /** The count of the row these codes (indexed like the cube's columns) fall in. */
  get(codes: ArrayLike<number>): number {
    const i = this.row(codes, false);
    return i === undefined ? 0 : (this.counts[i] as number);
  }

  /** The key sum of the row these codes fall in. */
  keyOf(codes: ArrayLike<number>): number {
    const i = this.row(codes, false);
    return i === undefined ? 0 : (this.keys[i] as number);
  }

  /** Sets a count and its key sum; returns by how much the count changed (the key sum's change: keyDelta). */
  set(codes: ArrayLike<number>, count: number, keySum = 0): number {
    this.keyDelta = 0;
    const i = this.row(codes, count !== 0 || keySum !== 0);
    if (i === undefined) return 0;
    const delta = count - (this.counts[i] as number);
    this.keyDelta = (keySum - (this.keys[i] as number)) | 0;
    this.counts[i] = count;
    this.keys[i] = keySum;
    return delta;
  }

  add(codes: ArrayLike<number>, delta: number, keyDelta = 0): void {
    const i = this.row(codes, true) as number;
    this.counts[i] += delta;
    this.keys[i] += keyDelta;
  }

  /** Every row's codes (indexed like the cube's columns, -1 where this table has no column), count and key sum. */
  *entries(width: number): Generator<[Int32Array, number, number]> {
    for (let i = 0; i < this.size; i++) {
      const codes = new Int32Array(width).fill(-1);
      this.columns.forEach((c, k) => (codes[c] = (this.codes[k] as Int32Array)[i] as number));
      yield [codes, this.counts[i] as number, this.keys[i] as number];
    }
  }

  private grow(): void {
    this.resize(this.counts.length * 2);
  }

  private resize(capacity: number): void {
    const counts = new Int32Array(capacity);
    counts.set(this.counts);
    this.counts = counts;
    const keys = new Int32Array(capacity);
    keys.set(this.keys);
    this.keys = keys;
    this.codes = this.codes.map((column) => {
      const grown = new Int32Array(capacity);
      grown.set(column);
      return grown;
    });
  }
}
