import type { DataSource } from 'typeorm';
import type { Authority } from '../../../runtime/authority';
import type { VerifyingKey } from '../../../runtime/keys';
import { leafHash, nodeHash, rootAt, type NodeReader } from '../merkle';
import { cosignedText, originOf, parseCheckpoint, verifyText } from './checkpoint';
import { LEAF_SELECT, rowLeafData, type LeafRow } from './leaf';
import { asBuffer, nodeReader } from './sequencer';

/** `ACCESS_LOG_RETENTION_DAYS` when unset: 7 years. */
export const DEFAULT_RETENTION_DAYS = 2557;
/** A row still waiting for its leaf after this long means the sequencer is not doing its work. */
const UNSEQUENCED_GRACE_SECONDS = 10;
const PAGE = 5000;

/** A checkpoint of this log as a witness holds it: tree size and root (base64). */
export interface WitnessedTree {
  size: number;
  root: string;
}

/** What one witness cosigned of this log: its latest, and its latest signed before the retention cut-off. */
export interface WitnessClaim {
  witness: Authority;
  latest: WitnessedTree | null;
  beforeCut: WitnessedTree | null;
}

/** What the log's self-check found, and what it made of the witnesses' copies. */
export interface LogReport {
  authority: Authority;
  /** The tree size when the check began; everything below it was checked. */
  size: number;
  /** The first leaf still present (the ones below were purged); `size` when none is. */
  first: number;
  /** Rows present below `size`. */
  leaves: number;
  checkpoints: number;
  /** The newest checkpoint checked, with the witnesses whose cosignature on it verifies. */
  latest: { size: number; at: string; cosignedBy: Authority[] } | null;
  /** Each kind of fault once, the first place it shows, with how many more places show it. */
  problems: string[];
}

export interface VerifyOptions {
  /** Public keys of every authority: its own for its checkpoints, the others' for their cosignatures. */
  keys: Partial<Record<Authority, VerifyingKey>>;
  retentionDays: number;
  /** The witnesses' copies to compare with the tree (gathered by `auditAccessLogs`). */
  witnessed?: WitnessClaim[];
  /** How often the log places waiting rows (`ACCESS_LOG_CHECKPOINT_MS`): a row may wait twice that unplaced. */
  checkpointEveryMs?: number;
}

/**
 * The log's check of itself, from its own database: the rows present are one run of leaves [first, size) and each
 * hashes to its stored leaf node; every stored node is the hash of its children; every checkpoint carries the
 * authority's signature over the root the nodes give at its size; no checkpoint is larger than the tree; leaves are
 * gone only below a checkpoint signed before the retention cut-off. Then the witnesses' copies: each size they
 * cosigned is in the tree with the root they cosigned. Reads page by page, bounded by the size read first, so it
 * runs beside the sequencer without stopping it.
 */
export async function verifyLog(db: DataSource, authority: Authority, options: VerifyOptions): Promise<LogReport> {
  const problems = new Findings();
  const [{ size }] = (await db.query(`SELECT size FROM access_log_tree WHERE id = 1`)) as [{ size: number }];
  const read = nodeReader(db);
  const graceSeconds = Math.max(UNSEQUENCED_GRACE_SECONDS, Math.ceil((2 * (options.checkpointEveryMs ?? 0)) / 1000));
  const leaves = await checkLeaves(db, size, graceSeconds, problems);
  await checkNodes(db, size, problems);
  const checkpoints = await checkCheckpoints(db, authority, size, read, options.keys, problems);
  await checkRetention(db, leaves.first, options, problems);
  for (const claim of options.witnessed ?? []) await checkClaim(claim, size, read, problems);
  return { authority, size, first: leaves.first, leaves: leaves.count, ...checkpoints, problems: problems.list() };
}

/** Rows by leaf index below `size`: one contiguous run, each hashing to its level-0 node. */
async function checkLeaves(db: DataSource, size: number, graceSeconds: number, problems: Findings): Promise<{ first: number; count: number }> {
  let first: number | null = null;
  let next = 0;
  let count = 0;
  for (let done = false; !done; ) {
    const page = (await db.query(
      `SELECT leaf_index AS "leafIndex", leaf_hash AS "leafHash", n.hash AS node, ${LEAF_SELECT}
       FROM access_log LEFT JOIN access_log_node n ON n.level = 0 AND n.idx = leaf_index
       WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index LIMIT ${PAGE}`,
      [next, size],
    )) as Array<LeafRow & { leafIndex: number; leafHash: Uint8Array | null; node: Uint8Array | null }>;
    for (const row of page) {
      first ??= row.leafIndex;
      if (row.leafIndex > next && count > 0) problems.add('removed', `leaf ${next} removed`, row.leafIndex - next);
      const { leafIndex, leafHash: stored, node, ...fields } = row;
      const hash = leafHash(rowLeafData(fields));
      // A missing node is the node check's to report.
      if (node && (!hash.equals(node) || !stored || !hash.equals(stored))) problems.add('altered', `leaf ${leafIndex} altered`);
      next = row.leafIndex + 1;
      count++;
    }
    done = page.length < PAGE;
  }
  if (count > 0 && next < size) problems.add('removed', `leaf ${next} removed`, size - next);
  // One statement each, so a leaf the sequencer adds meanwhile is never taken for one beyond the tree.
  const [beyond] = (await db.query(
    `SELECT min(leaf_index) AS "leafIndex", count(*)::bigint AS n, min(t.size) AS size
     FROM access_log, access_log_tree t WHERE leaf_index >= t.size HAVING count(*) > 0`,
  )) as Array<{ leafIndex: number; n: number; size: number }>;
  if (beyond) problems.add('beyond', `leaf ${beyond.leafIndex} is beyond the tree size ${beyond.size}`, beyond.n);
  const [waiting] = (await db.query(
    `SELECT min(id) AS id, count(*)::bigint AS n FROM access_log
     WHERE leaf_index IS NULL AND at < now() - make_interval(secs => $1) HAVING count(*) > 0`,
    [graceSeconds],
  )) as Array<{ id: number; n: number }>;
  if (waiting) problems.add('unsequenced', `row ${waiting.id} has had no leaf for over ${graceSeconds} s`, waiting.n);
  return { first: first ?? size, count };
}

/** The stored nodes below `size` are exactly the tree's perfect subtrees, and each parent hashes its children. */
async function checkNodes(db: DataSource, size: number, problems: Findings): Promise<void> {
  const levels = (await db.query(
    `SELECT level, count(*)::bigint AS n FROM access_log_node WHERE ((idx + 1) << level) <= $1 GROUP BY level`,
    [size],
  )) as Array<{ level: number; n: number }>;
  for (let level = 0; 2 ** level <= size; level++) {
    const expected = Math.floor(size / 2 ** level);
    const held = levels.find((l) => l.level === level);
    if (!held || held.n !== expected) problems.add('missing', `level ${level} of the tree holds ${held?.n ?? 0} of its ${expected} nodes`);
  }
  const [beyond] = (await db.query(
    `SELECT level, idx, (SELECT count(*) FROM access_log_node m, access_log_tree s WHERE ((m.idx + 1) << m.level) > s.size)::bigint AS n
     FROM access_log_node, access_log_tree t WHERE ((idx + 1) << level) > t.size ORDER BY level, idx LIMIT 1`,
  )) as Array<{ level: number; idx: number; n: number }>;
  if (beyond) problems.add('node beyond', `node ${beyond.level}/${beyond.idx} is beyond the tree size`, beyond.n);
  let after = { level: 1, idx: -1 };
  for (let done = false; !done; ) {
    const page = (await db.query(
      `SELECT p.level, p.idx, p.hash, l.hash AS "left", r.hash AS "right"
       FROM access_log_node p
         LEFT JOIN access_log_node l ON l.level = p.level - 1 AND l.idx = 2 * p.idx
         LEFT JOIN access_log_node r ON r.level = p.level - 1 AND r.idx = 2 * p.idx + 1
       WHERE p.level > 0 AND (p.level, p.idx) > ($1, $2) AND ((p.idx + 1) << p.level) <= $3
       ORDER BY p.level, p.idx LIMIT ${PAGE}`,
      [after.level, after.idx, size],
    )) as Array<{ level: number; idx: number; hash: Uint8Array; left: Uint8Array | null; right: Uint8Array | null }>;
    for (const node of page) {
      if (!node.left || !node.right || !nodeHash(asBuffer(node.left), asBuffer(node.right)).equals(node.hash)) {
        problems.add('node', `node ${node.level}/${node.idx} does not match its children`);
      }
    }
    done = page.length < PAGE;
    if (!done) after = { level: page.at(-1)!.level, idx: page.at(-1)!.idx };
  }
}

/** Every checkpoint up to `size`: the note it stores, the authority's signature, the root, the cosignatures. */
async function checkCheckpoints(
  db: DataSource,
  authority: Authority,
  size: number,
  read: NodeReader,
  keys: Partial<Record<Authority, VerifyingKey>>,
  problems: Findings,
): Promise<Pick<LogReport, 'checkpoints' | 'latest'>> {
  const own = keys[authority];
  if (!own) throw new Error(`No public key for ${authority}`);
  let latest: LogReport['latest'] = null;
  let checkpoints = 0;
  for (let after = -1, done = false; !done; ) {
    const page = (await db.query(
      `SELECT size, root, at, note, signature, cosignatures FROM access_log_checkpoint WHERE size > $1 AND size <= $2 ORDER BY size LIMIT ${PAGE}`,
      [after, size],
    )) as Array<{ size: number; root: Uint8Array; at: Date; note: string; signature: string; cosignatures: Record<string, string> }>;
    for (const c of page) {
      checkpoints++;
      const at = new Date(c.at).toISOString();
      const what = `checkpoint of size ${c.size}`;
      let note;
      try {
        note = parseCheckpoint(c.note);
      } catch {
        problems.add('checkpoint note', `${what}: its note is not a checkpoint note`);
        continue;
      }
      if (note.origin !== originOf(authority) || note.size !== c.size || !note.root.equals(c.root) || note.time !== at) {
        problems.add('checkpoint note', `${what}: its note does not say what the row says`);
      }
      if (!(await verifyText(c.note, c.signature, own))) problems.add('checkpoint signature', `${what}: the signature does not verify`);
      const root = await rootAt(c.size, read).catch(() => null);
      if (!root?.equals(c.root)) problems.add('checkpoint root', `${what}: its root is not the tree's root at that size`);
      const cosignedBy: Authority[] = [];
      for (const [witness, cosignature] of Object.entries(c.cosignatures)) {
        const key = witness !== authority ? keys[witness as Authority] : undefined;
        if (key && (await verifyText(cosignedText(witness as Authority, c.note), cosignature, key))) cosignedBy.push(witness as Authority);
        else problems.add('cosignature', `${what}: the cosignature of ${witness} does not verify`);
      }
      latest = { size: c.size, at, cosignedBy: cosignedBy.sort() };
    }
    done = page.length < PAGE;
    if (!done) after = page.at(-1)!.size;
  }
  const [larger] = (await db.query(
    `SELECT max(c.size) AS size, min(t.size) AS tree FROM access_log_checkpoint c, access_log_tree t WHERE c.size > t.size HAVING count(*) > 0`,
  )) as Array<{ size: number; tree: number }>;
  if (larger) problems.add('tail', `tail removed: a checkpoint of size ${larger.size} was signed, the tree has ${larger.tree} leaves`);
  return { checkpoints, latest };
}

/** Leaves below `first` are gone: allowed only below a checkpoint signed before the retention cut-off. */
async function checkRetention(db: DataSource, first: number, options: VerifyOptions, problems: Findings): Promise<void> {
  if (first === 0) return;
  const [cut] = (await db.query(
    `SELECT size FROM access_log_checkpoint WHERE at < now() - make_interval(days => $1) ORDER BY size DESC LIMIT 1`,
    [options.retentionDays],
  )) as Array<{ size: number }>;
  const before = cut ? `the newest checkpoint signed before it has size ${cut.size}` : 'no checkpoint was signed before it';
  if (!cut || cut.size < first) {
    problems.add('retention', `purge outside the retention rule: leaves below ${first} are gone, ${before} (cut-off ${options.retentionDays} days)`);
  }
  const claims = options.witnessed ?? [];
  if (claims.length > 0 && !claims.some((c) => c.beforeCut && c.beforeCut.size >= first)) {
    const held = claims.map((c) => `${c.witness} ${c.beforeCut ? `size ${c.beforeCut.size}` : 'none'}`).join(', ');
    problems.add('retention witnessed', `purge outside the retention rule: leaves below ${first} are gone, no witness cosigned that many before the cut-off (${held})`);
  }
}

/** A witness's copies: each must be a size the tree has reached, with the root the tree has at that size. */
async function checkClaim(claim: WitnessClaim, size: number, read: NodeReader, problems: Findings): Promise<void> {
  const seen = new Set<number>();
  for (const tree of [claim.latest, claim.beforeCut]) {
    if (!tree || seen.has(tree.size)) continue;
    seen.add(tree.size);
    if (tree.size > size) {
      problems.add(`rollback ${claim.witness}`, `rollback: ${claim.witness} cosigned size ${tree.size}, the log has only ${size}`);
      continue;
    }
    const root = await rootAt(tree.size, read).catch(() => null);
    if (!root?.equals(Buffer.from(tree.root, 'base64'))) {
      problems.add(`fork ${claim.witness}`, `fork: the log differs from what ${claim.witness} cosigned at size ${tree.size}`);
    }
  }
}

/** Problems by kind: the first message of each, and how many places show it. */
class Findings {
  private readonly kinds = new Map<string, { message: string; count: number }>();

  add(kind: string, message: string, count = 1): void {
    const held = this.kinds.get(kind);
    if (held) held.count += count;
    else this.kinds.set(kind, { message, count });
  }

  list(): string[] {
    return [...this.kinds.values()].map(({ message, count }) => (count > 1 ? `${message} (${count - 1} more like it)` : message));
  }
}
