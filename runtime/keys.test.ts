import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { signText, verifyText } from '../subgraphs/kit/accessLog/checkpoint';
import { listKeys, retireKey, rotateKey } from '../subgraphs/kit/keyRotation';
import { jwtKey, loadOrCreateKeyPair, privateKeyPath, publicKeyFile, publicKeyPath, SIGNER_CHECK_MS } from './keys';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rc-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const privateJwk = (name: string) => JSON.parse(readFileSync(privateKeyPath(dir, name), 'utf8')) as JWK;
const sign = async (key: CryptoKey, kid?: string) => new SignJWT({}).setProtectedHeader(kid ? { alg: 'EdDSA', kid } : { alg: 'EdDSA' }).setExpirationTime('1m').sign(key);
const accepts = (token: string, path: string) => jwtVerify(token, jwtKey(publicKeyFile(path))).then(() => true, () => false);

test('a rotated key verifies from its first signature, the old one until retired, checkpoints of both for good', async () => {
  await loadOrCreateKeyPair(dir, 'registry');
  const path = publicKeyPath(dir, 'registry');
  const old = privateJwk('registry');
  const oldKey = (await importJWK(old, 'EdDSA')) as CryptoKey;
  const note = 'residence-card.example/access-log/registry\n1\n' + 'A'.repeat(43) + '=\ntime 2026-12-01T00:00:00.000Z\n';
  const oldCheckpoint = await signText(note, oldKey);

  const kid = await rotateKey(dir, 'registry');
  const next = (await importJWK(privateJwk('registry'), 'EdDSA')) as CryptoKey;
  expect(await accepts(await sign(next, kid), path)).toBe(true);
  expect(await accepts(await sign(oldKey, String(old.kid)), path)).toBe(true);

  retireKey(dir, 'registry', String(old.kid));
  expect(await accepts(await sign(oldKey, String(old.kid)), path)).toBe(false);
  // Under the current key's kid, or under none: still the wrong key.
  expect(await accepts(await sign(oldKey, kid), path)).toBe(false);
  expect(await accepts(await sign(oldKey), path)).toBe(false);
  expect(await verifyText(note, oldCheckpoint, publicKeyFile(path))).toBe(true);
  expect(await verifyText(note, oldCheckpoint, publicKeyFile(path), 'accepted')).toBe(false);
  expect(await verifyText(note, await signText(note, next), publicKeyFile(path), 'accepted')).toBe(true);
});

test('retire refuses the key that signs now, an unknown kid and a key already retired', async () => {
  const { kid } = await loadOrCreateKeyPair(dir, 'gateway');
  expect(() => retireKey(dir, 'gateway', kid)).toThrow(`${kid} is the key gateway signs with now: rotate first`);
  const next = await rotateKey(dir, 'gateway');
  expect(() => retireKey(dir, 'gateway', 'gateway-made-up')).toThrow('gateway has no key gateway-made-up');
  retireKey(dir, 'gateway', kid, new Date('2026-12-01T00:00:00Z'));
  expect(() => retireKey(dir, 'gateway', kid)).toThrow(`${kid} was retired at 2026-12-01T00:00:00.000Z`);
  expect(listKeys(dir, 'gateway')).toEqual([
    { kid, current: false, retired: '2026-12-01T00:00:00.000Z' },
    { kid: next, current: true },
  ]);
});

test('a signer of a running process changes to the rotated key on a use after a second', async () => {
  const pair = await loadOrCreateKeyPair(dir, 'mynumber');
  const before = pair.kid;
  const kid = await rotateKey(dir, 'mynumber');
  const deadline = Date.now() + 30 * SIGNER_CHECK_MS;
  while (pair.kid !== kid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect({ before: before !== kid, now: pair.kid }).toEqual({ before: true, now: kid });
  // The kid and the private key it names change together.
  expect(await accepts(await sign(pair.privateKey, pair.kid), publicKeyPath(dir, 'mynumber'))).toBe(true);
});

test('made-up kids never make a verifier read the file again; a changed file is read once', async () => {
  await loadOrCreateKeyPair(dir, 'issuer');
  const path = publicKeyPath(dir, 'issuer');
  const keys = publicKeyFile(path);
  const key = (await importJWK(privateJwk('issuer'), 'EdDSA')) as CryptoKey;
  await keys.accepted();
  const reads = keys.reads;
  for (let i = 0; i < 50; i++) expect(await accepts(await sign(key, `made-up-${i}`), path)).toBe(false);
  expect(keys.reads).toBe(reads);
  await rotateKey(dir, 'issuer');
  for (let i = 0; i < 5; i++) await keys.accepted();
  expect(keys.reads).toBe(reads + 1);
});

test('a file of one key without a kid (written by hand, or before kids) verifies signatures with any kid or none', async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const path = join(dir, 'provider.public.jwk');
  writeFileSync(path, JSON.stringify(await exportJWK(pair.publicKey)));
  expect(await accepts(await sign(pair.privateKey), path)).toBe(true);
  expect(await accepts(await sign(pair.privateKey, 'provider-1'), path)).toBe(true);
});

test('rotate writes the new private key only into a file of its own: planted files beside it receive nothing', async () => {
  await loadOrCreateKeyPair(dir, 'immigration');
  // Someone who may write the directory but not read the private key plants world-readable files where a writer
  // with a guessable name (`<file>.<pid>.next`) would put the new key, for every pid up to this one and beyond.
  const planted: string[] = [];
  for (let pid = Math.max(1, process.pid - 50); pid <= process.pid + 50; pid++) {
    const file = `${privateKeyPath(dir, 'immigration')}.${pid}.next`;
    writeFileSync(file, '', { mode: 0o666 });
    planted.push(file);
  }
  await rotateKey(dir, 'immigration');
  for (const file of planted) expect(readFileSync(file, 'utf8')).toBe('');
  expect(statSync(privateKeyPath(dir, 'immigration')).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir).filter((f) => f.endsWith('.next')).length).toBe(planted.length);
});

describe('createFile: processes that start together', () => {
  /** Six processes create `file` with their own content at the same instant, then each reads it back. */
  async function race(file: string): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'create-file-race-'));
    const child = join(dir, 'child.ts');
    writeFileSync(
      child,
      `import { readFileSync } from 'node:fs';
       import { createFile } from ${JSON.stringify(join(__dirname, 'keys'))};
       const [file, at] = process.argv.slice(2);
       while (Date.now() < Number(at));
       createFile(file!, String(process.pid).padEnd(64, 'x'), 0o600);
       process.stdout.write(readFileSync(file!, 'utf8'));`,
    );
    const at = Date.now() + 2000;
    const reads = await Promise.all(
      Array.from({ length: 6 }, () =>
        new Promise<string>((resolve, reject) => {
          let out = '';
          const p = spawn(process.execPath, ['--import', 'tsx', child, file, String(at)], { cwd: join(__dirname, '..') });
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.on('error', reject);
          p.on('close', () => resolve(out));
        }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
    return reads;
  }

  // Written with the exclusive flag and then filled (as the statistics secret was), the file was read half written
  // by some of them in 10 rounds of 10.
  it('agree on one file, and none reads it half written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-file-'));
    for (let round = 0; round < 3; round++) {
      const reads = await race(join(dir, `secret-${round}`));
      expect(reads).toHaveLength(6);
      expect(new Set(reads).size).toBe(1);
      expect(reads[0]).toMatch(/^\d+x+$/);
      expect(reads[0]).toHaveLength(64);
      // Nothing left beside it.
      expect(readdirSync(dir).filter((name) => name.startsWith(`secret-${round}`))).toEqual([`secret-${round}`]);
    }
  }, 60_000);
});
