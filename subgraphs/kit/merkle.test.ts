import { createHash } from 'node:crypto';
import {
  EMPTY_ROOT,
  type Hash,
  type NodeReader,
  consistencyProof,
  inclusionProof,
  leafHash,
  newNodes,
  nodeHash,
  rangeHash,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

// ---- The reference: RFC 9162 section 2.1 read literally, over plain arrays, sharing no code with the module. ----

const sha256 = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();
const refLeaf = (data: Buffer): Hash => sha256(Buffer.from([0]), data);
const refNode = (left: Hash, right: Hash): Hash => sha256(Buffer.from([1]), left, right);
/** k: the largest power of two smaller than n (n > 1), i.e. k < n <= 2k; log2 only guesses, the loops settle it. */
function refK(n: number): number {
  let k = 2 ** Math.floor(Math.log2(n));
  while (k >= n) k /= 2;
  while (2 * k < n) k *= 2;
  return k;
}

/** MTH over already hashed leaves (the RFC's MTH({d}) = leaf hash of d). */
function refMth(d: Hash[]): Hash {
  if (d.length === 0) return sha256();
  if (d.length === 1) return d[0];
  const k = refK(d.length);
  return refNode(refMth(d.slice(0, k)), refMth(d.slice(k)));
}

/** PATH(m, D[n]). */
function refPath(m: number, d: Hash[]): Hash[] {
  if (d.length === 1) return [];
  const k = refK(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}

/** SUBPROOF(m, D[n], b); PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
function refSubproof(m: number, d: Hash[], b: boolean): Hash[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const k = refK(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}

/** Which side each audit path element sits on, leaf first, from PATH's recursion: the shape the verifier follows. */
function refPathShape(m: number, n: number): string {
  if (n === 1) return '';
  const k = refK(n);
  return m < k ? `${refPathShape(m, k)}R` : `${refPathShape(m - k, n - k)}L`;
}

/** The same for SUBPROOF: whether it starts with the old root (P) or a subtree of it (B), then each element's side. */
function refSubproofShape(m: number, n: number, b: boolean): string {
  if (m === n) return b ? 'P' : 'B';
  const k = refK(n);
  return m <= k ? `${refSubproofShape(m, k, b)}R` : `${refSubproofShape(m - k, n - k, false)}L`;
}

// ---- Helpers: a node store in a Map, filled through newNodes in random batches. ----

/** A small seeded generator, so every run checks the same batch splits. */
function seeded(seed: number): (below: number) => number {
  let a = seed;
  return (below) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

type Store = Map<string, Hash>;
const key = (level: number, index: number): string => `${level}:${index}`;
const readerOf =
  (store: Store): NodeReader =>
  async (level, index) => {
    const hash = store.get(key(level, index));
    if (hash === undefined) throw new Error(`node ${key(level, index)} is missing`);
    return hash;
  };

/** Appends `leaves` to `store` (holding the tree of size `from`) in random batches, checking each batch's output. */
async function append(store: Store, from: number, leaves: Hash[], random: (below: number) => number): Promise<void> {
  for (let at = 0; at < leaves.length; ) {
    const batch = leaves.slice(at, at + 1 + random(Math.min(leaves.length - at, 40)));
    const nodes = await newNodes(from + at, batch, readerOf(store));
    nodes.forEach((node, i) => {
      const previous = nodes[i - 1];
      if (previous && (previous.level > node.level || (previous.level === node.level && previous.index >= node.index)))
        throw new Error(`newNodes out of order at ${key(node.level, node.index)}`);
      if (store.has(key(node.level, node.index))) throw new Error(`newNodes rewrote ${key(node.level, node.index)}`);
      store.set(key(node.level, node.index), node.hash);
    });
    at += batch.length;
  }
}

async function storeOf(leaves: Hash[], seed: number): Promise<Store> {
  const store: Store = new Map();
  await append(store, 0, leaves, seeded(seed));
  return store;
}

/** Every perfect aligned subtree of leaves, by the storage model's definition. */
function perfectNodes(leaves: Hash[]): Map<string, string> {
  const expected = new Map<string, string>();
  for (let width = 1, level = 0; width <= leaves.length; width *= 2, level++)
    for (let i = 0; (i + 1) * width <= leaves.length; i++)
      expected.set(key(level, i), hex(refMth(leaves.slice(i * width, (i + 1) * width))));
  return expected;
}

const hex = (hash: Hash): string => hash.toString('hex');
const hexes = (hashes: Hash[]): string[] => hashes.map(hex);
const unhex = (text: string): Hash => Buffer.from(text, 'hex');
const leavesOf = (count: number, salt: string): Hash[] =>
  Array.from({ length: count }, (_, i) => refLeaf(Buffer.from(`${salt} entry ${i}`)));
const flipped = (proof: Hash[], at: number): Hash[] =>
  proof.map((h, i) => (i === at ? Buffer.from(h.map((byte, j) => (j === (at * 7) % 32 ? byte ^ 0x01 : byte))) : h));
const without = (proof: Hash[], at: number): Hash[] => proof.filter((_, i) => i !== at);
const withExtra = (proof: Hash[], at: number, extra: Hash): Hash[] => [
  ...proof.slice(0, at),
  extra,
  ...proof.slice(at),
];

/** Every way the brief asks an inclusion proof to be spoiled; each label is a verification that must fail. */
type Probes = Array<[string, boolean]>;

function spoiledInclusions(leaves: Hash[], roots: Hash[], i: number, n: number, proof: Hash[]): Probes {
  const leaf = leaves[i];
  const root = roots[n];
  const probes: Probes = [];
  proof.forEach((_, at) => {
    probes.push([`byte flipped in [${at}]`, verifyInclusion(leaf, i, n, flipped(proof, at), root)]);
    probes.push([`[${at}] dropped`, verifyInclusion(leaf, i, n, without(proof, at), root)]);
  });
  for (let at = 0; at <= proof.length; at++)
    probes.push([`extra at ${at}`, verifyInclusion(leaf, i, n, withExtra(proof, at, root), root)]);
  for (const j of [i - 1, i + 1, i ^ 1, i ^ 2, i ^ 4, n, n + 1, -1, 0.5])
    if (j !== i) probes.push([`index ${j}`, verifyInclusion(leaf, j, n, proof, root)]);
  for (const j of [i - 1, i + 1, i ^ 1])
    if (leaves[j] && j < n) probes.push([`leaf ${j}`, verifyInclusion(leaves[j], i, n, proof, root)]);
  // A wrong size with that size's own root.
  for (const size of [n - 1, n + 1, n * 2, Math.floor(n / 2)])
    if (size > i && size !== n && roots[size])
      probes.push([`size ${size}`, verifyInclusion(leaf, i, size, proof, roots[size])]);
  for (const other of [roots[n - 1], roots[n + 1], EMPTY_ROOT, flipped([root], 0)[0]])
    if (other) probes.push([`root ${hex(other).slice(0, 8)}`, verifyInclusion(leaf, i, n, proof, other)]);
  return probes;
}

function spoiledConsistencies(roots: Hash[], m: number, n: number, proof: Hash[]): Probes {
  const probes: Probes = [];
  const [oldRoot, newRoot] = [roots[m], roots[n]];
  proof.forEach((_, at) => {
    probes.push([`byte flipped in [${at}]`, verifyConsistency(m, n, oldRoot, newRoot, flipped(proof, at))]);
    probes.push([`[${at}] dropped`, verifyConsistency(m, n, oldRoot, newRoot, without(proof, at))]);
  });
  for (let at = 0; at <= proof.length; at++) {
    probes.push([`extra at ${at}`, verifyConsistency(m, n, oldRoot, newRoot, withExtra(proof, at, oldRoot))]);
    if (proof.length > 0)
      probes.push([`repeat at ${at}`, verifyConsistency(m, n, oldRoot, newRoot, withExtra(proof, at, proof[0]))]);
  }
  // Wrong sizes with those sizes' own roots, and a wrong old size with the right root.
  for (const size of [m - 1, m + 1, m ^ 2, 0])
    if (size !== m && size <= n && roots[size]) {
      probes.push([`m ${size}`, verifyConsistency(size, n, roots[size], newRoot, proof)]);
      probes.push([`m ${size}, root of ${m}`, verifyConsistency(size, n, oldRoot, newRoot, proof)]);
    }
  for (const size of [n - 1, n + 1, n * 2, n ^ 2])
    if (size !== n && size >= m && roots[size])
      probes.push([`n ${size}`, verifyConsistency(m, size, oldRoot, roots[size], proof)]);
  if (m !== n) probes.push(['roots swapped', verifyConsistency(m, n, newRoot, oldRoot, proof)]);
  for (const other of [roots[m + 1], roots[m - 1], EMPTY_ROOT, flipped([oldRoot], 0)[0]])
    if (other && !other.equals(oldRoot))
      probes.push([`old root ${hex(other).slice(0, 8)}`, verifyConsistency(m, n, other, newRoot, proof)]);
  for (const other of [roots[n + 1], roots[n - 1], EMPTY_ROOT, flipped([newRoot], 0)[0]])
    if (other && !other.equals(newRoot))
      probes.push([`new root ${hex(other).slice(0, 8)}`, verifyConsistency(m, n, oldRoot, other, proof)]);
  return probes;
}

describe('merkle (RFC 9162 section 2.1)', () => {
  describe('known answers', () => {
    // certificate-transparency's test data, as published in transparency-dev/merkle testonly/constants.go and
    // proof/verify_test.go (also google/certificate-transparency cpp/merkletree/merkle_tree_test.cc).
    const ctInputs = [
      ...['', '00', '10', '2021', '3031', '40414243'],
      ...['5051525354555657', '606162636465666768696a6b6c6d6e6f'],
    ];
    const ctRoots = [
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const ctNodes = [
      [
        '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
        '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
        'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
        '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
      ],
      [
        'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      ],
      [
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ],
      ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
    ];
    // Published with 1-based leaf numbers; converted to 0-based indices here.
    const ctInclusions: Array<[number, number, string[]]> = [
      [0, 8, [
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ]],
      [5, 8, [
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ]],
      [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
      [1, 5, [
        '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ]],
    ];
    const ctConsistencies: Array<[number, number, string[]]> = [
      [1, 1, []],
      [1, 8, [
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ]],
      [6, 8, [
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ]],
      [2, 5, [
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ]],
      [6, 7, [
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ]],
    ];

    test('the empty tree, the empty leaf and the node prefix', () => {
      expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(hex(leafHash(''))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
      expect(hex(leafHash(Buffer.alloc(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
      expect(hex(leafHash('é'))).toBe(hex(sha256(Buffer.from([0x00, 0xc3, 0xa9]))));
      expect(hex(nodeHash(unhex(ctNodes[0][0]), unhex(ctNodes[0][1])))).toBe(ctNodes[1][0]);
    });

    test('the certificate-transparency tree: every node, every root 0..8, and the published proofs', async () => {
      const leaves = ctInputs.map((input) => leafHash(Buffer.from(input, 'hex')));
      const store = await storeOf(leaves, 1);
      expect([...store.entries()].map(([k, h]) => [k, hex(h)]).sort()).toEqual(
        ctNodes.flatMap((level, l) => level.map((h, i) => [key(l, i), h])).sort(),
      );
      const read = readerOf(store);
      for (let n = 0; n <= 8; n++) expect([n, hex(await rootAt(n, read))]).toEqual([n, ctRoots[n]]);
      for (const [index, size, proof] of ctInclusions) {
        expect(hexes(await inclusionProof(index, size, read))).toEqual(proof);
        expect(verifyInclusion(leaves[index], index, size, proof.map(unhex), unhex(ctRoots[size]))).toBe(true);
      }
      for (const [m, n, proof] of ctConsistencies) {
        expect(hexes(await consistencyProof(m, n, read))).toEqual(proof);
        expect(verifyConsistency(m, n, unhex(ctRoots[m]), unhex(ctRoots[n]), proof.map(unhex))).toBe(true);
      }
    });
  });

  describe('against the reference, every size 1..70', () => {
    const leaves = leavesOf(71, 'small');
    const roots = Array.from({ length: 72 }, (_, n) => refMth(leaves.slice(0, n)));

    test('newNodes in random batches stores exactly the perfect subtrees, and roots and ranges match', async () => {
      const mismatches: string[] = [];
      for (let n = 1; n <= 70; n++) {
        const store = await storeOf(leaves.slice(0, n), n);
        const stored = new Map([...store].map(([k, h]) => [k, hex(h)]));
        if (JSON.stringify([...stored].sort()) !== JSON.stringify([...perfectNodes(leaves.slice(0, n))].sort()))
          mismatches.push(`nodes of ${n}`);
        const read = readerOf(store);
        if (!(await rootAt(n, read)).equals(roots[n])) mismatches.push(`root ${n}`);
        // Every range ending at the tree's edge, as the right halves of the recursions are.
        for (let start = 0; start <= n; start++)
          if (!(await rangeHash(start, n, read)).equals(refMth(leaves.slice(start, n))))
            mismatches.push(`range ${start}..${n}`);
      }
      expect(mismatches).toEqual([]);
      expect(await rootAt(0, readerOf(new Map()))).toEqual(EMPTY_ROOT);
    });

    test('every inclusion proof equals PATH, verifies, and fails once spoiled', async () => {
      const mismatches: string[] = [];
      let checked = 0;
      for (let n = 1; n <= 70; n++) {
        const read = readerOf(await storeOf(leaves.slice(0, n), 100 + n));
        for (let i = 0; i < n; i++) {
          const proof = await inclusionProof(i, n, read);
          if (JSON.stringify(hexes(proof)) !== JSON.stringify(hexes(refPath(i, leaves.slice(0, n)))))
            mismatches.push(`PATH(${i}, ${n})`);
          if (!verifyInclusion(leaves[i], i, n, proof, roots[n])) mismatches.push(`rejected (${i}, ${n})`);
          for (const [label, accepted] of spoiledInclusions(leaves, roots, i, n, proof)) {
            checked++;
            if (accepted) mismatches.push(`(${i}, ${n}) accepted with ${label}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(checked).toBeGreaterThan(50_000);
    });

    test('every consistency proof equals PROOF, verifies, and fails once spoiled', async () => {
      const mismatches: string[] = [];
      let checked = 0;
      for (let n = 1; n <= 70; n++) {
        const read = readerOf(await storeOf(leaves.slice(0, n), 200 + n));
        for (let m = 1; m <= n; m++) {
          const proof = await consistencyProof(m, n, read);
          if (JSON.stringify(hexes(proof)) !== JSON.stringify(hexes(refSubproof(m, leaves.slice(0, n), true))))
            mismatches.push(`PROOF(${m}, ${n})`);
          if (!verifyConsistency(m, n, roots[m], roots[n], proof)) mismatches.push(`rejected (${m}, ${n})`);
          for (const [label, accepted] of spoiledConsistencies(roots, m, n, proof)) {
            checked++;
            if (accepted) mismatches.push(`(${m}, ${n}) accepted with ${label}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(checked).toBeGreaterThan(50_000);
    });

    // RFC 9162's verifiers see the tree size only through the proof's shape; it is the signed tree head that binds a
    // size to a root. So a proof checked against a wrong size, but the root it was made for, passes exactly when the
    // RFC's recursion gives both sizes one shape, and never otherwise.
    test('an inclusion proof with a wrong size and its own root passes iff PATH has one shape for both', async () => {
      const read = readerOf(await storeOf(leaves.slice(0, 40), 7));
      const disagreements: string[] = [];
      let sameShape = 0;
      for (let n = 1; n <= 40; n++)
        for (let i = 0; i < n; i++) {
          const proof = await inclusionProof(i, n, read);
          for (let size = i + 1; size <= 40; size++) {
            if (size === n) continue;
            const expected = refPathShape(i, size) === refPathShape(i, n);
            if (expected) sameShape++;
            if (verifyInclusion(leaves[i], i, size, proof, roots[n]) !== expected)
              disagreements.push(`(${i}, ${n}) as ${size}`);
          }
        }
      expect(disagreements).toEqual([]);
      expect(sameShape).toBeGreaterThan(0);
      // The smallest case: leaf 0's path in the tree of 3 is [leaf 1, leaf 2]; read as a tree of 4, it rebuilds root 3.
      expect(verifyInclusion(leaves[0], 0, 4, await inclusionProof(0, 3, read), roots[3])).toBe(true);
      expect(verifyInclusion(leaves[0], 0, 4, await inclusionProof(0, 3, read), roots[4])).toBe(false);
    });

    test('a consistency proof with a wrong new size and its own roots passes iff PROOF has one shape', async () => {
      const read = readerOf(await storeOf(leaves.slice(0, 40), 8));
      const disagreements: string[] = [];
      let sameShape = 0;
      for (let n = 2; n <= 40; n++)
        for (let m = 1; m < n; m++) {
          const proof = await consistencyProof(m, n, read);
          for (let size = m + 1; size <= 40; size++) {
            if (size === n) continue;
            const expected = refSubproofShape(m, size, true) === refSubproofShape(m, n, true);
            if (expected) sameShape++;
            if (verifyConsistency(m, size, roots[m], roots[n], proof) !== expected)
              disagreements.push(`(${m}, ${n}) as ${size}`);
          }
        }
      expect(disagreements).toEqual([]);
      expect(sameShape).toBeGreaterThan(0);
    });
  });

  test('random large trees (1,000 to 5,000 leaves) match the reference', async () => {
    const random = seeded(9162);
    for (const n of [1000 + random(4001), 1000 + random(4001), 4096]) {
      const leaves = leavesOf(n, `large ${n}`);
      const store = await storeOf(leaves, n);
      expect(store.size).toBe(perfectNodes(leaves).size);
      const read = readerOf(store);
      expect(hex(await rootAt(n, read))).toBe(hex(refMth(leaves)));
      for (let probe = 0; probe < 15; probe++) {
        const size = 1 + random(n);
        const i = random(size);
        const m = 1 + random(size);
        const root = refMth(leaves.slice(0, size));
        const path = await inclusionProof(i, size, read);
        expect([size, i, hexes(path)]).toEqual([size, i, hexes(refPath(i, leaves.slice(0, size)))]);
        expect(verifyInclusion(leaves[i], i, size, path, root)).toBe(true);
        const proof = await consistencyProof(m, size, read);
        expect([m, size, hexes(proof)]).toEqual([m, size, hexes(refSubproof(m, leaves.slice(0, size), true))]);
        expect(verifyConsistency(m, size, refMth(leaves.slice(0, m)), root, proof)).toBe(true);
      }
    }
  });

  describe('sizes past 32 bits', () => {
    // Every leaf is the same, so a perfect subtree's hash depends only on its level and any size can be modelled;
    // the reader still refuses nodes that a tree of that size does not have.
    const perfect = [leafHash('same')];
    for (let level = 1; level <= 53; level++) perfect.push(refNode(perfect[level - 1], perfect[level - 1]));
    const readerFor =
      (size: number): NodeReader =>
      async (level, index) => {
        if ((index + 1) * 2 ** level > size) throw new Error(`node ${key(level, index)} is not in a tree of ${size}`);
        return perfect[level];
      };
    const mthBySize = new Map<number, Hash>();
    /** MTH of n equal leaves, by the RFC's recursion on sizes alone. */
    const uniformMth = (n: number): Hash => {
      if (n === 1) return perfect[0];
      let hash = mthBySize.get(n);
      if (hash === undefined) {
        const k = refK(n);
        hash = refNode(uniformMth(k), uniformMth(n - k));
        mthBySize.set(n, hash);
      }
      return hash;
    };
    const uniformPath = (m: number, n: number): Hash[] => {
      if (n === 1) return [];
      const k = refK(n);
      return m < k ? [...uniformPath(m, k), uniformMth(n - k)] : [...uniformPath(m - k, n - k), uniformMth(k)];
    };
    const uniformSubproof = (m: number, n: number, b: boolean): Hash[] => {
      if (m === n) return b ? [] : [uniformMth(n)];
      const k = refK(n);
      return m <= k
        ? [...uniformSubproof(m, k, b), uniformMth(n - k)]
        : [...uniformSubproof(m - k, n - k, false), uniformMth(k)];
    };
    const sizes = [2 ** 32 + 1, 2 ** 40 + 12_345, 2 ** 52 + 2 ** 31 + 7, Number.MAX_SAFE_INTEGER];

    test('roots, proofs and verification', async () => {
      for (const n of sizes) {
        const read = readerFor(n);
        expect(hex(await rootAt(n, read))).toBe(hex(uniformMth(n)));
        for (const i of [0, 2 ** 31, 2 ** 32 - 1, 2 ** 32, n - 2, n - 1]) {
          const proof = await inclusionProof(i, n, read);
          expect([n, i, hexes(proof)]).toEqual([n, i, hexes(uniformPath(i, n))]);
          expect(verifyInclusion(perfect[0], i, n, proof, uniformMth(n))).toBe(true);
          expect(verifyInclusion(perfect[0], i, n, proof.slice(1), uniformMth(n))).toBe(false);
        }
        for (const m of [1, 3, 2 ** 31 + 1, 2 ** 32, 2 ** 32 + 1, n - 1].filter((m) => m < n)) {
          const proof = await consistencyProof(m, n, read);
          expect([m, n, hexes(proof)]).toEqual([m, n, hexes(uniformSubproof(m, n, true))]);
          expect(verifyConsistency(m, n, uniformMth(m), uniformMth(n), proof)).toBe(true);
          expect(verifyConsistency(m, n, uniformMth(m), uniformMth(n), proof.slice(0, -1))).toBe(false);
        }
      }
    });

    test('newNodes at a large offset adds exactly the subtrees that complete', async () => {
      for (const from of [2 ** 32 - 3, 2 ** 40 - 1, 2 ** 52 + 5]) {
        const nodes = await newNodes(from, Array<Hash>(5).fill(perfect[0]), readerFor(from));
        const expected: string[] = [];
        for (let level = 0; level <= 53; level++)
          for (let i = Math.floor(from / 2 ** level) - 2; i <= (from + 5) / 2 ** level; i++)
            if (i >= 0 && (i + 1) * 2 ** level > from && (i + 1) * 2 ** level <= from + 5) expected.push(key(level, i));
        expect(nodes.map((node) => key(node.level, node.index))).toEqual(expected);
        expect(nodes.every((node) => node.hash.equals(perfect[node.level]))).toBe(true);
      }
    });
  });

  describe('after leaves below a retention cut lose their level-0 nodes', () => {
    const leaves = leavesOf(90, 'retained');
    const roots = Array.from({ length: 91 }, (_, n) => refMth(leaves.slice(0, n)));
    const deleteBelow = (store: Store, cut: number): Store =>
      new Map([...store].filter(([k]) => !(k.startsWith('0:') && Number(k.slice(2)) < cut)));

    test.each([2, 10, 32, 46, 64])('cut at %i: roots and proofs from the cut on come out the same', async (cut) => {
      const full = await storeOf(leaves.slice(0, 70), cut);
      const before = readerOf(full);
      const after = readerOf(deleteBelow(full, cut));
      const changed: string[] = [];
      const same = (a: Hash[], b: Hash[]): boolean => JSON.stringify(hexes(a)) === JSON.stringify(hexes(b));
      for (let n = cut; n <= 70; n++) {
        if (!(await rootAt(n, after)).equals(await rootAt(n, before))) changed.push(`root ${n}`);
        for (let i = cut; i < n; i++)
          if (!same(await inclusionProof(i, n, after), await inclusionProof(i, n, before)))
            changed.push(`PATH(${i}, ${n})`);
        for (let m = cut; m <= n; m++)
          if (!same(await consistencyProof(m, n, after), await consistencyProof(m, n, before)))
            changed.push(`PROOF(${m}, ${n})`);
      }
      expect(changed).toEqual([]);
    });

    test('appending goes on after the cut, and even-sized old trees stay provable', async () => {
      const cut = 40;
      const store = deleteBelow(await storeOf(leaves.slice(0, 61), 3), cut);
      await append(store, 61, leaves.slice(61), seeded(4));
      const read = readerOf(store);
      expect(hex(await rootAt(90, read))).toBe(hex(roots[90]));
      // Consistency proofs from an even size need no level-0 node left of it.
      for (let m = 2; m < cut; m += 2)
        expect([m, verifyConsistency(m, 90, roots[m], roots[90], await consistencyProof(m, 90, read))]).toEqual([
          m,
          true,
        ]);
    });

    test('what a cut costs: odd old sizes and the leaf next to an odd cut need the deleted leaf hash', async () => {
      const read = readerOf(deleteBelow(await storeOf(leaves.slice(0, 70), 5), 33));
      await expect(rootAt(31, read)).rejects.toThrow('node 0:30 is missing');
      await expect(consistencyProof(31, 70, read)).rejects.toThrow('node 0:30 is missing');
      await expect(inclusionProof(33, 70, read)).rejects.toThrow('node 0:32 is missing');
      expect(verifyConsistency(32, 70, roots[32], roots[70], await consistencyProof(32, 70, read))).toBe(true);
    });
  });

  describe('verification never throws on malformed input', () => {
    const leaves = leavesOf(8, 'malformed');
    const roots = Array.from({ length: 9 }, (_, n) => refMth(leaves.slice(0, n)));
    const path = refPath(3, leaves.slice(0, 6));
    const proof = refSubproof(3, leaves.slice(0, 6), true);

    test('inclusion', () => {
      expect(verifyInclusion(leaves[3], 3, 6, path, roots[6])).toBe(true);
      const cases: Array<[string, () => boolean]> = [
        ['index = size', () => verifyInclusion(leaves[3], 6, 6, path, roots[6])],
        ['index > size', () => verifyInclusion(leaves[3], 9, 6, path, roots[6])],
        ['negative index', () => verifyInclusion(leaves[3], -3, 6, path, roots[6])],
        ['fractional index', () => verifyInclusion(leaves[3], 3.5, 6, path, roots[6])],
        ['NaN size', () => verifyInclusion(leaves[3], 3, NaN, path, roots[6])],
        ['size 0', () => verifyInclusion(leaves[3], 0, 0, [], EMPTY_ROOT)],
        ['size past 2^53', () => verifyInclusion(leaves[3], 3, 2 ** 60, path, roots[6])],
        ['short element', () => verifyInclusion(leaves[3], 3, 6, [path[0].subarray(1), ...path.slice(1)], roots[6])],
        ['not a buffer', () => verifyInclusion(leaves[3], 3, 6, [path[0], 'x' as unknown as Hash, path[2]], roots[6])],
        ['proof not an array', () => verifyInclusion(leaves[3], 3, 6, null as unknown as Hash[], roots[6])],
        ['root not a buffer', () => verifyInclusion(leaves[3], 3, 6, path, undefined as unknown as Hash)],
        ['leaf too short', () => verifyInclusion(Buffer.alloc(0), 3, 6, path, roots[6])],
        ['size 1, leaf = root, both short', () => verifyInclusion(Buffer.from('abc'), 0, 1, [], Buffer.from('abc'))],
      ];
      expect(cases.map(([label, verify]) => [label, verify()])).toEqual(cases.map(([label]) => [label, false]));
    });

    test('consistency', () => {
      expect(verifyConsistency(3, 6, roots[3], roots[6], proof)).toBe(true);
      expect(verifyConsistency(6, 6, roots[6], roots[6], [])).toBe(true);
      const cases: Array<[string, () => boolean]> = [
        ['m = 0', () => verifyConsistency(0, 6, EMPTY_ROOT, roots[6], [])],
        ['m = 0 with a proof', () => verifyConsistency(0, 6, EMPTY_ROOT, roots[6], proof)],
        ['m = n = 0', () => verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])],
        ['m > n', () => verifyConsistency(6, 3, roots[6], roots[3], proof)],
        ['m = n, roots differ', () => verifyConsistency(6, 6, roots[6], roots[5], [])],
        ['m = n, proof not empty', () => verifyConsistency(6, 6, roots[6], roots[6], [roots[6]])],
        ['m < n, empty proof', () => verifyConsistency(3, 6, roots[3], roots[6], [])],
        ['negative m', () => verifyConsistency(-3, 6, roots[3], roots[6], proof)],
        ['fractional n', () => verifyConsistency(3, 6.5, roots[3], roots[6], proof)],
        ['infinite n', () => verifyConsistency(3, Infinity, roots[3], roots[6], proof)],
        ['short element', () => verifyConsistency(3, 6, roots[3], roots[6], [proof[0].subarray(1), ...proof.slice(1)])],
        ['not a buffer', () => verifyConsistency(3, 6, roots[3], roots[6], [7 as unknown as Hash, ...proof.slice(1)])],
        ['roots not buffers', () => verifyConsistency(3, 6, 'a' as unknown as Hash, 'b' as unknown as Hash, proof)],
        ['m = n, equal short roots', () => verifyConsistency(6, 6, Buffer.from('abc'), Buffer.from('abc'), [])],
      ];
      expect(cases.map(([label, verify]) => [label, verify()])).toEqual(cases.map(([label]) => [label, false]));
    });

    test('proof construction refuses requests the RFC does not define', async () => {
      const read = readerOf(await storeOf(leaves, 1));
      await expect(inclusionProof(8, 8, read)).rejects.toThrow(RangeError);
      await expect(consistencyProof(0, 8, read)).rejects.toThrow(RangeError);
      await expect(consistencyProof(5, 4, read)).rejects.toThrow(RangeError);
      await expect(rangeHash(5, 4, read)).rejects.toThrow(RangeError);
      expect(await consistencyProof(8, 8, read)).toEqual([]);
    });
  });
});
