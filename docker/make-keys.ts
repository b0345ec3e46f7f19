/**
 * Creates the key pairs that docker/compose.yaml mounts, as JWK files in DIR (default docker/keys):
 * - gateway.{private,public}.jwk: the gateway signs forwarded principals; the subgraphs verify them.
 * - issuer.{private,public}.jwk: the demo staff identity provider. The gateway verifies staff tokens with the
 *   public key; tokens are minted on the host with the private key (`DATA_DIR=docker npm run token -- ...`).
 * Existing files are kept: to rotate, delete them first.
 *
 *   npx tsx docker/make-keys.ts docker/keys
 */
import { chownSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOrCreateKeyPair } from '../subgraphs/kit/keys';

/** The `node` user the image runs as (node:20-bookworm-slim). */
const CONTAINER_UID = 1000;
const CONTAINER_GID = 1000;

/** The private key a container reads: the gateway's (mode 0600, so its owner must be the container user). */
const CONTAINER_READ_PRIVATE = 'gateway.private.jwk';

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? join(__dirname, 'keys'));
  for (const name of ['gateway', 'issuer']) {
    const existed = existsSync(join(dir, `${name}.private.jwk`));
    const pair = await loadOrCreateKeyPair(dir, name);
    console.log(`${existed ? 'kept   ' : 'created'} ${name}.{private,public}.jwk  kid ${pair.kid}`);
  }

  const privatePath = join(dir, CONTAINER_READ_PRIVATE);
  const uid = process.getuid?.();
  if (uid === 0) {
    // Made by root: hand the gateway's private key to the container user, who could not read it otherwise.
    chownSync(privatePath, CONTAINER_UID, CONTAINER_GID);
    console.log(`${CONTAINER_READ_PRIVATE} now owned by uid ${CONTAINER_UID} (the image's node user)`);
  } else if (uid !== undefined && statSync(privatePath).uid !== CONTAINER_UID) {
    console.warn(
      `note (Linux hosts): the gateway container runs as uid ${CONTAINER_UID} and must read ${privatePath} (mode 0600, owned by uid ` +
        `${statSync(privatePath).uid}). Run this script with sudo, or: sudo chown ${CONTAINER_UID} ${privatePath}`,
    );
  }
  console.log(`keys in ${dir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
