import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { Authority } from '../../runtime/authority';
import { nodeFlagsOf } from '../../runtime/nodeFlags';
import { DEFAULT_PORTS } from '../../runtime/ports';

/**
 * The compose topology (docker/compose.yaml), without a Docker engine: every variable each process needs in a
 * read-only container is set (a missing key file or internal URL would make it generate a key of its own or call
 * 127.0.0.1), every `*_FILE` is a secret mounted into that service and made by docker/make-keys.ts, no password
 * travels in the environment, each database is reachable by its own process only, every container has limits and
 * rotated logs, production seeds nobody, and the environment matches the Kubernetes base (deploy/base). Then
 * `docker-compose config -q` when the binary is installed (CI installs it).
 */

const ROOT = join(__dirname, '..', '..');
const COMPOSE_FILE = join(ROOT, 'docker', 'compose.yaml');
const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];
/** The authorities whose statistics share the record-key secret (docs/disclosure-control.md). */
const STATISTICS_PUBLISHERS: Authority[] = ['immigration', 'registry'];

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  secrets?: string[];
  networks?: string[];
  ports?: string[];
  cpus?: number | string;
  mem_limit?: string;
  logging?: { driver?: string; options?: Record<string, string> };
  read_only?: boolean;
  cap_drop?: string[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  networks: Record<string, { internal?: boolean }>;
}

/** Compose's interpolation with an empty shell environment: `${NAME:-default}` gives its default, `$$` a `$`. */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (whole, _name: string | undefined, fallback: string | undefined) =>
    whole === '$$' ? '$' : (fallback ?? ''),
  );
}

const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
const services = compose.services;
const env = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
const upper = (a: Authority) => a.toUpperCase();
const others = (a: Authority) => AUTHORITIES.filter((o) => o !== a);

/** What each node process reads and must be given here: without it, it would write to DATA_DIR or call 127.0.0.1. */
const REQUIRED: Record<string, string[]> = {
  ...Object.fromEntries(
    AUTHORITIES.map((a) => [
      a,
      [
        `${upper(a)}_PORT`,
        `${upper(a)}_DATABASE_URL`,
        `${upper(a)}_DATABASE_PASSWORD_FILE`,
        `${upper(a)}_PRIVATE_KEY_FILE`,
        // Its own public keys too: after a rotation, its checkpoints signed with a retired key still verify.
        `${upper(a)}_PUBLIC_KEY_FILE`,
        'GATEWAY_PUBLIC_KEY_FILE',
        // Events, internal calls and access-log witnessing go both ways between every pair of authorities.
        ...others(a).flatMap((o) => [`${upper(o)}_PUBLIC_KEY_FILE`, `${upper(o)}_INTERNAL_URL`]),
        ...(STATISTICS_PUBLISHERS.includes(a) ? ['STATISTICS_RECORD_KEY_FILE'] : []),
        'SEED_PERSONS',
        'SEED',
      ],
    ]),
  ),
  gateway: [
    'GATEWAY_PORT',
    'GATEWAY_METRICS_PORT',
    'METRICS_HOST',
    ...AUTHORITIES.map((a) => `${upper(a)}_URL`),
    'GATEWAY_PRIVATE_KEY_FILE',
    'AUTH_PUBLIC_KEY_FILE',
    // The console checks access-history proofs in the browser against the authorities' keys.
    ...AUTHORITIES.map((a) => `${upper(a)}_PUBLIC_KEY_FILE`),
    'AUTH_ISSUER',
    'AUTH_AUDIENCE',
    'GATEWAY_DATABASE_URL',
    'GATEWAY_DATABASE_PASSWORD_FILE',
    'REDIS_URL',
    'REDIS_PASSWORD_FILE',
    'SAFELIST',
  ],
};
const NODE_PORTS: Record<string, number> = { gateway: 4000, ...DEFAULT_PORTS };

/** Each server and the one process that connects to it, with the secret that holds its password. */
const SERVERS: Array<{ server: string; client: string; network: string; password: string }> = [
  ...[...AUTHORITIES, 'gateway'].map((a) => ({ server: `${a}-db`, client: a, network: `${a}-data`, password: `${a}_db_password` })),
  { server: 'valkey', client: 'gateway', network: 'limits', password: 'valkey_password' },
];

/** The container of a process's Deployment in deploy/base. */
function baseContainer(name: string): { command?: string[]; env?: Array<{ name: string }> } {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'base', `${name}.yaml`), 'utf8')).map(
    (d) => d.toJSON() as { kind: string; spec?: { template?: { spec: { containers: Array<{ command?: string[]; env?: Array<{ name: string }> }> } } } },
  );
  return docs.find((d) => d.kind === 'Deployment')!.spec!.template!.spec.containers[0]!;
}

describe('compose topology (docker/compose.yaml)', () => {
  it('runs the three authorities with their databases, the gateway with its database and Valkey', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['gateway', 'gateway-db', 'valkey', ...AUTHORITIES, ...AUTHORITIES.map((a) => `${a}-db`)].sort(),
    );
  });

  it.each(Object.keys(REQUIRED))('gives %s every variable its code needs, with the values it needs', (name) => {
    const vars = env(name);
    expect(REQUIRED[name]!.filter((v) => !vars[v])).toEqual([]);
    // Ports as the others reach them, and the health check on the same port.
    const port = NODE_PORTS[name]!;
    expect(vars[name === 'gateway' ? 'GATEWAY_PORT' : `${name.toUpperCase()}_PORT`]).toBe(String(port));
    expect(services[name]!.healthcheck?.test?.join(' ')).toContain(`http://127.0.0.1:${port}/health`);
    for (const a of AUTHORITIES) {
      if (vars[`${upper(a)}_INTERNAL_URL`] !== undefined) expect(vars[`${upper(a)}_INTERNAL_URL`]).toBe(`http://${a}:${DEFAULT_PORTS[a]}`);
      if (name === 'gateway') expect(vars[`${upper(a)}_URL`]).toBe(`http://${a}:${DEFAULT_PORTS[a]}/graphql`);
    }
    if (name !== 'gateway') {
      // Its own database on its own server, and no other authority's anything private.
      expect(vars[`${name.toUpperCase()}_DATABASE_URL`]).toBe(`postgres://${name}@${name}-db:5432/${name}`);
      expect(Object.keys(vars).filter((v) => /_(DATABASE_URL|DATABASE_PASSWORD_FILE|PRIVATE_KEY_FILE)$/.test(v) && !v.startsWith(name.toUpperCase()))).toEqual([]);
    } else {
      expect([vars.GATEWAY_DATABASE_URL, vars.REDIS_URL]).toEqual(['postgres://gateway@gateway-db:5432/gateway', 'redis://valkey:6379']);
    }
  });

  it('keeps the statistics record-key secret to the ISA and the registry', () => {
    const holders = Object.keys(services).filter((s) => services[s]!.secrets?.includes('statistics_record_key'));
    expect(holders.sort()).toEqual([...STATISTICS_PUBLISHERS].sort());
  });

  it('points every *_FILE at a secret declared at the top and mounted into that service, and mounts nothing unused', () => {
    for (const [name, service] of Object.entries(services)) {
      const files = Object.entries(env(name)).filter(([k]) => k.endsWith('_FILE'));
      const used = files.map(([k, v]) => {
        expect([name, k, v]).toEqual([name, k, expect.stringMatching(/^\/run\/secrets\/[a-z_]+$/)]);
        return basename(v);
      });
      // Valkey reads its password in its command, not through a variable.
      if (name === 'valkey') used.push(...[...service.command!.join(' ').matchAll(/\/run\/secrets\/([a-z_]+)/g)].map((m) => m[1]!));
      expect([name, [...new Set(used)].sort()]).toEqual([name, [...(service.secrets ?? [])].sort()]);
      for (const secret of used) expect([name, secret, compose.secrets[secret]?.file]).toEqual([name, secret, expect.stringMatching(/^\.\/keys\//)]);
    }
  });

  it('mounts a private key or a password into its owner and its server only', () => {
    const mountedIn = (secret: string) => Object.keys(services).filter((s) => services[s]!.secrets?.includes(secret)).sort();
    for (const owner of ['gateway', ...AUTHORITIES]) expect([owner, mountedIn(`${owner}_private_key`)]).toEqual([owner, [owner]]);
    for (const { server, client, password } of SERVERS) expect([password, mountedIn(password)]).toEqual([password, [client, server].sort()]);
  });

  it('makes every secret file with docker/make-keys.ts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-keys-'));
    try {
      const out = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'docker', 'make-keys.ts'), dir], { cwd: ROOT, encoding: 'utf8' });
      expect([out.status, out.stderr]).toEqual([0, expect.any(String)]);
      const made = readdirSync(dir);
      for (const { file } of Object.values(compose.secrets)) expect([file, made.includes(file.replace('./keys/', ''))]).toEqual([file, true]);
      // Passwords fit a URL as they are, and a second run keeps them.
      const password = readFileSync(join(dir, 'registry-db.password'), 'utf8');
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}\n$/);
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'docker', 'make-keys.ts'), dir], { cwd: ROOT, encoding: 'utf8' });
      expect(readFileSync(join(dir, 'registry-db.password'), 'utf8')).toBe(password);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts no password in the environment, in a variable or in a URL', () => {
    for (const [name] of Object.entries(services)) {
      for (const [k, v] of Object.entries(env(name))) {
        if (/PASSWORD|SECRET|TOKEN/.test(k)) expect([name, k]).toEqual([name, expect.stringMatching(/_FILE$/)]);
        if (/^[a-z]+:\/\//.test(v)) expect([name, k, new URL(v).password]).toEqual([name, k, '']);
      }
    }
    for (const { server } of SERVERS.filter((s) => s.server.endsWith('-db'))) {
      expect(env(server)).toEqual({ ...env(server), POSTGRES_PASSWORD_FILE: `/run/secrets/${server.replace('-db', '')}_db_password` });
      expect(env(server).POSTGRES_PASSWORD).toBeUndefined();
    }
  });

  it('puts each database on an internal network of its own, shared with the one process that uses it', () => {
    for (const { server, client, network } of SERVERS) {
      expect([server, services[server]!.networks]).toEqual([server, [network]]);
      const members = Object.keys(services).filter((s) => services[s]!.networks?.includes(network));
      expect([network, members.sort(), compose.networks[network]?.internal]).toEqual([network, [client, server].sort(), true]);
      expect([server, services[server]!.ports]).toEqual([server, undefined]);
    }
    // Only the gateway publishes a port, and reaches beyond the internal networks.
    expect(Object.keys(services).filter((s) => services[s]!.ports)).toEqual(['gateway']);
    expect(Object.entries(compose.networks).filter(([, n]) => !n.internal).map(([k]) => k)).toEqual(['edge']);
    expect(Object.keys(services).filter((s) => services[s]!.networks?.includes('edge'))).toEqual(['gateway']);
  });

  it('limits every container and rotates its json-file log', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, Number(service.cpus) > 0, service.mem_limit]).toEqual([name, true, expect.stringMatching(/^\d+[mg]$/)]);
      expect([name, service.logging]).toEqual([name, { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '5' } }]);
    }
    // The node processes' heaps fit their containers (as deploy/base sets them).
    for (const name of Object.keys(NODE_PORTS)) {
      const heap = Number(/--max-old-space-size=(\d+)/.exec(env(name).NODE_OPTIONS ?? '')?.[1]);
      expect([name, heap > 0 && heap < parseInt(services[name]!.mem_limit!, 10)]).toEqual([name, true]);
    }
  });

  it('seeds no one by default (SEED_PERSONS=10000 in the shell for a demo)', () => {
    for (const a of AUTHORITIES) expect([a, env(a).SEED_PERSONS]).toEqual([a, '0']);
    expect(String(services.registry!.environment!.SEED_PERSONS)).toBe('${SEED_PERSONS:-0}');
  });

  it('runs the node processes and Valkey read-only without capabilities, and starts each after what it needs', () => {
    for (const name of [...Object.keys(NODE_PORTS), 'valkey']) expect([name, services[name]!.read_only, services[name]!.cap_drop]).toEqual([name, true, ['ALL']]);
    for (const a of AUTHORITIES) expect(services[a]!.depends_on).toEqual({ [`${a}-db`]: { condition: 'service_healthy' } });
    expect(Object.keys(services.gateway!.depends_on!).sort()).toEqual(['gateway-db', 'valkey', ...AUTHORITIES].sort());
  });

  it('starts each node process with the flags runtime/nodeFlags.ts gives its script, as deploy/base does', () => {
    for (const name of Object.keys(NODE_PORTS)) {
      const script = name === 'gateway' ? 'gateway/index.ts' : `subgraphs/${name}/index.ts`;
      const expected = ['node', ...nodeFlagsOf(script), '--import', 'tsx', script];
      expect([name, services[name]!.command]).toEqual([name, expected]);
      const k8s = baseContainer(name).command;
      expect([name, 'deploy/base', k8s]).toEqual([name, 'deploy/base', expected]);
    }
    // Every server collects garbage on its own thread; the statistics writers have three flags more.
    expect(['immigration', 'registry', 'mynumber', 'gateway'].map((name) => services[name]!.command!.length)).toEqual([8, 8, 5, 5]);
    for (const name of Object.keys(NODE_PORTS)) expect([name, services[name]!.command![1]]).toEqual([name, '--single-threaded-gc']);
    // The image's own command (docker run without one) starts the gateway the same way.
    const cmd = /^CMD (.+)$/m.exec(readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...nodeFlagsOf('gateway/index.ts'), '--import', 'tsx', 'gateway/index.ts']);
  });

  it('gives each process what deploy/base gives it (a Kubernetes secret variable as the same name or its _FILE)', () => {
    for (const name of Object.keys(NODE_PORTS)) {
      const k8s = baseContainer(name).env!.map((e) => e.name);
      const vars = env(name);
      // HOST is the image's (docker/Dockerfile); the other way round, compose may add the password files.
      expect([name, k8s.filter((v) => v !== 'HOST' && vars[v] === undefined && vars[`${v}_FILE`] === undefined)]).toEqual([name, []]);
    }
  });
});

const binary = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
const hasDockerCompose = !binary.error && binary.status === 0;

if (!hasDockerCompose && process.env.CI === 'true') {
  describe('docker-compose config', () => {
    it('validates docker/compose.yaml', () => {
      throw new Error("docker-compose is not installed: CI validates docker/compose.yaml with it (Debian's docker-compose package; .ci/run installs it).");
    });
  });
} else {
  (hasDockerCompose ? describe : describe.skip)('docker-compose config', () => {
    it('validates docker/compose.yaml with no error and no warning', () => {
      expect(existsSync(COMPOSE_FILE)).toBe(true);
      const out = spawnSync('docker-compose', ['-f', COMPOSE_FILE, 'config', '-q'], { cwd: ROOT, encoding: 'utf8' });
      expect([out.status, out.stderr.trim()]).toEqual([0, '']);
    });
  });
}
