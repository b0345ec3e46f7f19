import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';

/** A signing key pair kept as JWK files: `<name>.private.jwk` and `<name>.public.jwk`. */
export interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export const KEY_ALGORITHM = 'EdDSA';

/** Where development keys live: `$DATA_DIR/keys`. */
export function keysDir(dataDir: string): string {
  return join(dataDir, 'keys');
}

/** Loads the named key pair from `dir`, creating it on first use (development default). */
export async function loadOrCreateKeyPair(dir: string, name: string): Promise<KeyPair> {
  const privatePath = join(dir, `${name}.private.jwk`);
  const publicPath = join(dir, `${name}.public.jwk`);
  if (!existsSync(privatePath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = await generateKeyPair(KEY_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const kid = `${name}-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 8)}`;
    const priv = { ...(await exportJWK(pair.privateKey)), kid, alg: KEY_ALGORITHM };
    const pub = { ...(await exportJWK(pair.publicKey)), kid, alg: KEY_ALGORITHM };
    // Written with the exclusive flag so two processes starting together cannot both create a key.
    try {
      writeFileSync(privatePath, JSON.stringify(priv), { mode: 0o600, flag: 'wx' });
      writeFileSync(publicPath, JSON.stringify(pub), { mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const priv = readJwk(privatePath);
  const pub = existsSync(publicPath) ? readJwk(publicPath) : publicPart(priv);
  return {
    kid: priv.kid ?? name,
    privateKey: (await importJWK(priv, KEY_ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(pub, KEY_ALGORITHM)) as CryptoKey,
  };
}

/** Loads a public key from a JWK file (a single key, or the first key of a JWKS). */
export async function loadPublicKey(path: string): Promise<{ kid?: string; key: CryptoKey }> {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as JWK | { keys: JWK[] };
  const jwk = 'keys' in raw ? raw.keys[0] : raw;
  if (!jwk) throw new Error(`No key in ${path}`);
  return { kid: jwk.kid, key: (await importJWK(publicPart(jwk), jwk.alg ?? KEY_ALGORITHM)) as CryptoKey };
}

function readJwk(path: string): JWK {
  return JSON.parse(readFileSync(path, 'utf8')) as JWK;
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, ...pub } = jwk;
  return pub;
}
