/**
 * The Merkle tree of RFC 9162 (Certificate Transparency 2.0, section 2.1) with SHA-256, over an append-only log.
 *
 * Storage model: leaves are numbered 0..n-1, and the log keeps the hash of every perfect aligned subtree, node
 * (level L, index i) = MTH of leaves [i*2^L, (i+1)*2^L), stored once all its leaves exist (level 0 holds the leaf
 * hashes). Every range the RFC's recursions visit splits into O(log n) such nodes, so roots and proofs cost a
 * handful of reads however large the log grows, and leaves past their retention can go while the nodes above them
 * keep answering for them. Level-0 nodes are still read at the edges: the root of an odd size m, and consistency
 * proofs from it, need leaf hash m-1, and the proof of leaf i needs leaf hash i XOR 1. Everything here reads nodes
 * through a `NodeReader`; nothing touches a database.
 *
 * Sizes and indices are plain numbers up to 2^53, so bit arithmetic is done with division, never with `>>` or `&`,
 * which would truncate to 32 bits.
 */
import { hash } from 'node:crypto';

export type Hash = Buffer;

/** RFC 9162 leaf hash: SHA-256(0x00 || data). */
export function leafHash(data: Buffer | string): Hash {
  // One-shot hashing: a log of many rows hashes each several times, and a Hash object per hash costs more than the
  // hash. The prefix byte 0x00 is U+0000 in UTF-8.
  return hash('sha256', typeof data === 'string' ? `\u0000${data}` : Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

/** RFC 9162 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

/** The hash of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = hash('sha256', Buffer.alloc(0), 'buffer');

/** Reads a perfect aligned subtree's hash (level, index); throws if missing. May be async (database). */
export type NodeReader = (level: number, index: number) => Promise<Hash>;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/**
 * The perfect nodes to add when leaves [from, to) are appended to a tree of size `from`: every (level, index, hash)
 * that becomes complete, computed from the new leaf hashes and, for left siblings that already existed, from `read`.
 * Ordered by level then index.
 */
export async function newNodes(
  from: number,
  leafHashes: Hash[],
  read: NodeReader,
): Promise<Array<{ level: number; index: number; hash: Hash }>> {
  requireSize(from, 'from');
  const to = from + leafHashes.length;
  const added = leafHashes.map((hash, k) => ({ level: 0, index: from + k, hash }));
  // At each level the new nodes are indices [floor(from / 2^L), floor(to / 2^L)); only the first one's left child
  // can predate this batch, because a node's right child completes with it. Those older children are asked for
  // all at once, before any hashing, so a reader can fetch them together.
  const older = new Map<number, Promise<Hash>>();
  for (let L = 1; Math.floor(from / 2 ** L) < Math.floor(to / 2 ** L); L++) {
    const start = Math.floor(from / 2 ** L);
    if (2 * start < Math.floor(from / 2 ** (L - 1))) older.set(L, read(L - 1, 2 * start));
  }
  await Promise.all(older.values());
  let level = added.map((node) => node.hash);
  let first = from;
  for (let L = 1; ; L++) {
    const start = Math.floor(from / 2 ** L);
    const end = Math.floor(to / 2 ** L);
    if (start === end) return added;
    const next: Hash[] = [];
    for (let i = start; i < end; i++) {
      const left = 2 * i >= first ? level[2 * i - first] : await older.get(L)!;
      next.push(nodeHash(left, level[2 * i + 1 - first]));
      added.push({ level: L, index: i, hash: next[next.length - 1] });
    }
    level = next;
    first = start;
  }
}

/**
 * MTH(D[start:end]) for any range that RFC 9162's recursions need (at least: [0, n) and the ranges used by proofs),
 * from perfect nodes. The recursions' ranges start aligned to their width, so each one is tiled by a few of the
 * largest perfect nodes inside it, never by leaves it does not need.
 */
export async function rangeHash(start: number, end: number, read: NodeReader): Promise<Hash> {
  requireSize(start, 'start');
  requireSize(end, 'end');
  if (end < start) throw new RangeError(`range [${start}, ${end}) is reversed`);
  if (end === start) return EMPTY_ROOT;
  const width = end - start;
  const level = exactLog2(width);
  if (level !== undefined && start % width === 0) return read(level, start / width);
  const k = splitPoint(width);
  const [left, right] = await Promise.all([rangeHash(start, start + k, read), rangeHash(start + k, end, read)]);
  return nodeHash(left, right);
}

/** The root of the tree of size n (EMPTY_ROOT for 0). */
export async function rootAt(size: number, read: NodeReader): Promise<Hash> {
  return rangeHash(0, size, read);
}

/** RFC 9162 2.1.3.1 inclusion proof (audit path) of leaf `index` in the tree of `size`. */
export async function inclusionProof(index: number, size: number, read: NodeReader): Promise<Hash[]> {
  requireSize(index, 'index');
  requireSize(size, 'size');
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  // PATH(m, D[lo:hi]) descends into the half holding m and appends the other half's MTH after the deeper path,
  // so the siblings found on the way down are the proof read backwards.
  const siblings: Array<[number, number]> = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    if (index < mid) {
      siblings.push([mid, hi]);
      hi = mid;
    } else {
      siblings.push([lo, mid]);
      lo = mid;
    }
  }
  return Promise.all(siblings.reverse().map(([a, b]) => rangeHash(a, b, read)));
}

/** RFC 9162 2.1.4.1 consistency proof between the trees of sizes m and n (0 < m <= n); empty when m == n. */
export async function consistencyProof(m: number, n: number, read: NodeReader): Promise<Hash[]> {
  requireSize(m, 'm');
  requireSize(n, 'n');
  if (m === 0 || m > n) throw new RangeError(`no consistency proof from size ${m} to size ${n}`);
  // SUBPROOF(m, D[lo:hi], b) with m kept as an absolute leaf count: it descends until the range ends at m, where
  // the range's own MTH is the first element unless it is the whole old tree (b true), which the verifier has.
  const outer: Array<[number, number]> = [];
  let lo = 0;
  let hi = n;
  while (m !== hi) {
    const mid = lo + splitPoint(hi - lo);
    if (m <= mid) {
      outer.push([mid, hi]);
      hi = mid;
    } else {
      outer.push([lo, mid]);
      lo = mid;
    }
  }
  const ranges = outer.reverse();
  if (lo !== 0) ranges.unshift([lo, hi]);
  return Promise.all(ranges.map(([a, b]) => rangeHash(a, b, read)));
}

/** RFC 9162 2.1.3.2 verification: true when `proof` proves `leaf` at `index` in a tree of `size` with `root`. */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: Hash[], root: Hash): boolean {
  if (!isHash(leaf) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (!isSize(index) || !isSize(size) || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2 verification of a consistency proof between (m, oldRoot) and (n, newRoot). */
export function verifyConsistency(m: number, n: number, oldRoot: Hash, newRoot: Hash, proof: Hash[]): boolean {
  if (!isHash(oldRoot) || !isHash(newRoot) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (!isSize(m) || !isSize(n) || m === 0 || m > n) return false;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (proof.length === 0) return false;
  // When m is a power of two the old tree is a perfect subtree of the new one, and the proof leaves its hash out.
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

/** k in the RFC's recursions: the largest power of two strictly smaller than `width` (width >= 2). */
function splitPoint(width: number): number {
  let k = 1;
  while (k * 2 < width) k *= 2;
  return k;
}

/** log2(x) when x is a power of two, else undefined. */
function exactLog2(x: number): number | undefined {
  let level = 0;
  while (2 ** level < x) level++;
  return 2 ** level === x ? level : undefined;
}

const isPowerOfTwo = (x: number): boolean => exactLog2(x) !== undefined;

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);
const isSize = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isHash = (x: unknown): x is Hash => Buffer.isBuffer(x) && x.length === 32;

function requireSize(x: number, name: string): void {
  if (!isSize(x)) throw new RangeError(`${name} must be a non-negative safe integer, got ${x}`);
}
