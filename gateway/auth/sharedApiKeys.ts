import { Client, Pool } from 'pg';
import { databaseUrlFromEnv, type Env } from '../../runtime/env';
import { ApiKeyStore, apiKeysFile, judge, newKey, parseKey, type IssuedKey, type KeyVerdict, type NewKey, type PartnerKeyStore, type StoredKey } from './apiKeys';

/** The channel on which a change to a key is announced (its id as payload), so replicas drop it from their cache. */
const CHANNEL = 'gateway_api_keys';
/** Held while a process creates the table, so replicas starting together do not race (any number, the gateway's own). */
const SCHEMA_LOCK = 7_106_101;
/** How long a replica may answer from a key it read, at most: the bound on a revocation reaching every replica. */
export const DEFAULT_KEY_CACHE_MS = 1000;
/** Beyond this many cached ids (most of them presented by no partner), the cache starts afresh. */
const MAX_CACHED = 10_000;

const COLUMNS = `id, partner, scopes, rate_per_minute, to_char(expires_on, 'YYYY-MM-DD') AS expires_on, created_at, revoked_at, hash`;

interface Row {
  id: string;
  partner: string;
  scopes: string[];
  rate_per_minute: number;
  expires_on: string | null;
  created_at: Date;
  revoked_at: Date | null;
  hash: string;
}

function toStored(row: Row): StoredKey {
  return {
    id: row.id,
    partner: row.partner,
    scopes: row.scopes,
    ratePerMinute: row.rate_per_minute,
    expiresOn: row.expires_on,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    hash: row.hash,
  };
}

/**
 * Partners' keys in the gateway's PostgreSQL (table gateway.api_key), shared by every gateway replica and written
 * by `npm run apikey`. A replica reads a presented key's row by id and answers from it for at most `cacheMs`
 * (default 1 s), so a revocation or rotation reaches every replica within that bound whatever happens to
 * notifications; a change is also announced with NOTIFY, which drops the row from every listening replica's cache
 * at once. When the database cannot be read and the cached row is older than the bound, the key is refused with 503
 * (a revoked key must not keep working because the store is down).
 */
export class SharedApiKeyStore implements PartnerKeyStore {
  private readonly cache = new Map<string, { stored: StoredKey | undefined; until: number }>();
  private readonly reading = new Map<string, Promise<StoredKey | undefined>>();
  /** Counts announced changes: a read that started before one is not cached. */
  private changes = 0;
  private listener: Client | undefined;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly url: string,
    private readonly cacheMs: number,
  ) {}

  /** Connects, creates the table when missing (under an advisory lock) and, with `listen`, follows changes. */
  static async open(url: string, options: { cacheMs?: number; listen?: boolean } = {}): Promise<SharedApiKeyStore> {
    const pool = new Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined);
    const store = new SharedApiKeyStore(pool, url, options.cacheMs ?? DEFAULT_KEY_CACHE_MS);
    try {
      await store.createTable();
      if (options.listen ?? true) await store.follow();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async list(): Promise<StoredKey[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM gateway.api_key ORDER BY created_at, id`);
    return rows.map(toStored);
  }

  async create(input: NewKey): Promise<IssuedKey> {
    const { id, hash, key } = newKey();
    const row = await this.changeOne(
      `INSERT INTO gateway.api_key (id, partner, scopes, rate_per_minute, expires_on, hash) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, input.partner, input.scopes, input.ratePerMinute, input.expiresOn, hash],
    );
    return { key, stored: toStored(row!) };
  }

  async rotate(id: string): Promise<IssuedKey> {
    const { hash, key } = newKey(id);
    const row = await this.changeOne(`UPDATE gateway.api_key SET hash = $2 WHERE id = $1 AND revoked_at IS NULL`, [id, hash]);
    if (!row) throw new Error(`No active key ${id}`);
    return { key, stored: toStored(row) };
  }

  async revoke(id: string): Promise<StoredKey> {
    const row = await this.changeOne(`UPDATE gateway.api_key SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1`, [id]);
    if (!row) throw new Error(`No key ${id}`);
    return toStored(row);
  }

  async verify(presented: string, today: string): Promise<KeyVerdict> {
    const parsed = parseKey(presented);
    if (!parsed) return 'INVALID_API_KEY';
    return judge(await this.read(parsed.id), parsed.secret, today);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** One statement that changes a key and announces it, both at commit; the changed row, if any. */
  private async changeOne(statement: string, values: unknown[]): Promise<Row | undefined> {
    const { rows } = await this.pool.query<Row>(`WITH changed AS (${statement} RETURNING ${COLUMNS}) SELECT changed.*, pg_notify('${CHANNEL}', changed.id) FROM changed`, values);
    return rows[0];
  }

  /** A key's row from the cache while it is younger than the bound, else from the database (one read per id at a time). */
  private read(id: string): Promise<StoredKey | undefined> {
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.stored);
    const pending = this.reading.get(id);
    if (pending) return pending;
    const changesBefore = this.changes;
    const reading = this.pool
      .query<Row>(`SELECT ${COLUMNS} FROM gateway.api_key WHERE id = $1`, [id])
      .then(
        ({ rows }) => {
          const stored = rows[0] ? toStored(rows[0]) : undefined;
          if (this.changes === changesBefore) {
            if (this.cache.size >= MAX_CACHED) this.cache.clear();
            this.cache.set(id, { stored, until: Date.now() + this.cacheMs });
          }
          return stored;
        },
        (err: Error) => {
          throw new KeyStoreUnavailable(err);
        },
      )
      .finally(() => {
        if (this.reading.get(id) === reading) this.reading.delete(id);
      });
    this.reading.set(id, reading);
    return reading;
  }

  /** Drops a changed key (or, with none named, every key) from the cache, and any read of it under way. */
  private forget(id?: string): void {
    this.changes++;
    if (id === undefined) {
      this.cache.clear();
      this.reading.clear();
    } else {
      this.cache.delete(id);
      this.reading.delete(id);
    }
  }

  private async createTable(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS gateway`);
      await client.query(`CREATE TABLE IF NOT EXISTS gateway.api_key (
        id text PRIMARY KEY,
        partner text NOT NULL,
        scopes text[] NOT NULL,
        rate_per_minute integer NOT NULL CHECK (rate_per_minute > 0),
        expires_on date,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        hash text NOT NULL
      )`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** LISTENs for changes on a connection of its own; when it drops, the cache is emptied and it reconnects. */
  private async follow(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.url });
    client.on('notification', (n) => this.forget(n.payload || undefined));
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.forget();
      void client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.follow().catch(() => undefined), 1000).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      lost();
      throw err;
    }
  }
}

/** The key store could not be read: the key is neither accepted nor called invalid. */
export class KeyStoreUnavailable extends Error {
  constructor(cause: Error) {
    super(`The API key store cannot be read: ${cause.message}`, { cause });
  }
}

/**
 * The key store the gateway and `npm run apikey` use: the gateway's PostgreSQL when GATEWAY_DATABASE_URL is set
 * (every replica shares it; the password from GATEWAY_DATABASE_PASSWORD_FILE when set), else the JSON file of the
 * embedded default (API_KEYS_FILE, default $DATA_DIR/apikeys.json).
 */
export async function apiKeyStoreFromEnv(env: Env = process.env, options: { listen?: boolean } = {}): Promise<PartnerKeyStore> {
  const url = databaseUrlFromEnv(env, 'GATEWAY');
  if (!url) return new ApiKeyStore(apiKeysFile(env));
  return SharedApiKeyStore.open(url, options);
}
