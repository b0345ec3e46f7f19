/**
 * Prints, as a Kubernetes List (JSON, for `kubectl apply -f -`), the Secrets and the ConfigMap the manifests
 * under deploy/ refer to, from key pairs and passwords kept in DIR (default deploy/keys, git-ignored; made on
 * first use and kept, so a second run prints the same values):
 * - gateway-private-key, <authority>-private-key: each private key for its own process only;
 * - public-keys (ConfigMap): the public keys of the gateway, the demo issuer and the three authorities;
 * - valkey-auth: the password of the limits store;
 * - statistics-record-key: the secret the ISA and the registry both derive each person's statistics record key
 *   with (docs/disclosure-control.md): one Secret for both, so their tables perturb alike; J-LIS and the gateway
 *   never mount it;
 * - <authority>-db-app and gateway-db-app (not with --production, where CloudNativePG makes them): the demo database's user,
 *   password and URL, with the keys CloudNativePG's own app Secret has.
 *
 *   npx tsx deploy/makeSecrets.ts [--production] [--namespace residence-card] [DIR] | kubectl apply -f -
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOrCreateKeyPair } from '../runtime/keys';
import { loadOrCreateRecordKeySecret, recordKeyFile } from '../subgraphs/kit/statistics/recordKey';

const AUTHORITIES = ['immigration', 'registry', 'mynumber'] as const;

/** One Kubernetes object as `kubectl apply` reads it. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  type?: string;
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

/** A random password kept in `dir/<name>.password`, so the database and its Secret keep agreeing. */
function keptPassword(dir: string, name: string): string {
  const file = join(dir, `${name}.password`);
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

/** The Secrets and the ConfigMap of the deployment, from the keys and passwords in `dir` (made when missing). */
export async function deploymentSecrets(dir: string, options: { production: boolean; namespace: string }): Promise<ManifestObject[]> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of ['gateway', 'issuer', ...AUTHORITIES]) await loadOrCreateKeyPair(dir, name);
  loadOrCreateRecordKeySecret(recordKeyFile(dir));
  const file = (name: string) => readFileSync(join(dir, name), 'utf8');
  const meta = (name: string) => ({ name, namespace: options.namespace, labels: { 'app.kubernetes.io/part-of': 'residence-card' } });
  const secret = (name: string, stringData: Record<string, string>): ManifestObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(name),
    type: 'Opaque',
    stringData,
  });

  const objects: ManifestObject[] = [
    secret('gateway-private-key', { 'gateway.private.jwk': file('gateway.private.jwk') }),
    ...AUTHORITIES.map((a) => secret(`${a}-private-key`, { [`${a}.private.jwk`]: file(`${a}.private.jwk`) })),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('public-keys'),
      data: Object.fromEntries(['gateway', 'issuer', ...AUTHORITIES].map((n) => [`${n}.public.jwk`, file(`${n}.public.jwk`)])),
    },
    secret('valkey-auth', { password: keptPassword(dir, 'valkey') }),
    secret('statistics-record-key', { 'statistics-record.key': file('statistics-record.key') }),
  ];
  if (!options.production) {
    for (const a of [...AUTHORITIES, 'gateway']) {
      const password = keptPassword(dir, `${a}-db`);
      const host = `${a}-db-rw`;
      objects.push(
        secret(`${a}-db-app`, {
          username: a,
          password,
          host,
          port: '5432',
          dbname: a,
          uri: `postgresql://${a}:${password}@${host}.${options.namespace}:5432/${a}`,
        }),
      );
    }
  }
  return objects;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const production = args.includes('--production');
  const ns = args.indexOf('--namespace');
  const namespace = ns >= 0 ? args[ns + 1] : 'residence-card';
  if (!namespace) throw new Error('--namespace needs a name');
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--namespace');
  const dir = resolve(positional[0] ?? join(__dirname, 'keys'));
  const items = await deploymentSecrets(dir, { production, namespace });
  process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2) + '\n');
  process.stderr.write(`keys and passwords in ${dir}; the demo issuer's private key stays there, for minting staff tokens\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
