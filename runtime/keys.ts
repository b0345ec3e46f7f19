import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey, type JWSHeaderParameters } from 'jose';
import { todayInJapan } from './japanDay';

/**
 * Signing keys kept as JWK files: `<name>.private.jwk` holds the one key that signs now, `<name>.public.jwk` a JWKS
 * of every public key the signer published. Rotation (`npm run keys`, keysCli.ts) adds a key to the JWKS before it
 * signs with it, and later marks the old one `retired`: a retired key no longer verifies tokens, principals or
 * internal calls, but still verifies the access-log checkpoints it signed, which carry no key id and are kept for
 * years. Running processes follow the files without a restart: verifiers look at the public file on each
 * verification (a stat; the file is read again only when it changed), signers look at the private file at most
 * once per SIGNER_CHECK_MS.
 */

/** A signing key pair as the files hold it now; `kid`, `privateKey` and `publicKey` follow a rotation. */
export interface KeyPair {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** Every public key of this signer, selected by kid (see PublicKeyFile). */
  readonly publicKeys: PublicKeyFile;
}

/** A public JWK as the JWKS file holds it: `retired` (ISO time) once no longer accepted for new signatures. */
export type PublishedKey = JWK & { retired?: string };

export const KEY_ALGORITHM = 'EdDSA';

/** How long a signer goes on with its private key before it looks whether the file changed, ms. */
export const SIGNER_CHECK_MS = 1000;

/** Where development keys live: `$DATA_DIR/keys`. */
export function keysDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

export const privateKeyPath = (dir: string, name: string) => join(dir, `${name}.private.jwk`);
export const publicKeyPath = (dir: string, name: string) => join(dir, `${name}.public.jwk`);

/** Loads the named key pair from `dir`, creating it on first use (development default). */
export async function loadOrCreateKeyPair(dir: string, name: string): Promise<KeyPair> {
  const privatePath = privateKeyPath(dir, name);
  const publicPath = publicKeyPath(dir, name);
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { priv, pub } = await newKey(name);
    // Two processes starting together cannot both create a key, nor read one half written.
    if (createFile(privatePath, JSON.stringify(priv), 0o600)) createFile(publicPath, JSON.stringify({ keys: [pub] }), 0o644);
  }
  return signingKeyFile(privatePath, existsSync(publicPath) ? publicPath : undefined);
}

/**
 * The key pair of a private key file (`<X>_PRIVATE_KEY_FILE`), with its published keys from `publicPath` when
 * given (else the private key's own public half only). One per file and process: every user follows one rotation.
 */
export async function signingKeyFile(privatePath: string, publicPath?: string): Promise<KeyPair> {
  const id = `${privatePath}\n${publicPath ?? ''}`;
  let pair = signers.get(id);
  if (!pair) {
    pair = new SigningKeyFile(privatePath, publicPath ? publicKeyFile(publicPath) : undefined);
    signers.set(id, pair);
    // A file that could not be read is tried again by the next caller.
    pair.ready.catch(() => signers.delete(id));
  }
  await pair.ready;
  return pair;
}

/** The public keys of a file (a JWK or a JWKS), one reader per file and process. */
export function publicKeyFile(path: string): PublicKeyFile {
  let file = publicFiles.get(path);
  if (!file) publicFiles.set(path, (file = new PublicKeyFile(path)));
  return file;
}

const publicFiles = new Map<string, PublicKeyFile>();
const signers = new Map<string, SigningKeyFile>();

interface Loaded {
  stamp: string;
  accepted: Array<{ kid?: string; key: CryptoKey }>;
  /** Accepted and retired: every key the signer ever published. */
  ever: CryptoKey[];
}

/**
 * A signer's published public keys. A signature's `kid` selects the accepted key with that kid; retired keys verify
 * only checkpoints (`ever`). The file is stat'ed at each look-up and read again only when it changed: a flood of
 * made-up kids costs a stat each, never a read, and a key published or retired a moment ago counts from the next
 * look-up on.
 */
export class PublicKeyFile {
  /** How many times the file was read (and its keys imported). */
  reads = 0;
  private loaded: Loaded | undefined;
  private loading: Promise<Loaded> | undefined;

  constructor(readonly path: string) {}

  /** The key for a JWS header, for jose's jwtVerify; throws when no accepted key has its kid. */
  readonly getKey = async (header: JWSHeaderParameters): Promise<CryptoKey> => {
    const { accepted } = await this.current();
    // A file of one key without a kid (written before keys had kids, or by hand) is the key for every signature.
    const match = accepted.length === 1 && accepted[0]!.kid === undefined ? accepted : accepted.filter((k) => k.kid === header.kid);
    if (match.length !== 1) throw Object.assign(new Error('No accepted key with this kid'), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    return match[0]!.key;
  };

  /** Every key the signer published, retired ones included: what verifies a checkpoint, which names no key. */
  async ever(): Promise<CryptoKey[]> {
    return (await this.current()).ever;
  }

  /** The keys signatures are accepted from now. */
  async accepted(): Promise<CryptoKey[]> {
    return (await this.current()).accepted.map((k) => k.key);
  }

  private async current(): Promise<Loaded> {
    // A file missing for a moment (a mounted Secret being swapped) leaves the keys known until then.
    const stamp = stampOf(this.path, this.loaded?.stamp);
    if (this.loaded?.stamp === stamp) return this.loaded;
    // Look-ups arriving while the file is read wait for that one read.
    if (!this.loading) {
      this.loading = this.read(stamp).finally(() => (this.loading = undefined));
    }
    return (this.loaded = await this.loading);
  }

  private async read(stamp: string): Promise<Loaded> {
    this.reads++;
    const keys = readKeys(this.path);
    const accepted: Loaded['accepted'] = [];
    const ever: CryptoKey[] = [];
    for (const jwk of keys) {
      const key = await importPublic(jwk);
      ever.push(key);
      if (!jwk.retired) accepted.push({ kid: jwk.kid, key });
    }
    return { stamp, accepted, ever };
  }
}

/** A private key file followed lazily: a use after SIGNER_CHECK_MS looks at the file and swaps in a new key. */
class SigningKeyFile implements KeyPair {
  readonly ready: Promise<void>;
  private state!: { stamp: string; kid: string; privateKey: CryptoKey; publicKey: CryptoKey };
  private checkedAt = Date.now();
  private loading = false;
  private own: PublicKeyFile | undefined;

  constructor(
    private readonly path: string,
    private readonly published: PublicKeyFile | undefined,
  ) {
    this.ready = this.load(stampOf(path));
  }

  get kid(): string {
    return this.now().kid;
  }

  get privateKey(): CryptoKey {
    return this.now().privateKey;
  }

  get publicKey(): CryptoKey {
    return this.now().publicKey;
  }

  get publicKeys(): PublicKeyFile {
    return this.published ?? this.ownPublicKeys();
  }

  // The state at this instant: the swap happens in a later turn, so `kid` and `privateKey` read together match.
  private now() {
    const now = Date.now();
    if (now - this.checkedAt >= SIGNER_CHECK_MS && !this.loading) {
      this.checkedAt = now;
      const stamp = stampOf(this.path, this.state.stamp);
      if (stamp !== this.state.stamp) {
        this.loading = true;
        // A file half-written by hand is tried again at the next check; the current key signs meanwhile.
        void this.load(stamp)
          .catch(() => undefined)
          .finally(() => (this.loading = false));
      }
    }
    return this.state;
  }

  private async load(stamp: string): Promise<void> {
    const jwk = JSON.parse(readFileSync(this.path, 'utf8')) as JWK;
    this.state = {
      stamp,
      kid: jwk.kid ?? 'default',
      privateKey: (await importJWK(jwk, KEY_ALGORITHM)) as CryptoKey,
      publicKey: await importPublic(jwk),
    };
  }

  /** Without a public file, the private key's public half is the only key known (no history of retired keys). */
  private ownPublicKeys(): PublicKeyFile {
    // readKeys drops the private part: the file reads as a one-key JWKS.
    if (!this.own) this.own = new PublicKeyFile(this.path);
    return this.own;
  }
}

/** The keys of a JWK or JWKS file, private parts dropped. */
export function readKeys(path: string): PublishedKey[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as PublishedKey | { keys: PublishedKey[] };
  return ('keys' in raw ? raw.keys : [raw]).map(publicPart);
}

/** A new key pair named `<name>-<day>-<random>`, as JWKs. */
export async function newKey(name: string): Promise<{ priv: JWK; pub: PublishedKey }> {
  const pair = await generateKeyPair(KEY_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const kid = `${name}-${todayInJapan()}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    priv: { ...(await exportJWK(pair.privateKey)), kid, alg: KEY_ALGORITHM },
    pub: { ...(await exportJWK(pair.publicKey)), kid, alg: KEY_ALGORITHM },
  };
}

/**
 * Replaces a file in one step (write beside, rename), so a reader sees the old content or the new, never half. The
 * file beside has an unguessable name and is created exclusively: one planted there in advance (by someone who may
 * write the directory but not read the private key) makes the write fail instead of receiving the key.
 */
export function replaceFile(path: string, content: string, mode: number): void {
  const next = `${path}.${randomBytes(8).toString('hex')}.next`;
  writeFileSync(next, content, { mode, flag: 'wx' });
  renameSync(next, path);
}

/**
 * Creates a file in one step, unless it exists: written beside (as replaceFile), then linked into place, which fails
 * when another process got there first. So processes starting together agree on one file, and none reads it half
 * written. Returns whether this call created it.
 */
export function createFile(path: string, content: string, mode: number): boolean {
  const next = `${path}.${randomBytes(8).toString('hex')}.next`;
  writeFileSync(next, content, { mode, flag: 'wx' });
  try {
    linkSync(next, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(next);
  }
}

// A changed file is a new inode (replaceFile), or the same one rewritten (size, time). `unreadable`: the stamp to
// answer when the file cannot be looked at (else that error is thrown).
function stampOf(path: string, unreadable?: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (err) {
    if (unreadable === undefined) throw err;
    return unreadable;
  }
}

async function importPublic(jwk: JWK): Promise<CryptoKey> {
  return (await importJWK(publicPart(jwk), jwk.alg ?? KEY_ALGORITHM)) as CryptoKey;
}

function publicPart(jwk: PublishedKey): PublishedKey {
  const { d: _d, ...pub } = jwk;
  return pub;
}

/** What verifies a signer's signatures: one fixed key, or its published keys. */
export type VerifyingKey = CryptoKey | PublicKeyFile;

/** The key argument jose's jwtVerify takes for a VerifyingKey. */
export function jwtKey(key: VerifyingKey): CryptoKey | ((header: JWSHeaderParameters) => Promise<CryptoKey>) {
  return key instanceof PublicKeyFile ? key.getKey : key;
}
