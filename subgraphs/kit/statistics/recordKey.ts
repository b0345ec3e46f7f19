/**
 * The secret behind the record keys of cell key perturbation (perturbation.ts). A person's record key is the first
 * 32 bits of HMAC-SHA-256(secret, "my-number:" + their My Number): the ISA and the resident registry both hold the
 * My Number, both hold the secret, so both give the same person the same key without exchanging a record. Analysts
 * never see the secret, and without it a record key cannot be computed from a My Number (nor a My Number guessed
 * from a key). The hash runs in the database (kit/statistics/cellKeyMigration.ts), in the transaction that moves
 * the person, so every write path keeps the key sums as it keeps the counts.
 *
 * Embedded default: `$DATA_DIR/keys/statistics-record.key` (32 random bytes, hex), created by the first process
 * that needs it and read by the other authority's process from the same directory. In production each authority
 * is given the same secret by file (`STATISTICS_RECORD_KEY_FILE`) from the agencies' secret store.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Authority } from '../../../runtime/authority';
import { createFile } from '../../../runtime/keys';
import { sourced } from '../database';

const BLOCK = 64;

/** The secret's file under a keys directory (runtime/keys.ts keysDir). */
export function recordKeyFile(keysDirectory: string): string {
  return join(keysDirectory, 'statistics-record.key');
}

/** The authorities that publish statistics, and so hold the secret (J-LIS does not). */
export const STATISTICS_AUTHORITIES: readonly Authority[] = ['immigration', 'registry'];

/**
 * The secret an authority's process starts with: from `STATISTICS_RECORD_KEY_FILE`, else the development file under
 * `keysDirectory`; none for an authority without statistics, which neither reads nor writes a file for it (so a
 * J-LIS pod with a read-only file system and no such secret starts).
 */
export function statisticsKeyFor(authority: Authority, env: NodeJS.ProcessEnv, keysDirectory: string): Buffer | undefined {
  if (!STATISTICS_AUTHORITIES.includes(authority)) return undefined;
  return loadOrCreateRecordKeySecret(env.STATISTICS_RECORD_KEY_FILE ?? recordKeyFile(keysDirectory));
}

/** Reads the secret from `file`, creating it there on first use (the development default). */
export function loadOrCreateRecordKeySecret(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    // Two authorities starting together agree on one secret, and neither reads it half written.
    createFile(file, randomBytes(32).toString('hex'), 0o600);
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (secret.length < 16 || secret.length > BLOCK) throw new Error(`${file}: a statistics record key is 16 to 64 bytes, in hex`);
  return secret;
}

/** A person's pseudonym as both authorities spell it (the ISA's persons without a My Number have their own). */
export function pseudonymOfMyNumber(myNumber: string): string {
  return `my-number:${myNumber}`;
}

/** The record key of a pseudonym: the first 32 bits of HMAC-SHA-256 (what the database computes, for tests and tools). */
export function recordKey(secret: Buffer, pseudonym: string): number {
  return createHmac('sha256', secret).update(pseudonym, 'utf8').digest().readUInt32BE(0);
}

/** Names a secret without revealing it, so a database can tell whether its key sums were made with this one. */
export function fingerprintOf(secret: Buffer): string {
  return createHmac('sha256', secret).update('statistics-record-key fingerprint').digest('hex').slice(0, 32);
}

/**
 * Gives the database the secret (as HMAC's inner and outer pads, which the SQL hash needs) and, when its key sums
 * were made under another secret or none (a copied template, a bulk load before the first start), recounts once
 * so every record key and key sum is this secret's. `keyColumns`: the columns of the counts (for the year ends
 * taken before record keys existed, whose cells get a keyed draw of their own).
 */
export async function installRecordKeySecret(db: DataSource, secret: Buffer, keyColumns: readonly string[]): Promise<boolean> {
  const fingerprint = fingerprintOf(secret);
  const stats = sourced(db, 'stats');
  const [current]: Array<{ fingerprint: string }> = await stats.query(`SELECT fingerprint FROM stats_secret`);
  if (current?.fingerprint === fingerprint) return false;
  const key = Buffer.alloc(BLOCK);
  secret.copy(key);
  const pad = (byte: number) => Buffer.from(key.map((b) => b ^ byte));
  await stats.transaction(async (m) => {
    await m.query(`DELETE FROM stats_secret`);
    await m.query(`INSERT INTO stats_secret (fingerprint, inner_pad, outer_pad) VALUES ($1, $2, $3)`, [fingerprint, pad(0x36), pad(0x5c)]);
    await m.query(`SELECT stats_rebuild()`);
    // Year ends taken before record keys existed: a keyed draw per cell, so their perturbation is not known.
    await m.query(
      `UPDATE stats_snapshot t SET key_sum = stats_record_key('year-end:' || t.year || ':' || concat_ws('/', ${keyColumns.map((c) => `t.${c}`).join(', ')}), s.inner_pad, s.outer_pad)
       FROM stats_secret s WHERE t.key_sum IS NULL`,
    );
  });
  return true;
}
