import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A partner's API key as stored: never the key itself, only its hash. */
export interface StoredKey {
  id: string;
  partner: string;
  scopes: string[];
  /** Requests per minute, counted per verification (aliases and batches included). */
  ratePerMinute: number;
  expiresOn: string | null;
  createdAt: string;
  revokedAt: string | null;
  /** sha256 of the secret part, hex. */
  hash: string;
}

export const API_KEY_SCOPES = ['card:verify'] as const;
const PREFIX = 'rck';

/** What a new key is given; the rest (id, dates, hash) the store fills in. */
export type NewKey = Pick<StoredKey, 'partner' | 'scopes' | 'ratePerMinute' | 'expiresOn'>;

/** A presented key's verdict: the stored key it matches, or why it is refused. */
export type KeyVerdict = StoredKey | 'INVALID_API_KEY' | 'API_KEY_REVOKED' | 'API_KEY_EXPIRED';

/**
 * Where partners' keys live: a JSON file (ApiKeyStore, the embedded default, one gateway) or the gateway's
 * PostgreSQL (auth/sharedApiKeys.ts, shared by every replica). Either may answer now or later.
 */
export interface PartnerKeyStore {
  list(): StoredKey[] | Promise<StoredKey[]>;
  /** Creates a key; the returned secret is shown once and never stored. */
  create(input: NewKey): IssuedKey | Promise<IssuedKey>;
  /** Replaces a key's secret: the old key stops working. */
  rotate(id: string): IssuedKey | Promise<IssuedKey>;
  revoke(id: string): StoredKey | Promise<StoredKey>;
  verify(presented: string, today: string): KeyVerdict | Promise<KeyVerdict>;
  close?(): Promise<void>;
}

export interface IssuedKey {
  key: string;
  stored: StoredKey;
}

/** A fresh key: its id, the secret's hash to store, and the key text to hand out once. */
export function newKey(id = randomBytes(6).toString('hex')): { id: string; hash: string; key: string } {
  const secret = randomBytes(24).toString('base64url');
  return { id, hash: hashOf(secret), key: `${PREFIX}_${id}_${secret}` };
}

/** The id and secret of a presented key, or null when it is not shaped like one of ours. */
export function parseKey(presented: string): { id: string; secret: string } | null {
  const match = /^rck_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/.exec(presented);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/** The verdict on a presented secret against the stored key of its id (undefined: no such key). */
export function judge(stored: StoredKey | undefined, secret: string, today: string): KeyVerdict {
  if (!stored) return 'INVALID_API_KEY';
  const expected = Buffer.from(stored.hash, 'hex');
  const given = Buffer.from(hashOf(secret), 'hex');
  if (!timingSafeEqual(expected, given)) return 'INVALID_API_KEY';
  if (stored.revokedAt) return 'API_KEY_REVOKED';
  if (stored.expiresOn && stored.expiresOn < today) return 'API_KEY_EXPIRED';
  return stored;
}

/** Where the key store lives: `API_KEYS_FILE`, default `$DATA_DIR/apikeys.json`. */
export function apiKeysFile(env: Record<string, string | undefined> = process.env): string {
  return env.API_KEYS_FILE ?? join(env.DATA_DIR ?? '.data', 'apikeys.json');
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * The file key store of the embedded default (one gateway): a JSON file of hashed keys, written atomically (write, then rename) by the CLI and re-read by
 * the gateway whenever it changes, so a revoked key is refused on the next request.
 */
export class ApiKeyStore implements PartnerKeyStore {
  private cached: { mtimeMs: number; size: number; keys: Map<string, StoredKey> } | null = null;

  constructor(readonly file: string) {}

  /** Every stored key (hashes only). */
  list(): StoredKey[] {
    return [...this.load().values()];
  }

  /** Creates a key; the returned secret is shown once and never stored. */
  create(input: NewKey): IssuedKey {
    const { id, hash, key } = newKey();
    const stored: StoredKey = { id, ...input, createdAt: new Date().toISOString(), revokedAt: null, hash };
    this.save([...this.list(), stored]);
    return { key, stored };
  }

  /** Replaces a key's secret: the old key stops working at once. */
  rotate(id: string): IssuedKey {
    const keys = this.list();
    const found = keys.find((k) => k.id === id && !k.revokedAt);
    if (!found) throw new Error(`No active key ${id}`);
    const { hash, key } = newKey(id);
    found.hash = hash;
    this.save(keys);
    return { key, stored: found };
  }

  revoke(id: string): StoredKey {
    const keys = this.list();
    const found = keys.find((k) => k.id === id);
    if (!found) throw new Error(`No key ${id}`);
    found.revokedAt ??= new Date().toISOString();
    this.save(keys);
    return found;
  }

  /** The stored key for a presented key, or the reason it is refused. */
  verify(presented: string, today: string): KeyVerdict {
    const parsed = parseKey(presented);
    return parsed ? judge(this.load().get(parsed.id), parsed.secret, today) : 'INVALID_API_KEY';
  }

  private load(): Map<string, StoredKey> {
    if (!existsSync(this.file)) return new Map();
    const { mtimeMs, size } = statSync(this.file);
    if (!this.cached || this.cached.mtimeMs !== mtimeMs || this.cached.size !== size) {
      const keys = JSON.parse(readFileSync(this.file, 'utf8')) as StoredKey[];
      this.cached = { mtimeMs, size, keys: new Map(keys.map((k) => [k.id, k])) };
    }
    return this.cached.keys;
  }

  private save(keys: StoredKey[]): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(keys, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.cached = null;
  }
}

/** A rate limit's answer: taken, or the seconds to wait. */
export type Taken = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Per-key rate limits: `take` charges `cost` checks to a key allowed `perMinute` a minute; a refusal takes nothing. */
export interface KeyRateLimiter {
  take(keyId: string, perMinute: number, cost: number): Taken | Promise<Taken>;
  close?(): Promise<void>;
}

/**
 * Per-key rate limit over a sliding minute, in this gateway process: the embedded default. With several gateway
 * replicas each would enforce the limit on its share; they share limits/sharedRateLimiter.ts instead.
 */
export class RateLimiter implements KeyRateLimiter {
  private readonly hits = new Map<string, number[]>();

  /** Takes `cost` units for the key; returns the seconds to wait when that would exceed the limit. */
  take(keyId: string, perMinute: number, cost: number, now = Date.now()): Taken {
    const windowStart = now - 60_000;
    const recent = (this.hits.get(keyId) ?? []).filter((t) => t > windowStart);
    if (recent.length + cost > perMinute) {
      const oldestNeeded = recent[Math.max(0, recent.length + cost - perMinute - 1)] ?? now;
      this.hits.set(keyId, recent);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldestNeeded + 60_000 - now) / 1000)) };
    }
    for (let i = 0; i < cost; i++) recent.push(now);
    this.hits.set(keyId, recent);
    return { ok: true };
  }
}
