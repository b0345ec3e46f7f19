/**
 * Creates the key pairs that docker/compose.yaml mounts, as JWK files in DIR (default docker/keys):
 * - gateway.{private,public}.jwk: the gateway signs forwarded principals; the subgraphs verify them.
 * - issuer.{private,public}.jwk: the demo staff identity provider. The gateway verifies staff tokens with the
 *   public key; tokens are minted on the host with the private key (`DATA_DIR=docker npm run token -- ...`).
 * - immigration, registry, mynumber.{private,public}.jwk: each authority signs its events and internal calls.
 * - statistics-record.key: the secret the ISA and the registry key their statistics' record keys with
 *   (subgraphs/kit/statistics/recordKey.ts); read by both, by no one else.
 * - <database>-db.password (immigration, registry, mynumber, gateway) and valkey.password: random passwords, each
 *   read by its server and by the one process that connects to it (`*_DATABASE_PASSWORD_FILE`, `REDIS_PASSWORD_FILE`).
 * Existing files are kept: to rotate, delete them first.
 *
 *   npx tsx docker/make-keys.ts docker/keys
 */
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOrCreateKeyPair } from '../runtime/keys';
import { loadOrCreateRecordKeySecret, recordKeyFile } from '../subgraphs/kit/statistics/recordKey';

/** The `node` user the image runs as (node:20-bookworm-slim). */
const CONTAINER_UID = 1000;
const CONTAINER_GID = 1000;

/** The passwords of the servers compose.yaml runs: one per database, and Valkey's. */
const PASSWORDS = [...['immigration', 'registry', 'mynumber', 'gateway'].map((n) => `${n}-db.password`), 'valkey.password'];

/** The private files containers read (mode 0600, so their owner must be the container user). */
const CONTAINER_READ_PRIVATE = [
  ...['gateway', 'immigration', 'registry', 'mynumber'].map((n) => `${n}.private.jwk`),
  'statistics-record.key',
  ...PASSWORDS,
];

/** Writes a random password to `file` unless it exists; URL-safe characters, so it also fits a database URL as is. */
function createPassword(file: string): boolean {
  try {
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? join(__dirname, 'keys'));
  for (const name of ['gateway', 'issuer', 'immigration', 'registry', 'mynumber']) {
    const existed = existsSync(join(dir, `${name}.private.jwk`));
    const pair = await loadOrCreateKeyPair(dir, name);
    console.log(`${existed ? 'kept   ' : 'created'} ${name}.{private,public}.jwk  kid ${pair.kid}`);
  }
  const recordKey = recordKeyFile(dir);
  const existed = existsSync(recordKey);
  loadOrCreateRecordKeySecret(recordKey);
  console.log(`${existed ? 'kept   ' : 'created'} statistics-record.key`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const file of PASSWORDS) console.log(`${createPassword(join(dir, file)) ? 'created' : 'kept   '} ${file}`);

  const uid = process.getuid?.();
  for (const file of CONTAINER_READ_PRIVATE) {
    const privatePath = join(dir, file);
    if (uid === 0) {
      // Made by root: hand the private key to the container user, who could not read it otherwise.
      chownSync(privatePath, CONTAINER_UID, CONTAINER_GID);
      console.log(`${file} now owned by uid ${CONTAINER_UID} (the image's node user)`);
    } else if (uid !== undefined && statSync(privatePath).uid !== CONTAINER_UID) {
      console.warn(
        `note (Linux hosts): the containers run as uid ${CONTAINER_UID} and must read ${privatePath} (mode 0600, owned by uid ` +
          `${statSync(privatePath).uid}). Run this script with sudo, or: sudo chown ${CONTAINER_UID} ${privatePath}`,
      );
    }
  }
  console.log(`keys in ${dir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
