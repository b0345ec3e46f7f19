import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { deploymentSecrets, type ManifestObject } from '../../deploy/makeSecrets';
import { DEFAULT_PORTS } from '../../runtime/ports';
import type { Authority } from '../../runtime/authority';
import { canReach, isolated, selects, type LabelSelector, type NetworkPolicy, type PodLabels } from './networkPolicy';

/**
 * The Kubernetes manifests (deploy/): each overlay renders with `kubectl kustomize`, every object passes the
 * published schema of its kind, and the properties operators rely on hold: probes on /health, requests and
 * limits, non-root read-only containers, disruption budgets, the gateway's autoscaler, every Secret reference
 * resolving to what deploy/makeSecrets.ts (or CloudNativePG) makes, no secret in a plain env value, and network
 * policies under which each authority reaches its own database only.
 */

const ROOT = join(__dirname, '..', '..');
const OVERLAYS = ['demo', 'production'] as const;
const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];
const NAMESPACE = 'residence-card';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
  exec?: { command: string[] };
}
interface Container {
  name: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: EnvVar[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; privileged?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; secret?: { secretName: string; optional?: boolean }; configMap?: { name: string; optional?: boolean } }>;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    scaleTargetRef?: { kind: string; name: string };
    minReplicas?: number;
    maxReplicas?: number;
    maxUnavailable?: number | string;
    minAvailable?: number | string;
    inheritedMetadata?: { labels?: Record<string, string> };
    bootstrap?: { initdb?: { database: string; owner: string } };
  };
}
type Workload = K8sObject & { spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const hasKubectl = !kubectl.error && kubectl.status === 0;

function render(overlay: string): K8sObject[] {
  const out = spawnSync('kubectl', ['kustomize', join(ROOT, 'deploy', 'overlays', overlay)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`kubectl kustomize deploy/overlays/${overlay} failed:\n${out.stderr}`);
  return parseAllDocuments(out.stdout).map((d) => d.toJSON() as K8sObject);
}

/** Schema errors of `objects`, from the kubernetes-models packages in a child process (they ship ES modules only). */
function schemaErrors(objects: unknown[]): Array<{ object: string; error: string }> {
  const out = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'validateSchemas.mts')], {
    cwd: ROOT,
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (out.status !== 0) throw new Error(`the schema check failed to run:\n${out.stderr}`);
  return JSON.parse(out.stdout) as Array<{ object: string; error: string }>;
}

const workloads = (objects: K8sObject[]) => objects.filter((o): o is Workload => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && !!o.spec?.template);
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const containersOf = (w: Workload) => [...w.spec.template.spec.containers, ...(w.spec.template.spec.initContainers ?? [])];

/** The node processes (gateway and subgraphs), with the port each listens on. */
const NODE_PROCESSES: Record<string, number> = { gateway: 4000, ...DEFAULT_PORTS };

if (!hasKubectl && process.env.CI === 'true') {
  describe('Kubernetes manifests', () => {
    it('renders with kubectl', () => {
      throw new Error(
        'kubectl is not installed: CI renders deploy/overlays/* with `kubectl kustomize` (kustomize v5, kubectl 1.27 or newer). ' +
          "Install kubectl on the CI machine (Debian's kubernetes-client is too old for kustomize v5).",
      );
    });
  });
} else {
  (hasKubectl ? describe : describe.skip)('Kubernetes manifests (deploy/)', () => {
    let keysDir: string;
    beforeAll(() => {
      keysDir = mkdtempSync(join(tmpdir(), 'k8s-keys-'));
    });
    afterAll(() => rmSync(keysDir, { recursive: true, force: true }));

    it('the schema check refuses a malformed object and a kind it does not know', () => {
      const errors = schemaErrors([
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken' }, spec: { replicas: 'two' } },
        { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'ok' }, spec: { maxUnavailable: 1, selector: {} } },
        { apiVersion: 'example.invalid/v1', kind: 'Unknown', metadata: { name: 'x' } },
        { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db' }, spec: { instances: 'three' } },
      ]);
      expect(errors.map((e) => e.object)).toEqual(['Deployment/broken', 'Unknown/x', 'Cluster/db']);
      expect(errors[0]!.error).toContain('data/spec/replicas must be integer');
      expect(errors[1]!.error).toBe('no schema for example.invalid/v1 Unknown');
      expect(errors[2]!.error).toContain('data/spec/instances must be integer');
    });

    describe.each(OVERLAYS)('overlay %s', (overlay) => {
      let objects: K8sObject[];
      let secrets: ManifestObject[];
      beforeAll(async () => {
        objects = render(overlay);
        secrets = await deploymentSecrets(join(keysDir, overlay), { production: overlay === 'production', namespace: NAMESPACE });
      });

      it('renders objects that all pass their published schema (CloudNativePG Cluster included), with the Secrets deploy/makeSecrets.ts makes', () => {
        expect(objects.length).toBeGreaterThan(20);
        expect(schemaErrors([...objects, ...secrets])).toEqual([]);
        const kinds = new Set(objects.map((o) => `${o.apiVersion} ${o.kind}`));
        expect(kinds.has(overlay === 'production' ? 'postgresql.cnpg.io/v1 Cluster' : 'apps/v1 StatefulSet')).toBe(true);
        for (const o of objects) if (o.kind !== 'Namespace') expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in ${NAMESPACE}`);
      });

      it('runs every container non-root, read-only, without privileges, with probes, requests and limits', () => {
        const all = workloads(objects);
        expect(all.map((w) => w.metadata.name).sort()).toEqual(
          [...Object.keys(NODE_PROCESSES), 'valkey', ...(overlay === 'demo' ? [...AUTHORITIES, 'gateway'].map((a) => `${a}-db`) : [])].sort(),
        );
        for (const w of all) {
          const pod = w.spec.template.spec;
          const where = `${w.kind} ${w.metadata.name}`;
          expect([where, pod.securityContext?.runAsNonRoot, pod.securityContext?.seccompProfile?.type, pod.automountServiceAccountToken]).toEqual([where, true, 'RuntimeDefault', false]);
          expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
          for (const c of containersOf(w)) {
            const at = `${where}, container ${c.name}`;
            expect([at, c.securityContext?.allowPrivilegeEscalation, c.securityContext?.readOnlyRootFilesystem, c.securityContext?.capabilities?.drop]).toEqual([at, false, true, ['ALL']]);
            expect([at, c.securityContext?.privileged ?? false, c.securityContext?.capabilities?.add ?? []]).toEqual([at, false, []]);
            expect([at, !!c.readinessProbe, !!c.livenessProbe]).toEqual([at, true, true]);
            for (const kind of ['requests', 'limits'] as const) {
              expect([at, kind, c.resources?.[kind]?.cpu !== undefined, c.resources?.[kind]?.memory !== undefined]).toEqual([at, kind, true, true]);
            }
          }
        }
      });

      it('probes each node process on GET /health at the port it listens on', () => {
        for (const [name, port] of Object.entries(NODE_PROCESSES)) {
          const w = named(objects, 'Deployment', name) as Workload;
          const [c] = w.spec.template.spec.containers;
          const http = c!.ports!.find((p) => p.name === 'http');
          expect([name, http?.containerPort]).toEqual([name, port]);
          const portVariable = name === 'gateway' ? 'GATEWAY_PORT' : `${name.toUpperCase()}_PORT`;
          expect([name, c!.env!.find((e) => e.name === portVariable)?.value]).toEqual([name, String(port)]);
          for (const probe of [c!.readinessProbe, c!.livenessProbe, c!.startupProbe]) expect([name, probe?.httpGet]).toEqual([name, { path: '/health', port: 'http' }]);
        }
      });

      it('runs several replicas of each process, with a disruption budget each, and autoscales the gateway', () => {
        const minimum = overlay === 'production' ? 3 : 2;
        // Production as docs/capacity.md sizes it for twice the national peak; the demo two of each.
        const expected: Record<string, number> = overlay === 'production' ? { immigration: 5, registry: 4, mynumber: 4 } : { immigration: 2, registry: 2, mynumber: 2 };
        for (const a of AUTHORITIES) expect([a, named(objects, 'Deployment', a).spec!.replicas]).toEqual([a, expected[a]]);
        const hpa = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
        expect(hpa.map((h) => h.spec!.scaleTargetRef)).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' }]);
        expect(hpa[0]!.spec!.minReplicas).toBe(minimum);
        expect(hpa[0]!.spec!.maxReplicas).toBeGreaterThan(minimum);
        // The autoscaler owns the gateway's count: a fixed one would be reset on every apply.
        expect(named(objects, 'Deployment', 'gateway').spec!.replicas).toBeUndefined();
        const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
        for (const name of Object.keys(NODE_PROCESSES)) {
          const labels = (named(objects, 'Deployment', name) as Workload).spec.template.metadata.labels;
          const covering = budgets.filter((b) => selects(b.spec!.selector!, labels));
          expect([name, covering.map((b) => b.spec!.maxUnavailable)]).toEqual([name, [1]]);
        }
      });

      it('takes keys and passwords from Secrets only, each process its own private key, every reference resolving', () => {
        expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
        // What the Secrets and ConfigMaps hold: made by makeSecrets.ts, and in production by CloudNativePG for each Cluster.
        const provided = new Map<string, string[]>(secrets.map((s) => [`${s.kind}/${s.metadata.name}`, Object.keys(s.stringData ?? s.data ?? {})]));
        for (const cluster of objects.filter((o) => o.kind === 'Cluster')) {
          expect(cluster.spec!.bootstrap?.initdb).toBeDefined();
          provided.set(`Secret/${cluster.metadata.name}-app`, ['username', 'password', 'host', 'port', 'dbname', 'uri', 'jdbc-uri', 'pgpass']);
        }
        const secretValues = secrets.flatMap((s) => Object.values(s.stringData ?? {})).filter((v) => v.length >= 16);

        for (const w of workloads(objects)) {
          const pod = w.spec.template.spec;
          for (const v of pod.volumes ?? []) {
            if (v.secret && !v.secret.optional) expect([w.metadata.name, provided.has(`Secret/${v.secret.secretName}`)]).toEqual([w.metadata.name, true]);
            if (v.configMap) expect([w.metadata.name, provided.has(`ConfigMap/${v.configMap.name}`)]).toEqual([w.metadata.name, true]);
          }
          const privateKeys = (pod.volumes ?? []).map((v) => v.secret?.secretName).filter((n) => n?.endsWith('-private-key'));
          expect([w.metadata.name, privateKeys]).toEqual([w.metadata.name, w.metadata.name in NODE_PROCESSES ? [`${w.metadata.name}-private-key`] : []]);

          for (const c of containersOf(w)) {
            for (const e of c.env ?? []) {
              const at = `${w.metadata.name}/${c.name} ${e.name}`;
              const ref = e.valueFrom?.secretKeyRef;
              if (ref) expect([at, provided.get(`Secret/${ref.name}`)?.includes(ref.key)]).toEqual([at, true]);
              if (/(PASSWORD|SECRET|TOKEN|_DATABASE_URL)$/.test(e.name)) expect([at, ref !== undefined]).toEqual([at, true]);
              if (e.value === undefined) continue;
              // No credentials in a literal URL, and no value any Secret holds.
              expect([at, /:\/\/[^/\s:@]+:[^@\s]+@/.test(e.value)]).toEqual([at, false]);
              for (const s of secretValues) expect([at, e.value.includes(s)]).toEqual([at, false]);
            }
            // A *_PRIVATE_KEY_FILE is read from a Secret volume, never from the image or a ConfigMap.
            for (const e of (c.env ?? []).filter((x) => x.name.endsWith('_PRIVATE_KEY_FILE'))) {
              const mount = c.volumeMounts?.find((m) => e.value!.startsWith(`${m.mountPath}/`));
              const volume = pod.volumes?.find((v) => v.name === mount?.name);
              expect([e.name, volume?.secret?.secretName]).toEqual([e.name, `${e.name.replace('_PRIVATE_KEY_FILE', '').toLowerCase()}-private-key`]);
            }
          }
        }
        // The statistics record-key secret: the ISA and the registry read the same one (their tables perturb alike);
        // J-LIS and the gateway never see it.
        const recordKeyReaders = workloads(objects)
          .filter((w) => (w.spec.template.spec.volumes ?? []).some((v) => v.secret?.secretName === 'statistics-record-key'))
          .map((w) => w.metadata.name)
          .sort();
        expect(recordKeyReaders).toEqual(['immigration', 'registry']);
        for (const name of recordKeyReaders) {
          const container = containersOf(named(objects, 'Deployment', name) as Workload)[0]!;
          const file = container.env?.find((e) => e.name === 'STATISTICS_RECORD_KEY_FILE')?.value;
          const mount = container.volumeMounts?.find((m) => file?.startsWith(`${m.mountPath}/`));
          expect([name, mount?.name, file?.slice((mount?.mountPath.length ?? 0) + 1)]).toEqual([name, 'statistics-record-key', 'statistics-record.key']);
        }
        expect(provided.get('Secret/statistics-record-key')).toEqual(['statistics-record.key']);
        const AUTHORITY_NAMES = ['immigration', 'registry', 'mynumber'];
        // Each authority reads its own public keys too (retired ones included), so its checkpoints signed before a
        // key rotation still verify: the file its *_PUBLIC_KEY_FILE names is in the public-keys ConfigMap.
        // The gateway reads all three: the console checks access-history proofs in the resident's browser with them.
        for (const [reader, authority] of [...AUTHORITY_NAMES.map((a) => [a, a]), ...AUTHORITY_NAMES.map((a) => ['gateway', a])]) {
          const deployment = named(objects, 'Deployment', reader!) as Workload;
          const container = containersOf(deployment)[0]!;
          const file = container.env?.find((e) => e.name === `${authority!.toUpperCase()}_PUBLIC_KEY_FILE`)?.value;
          const mount = container.volumeMounts?.find((m) => file?.startsWith(`${m.mountPath}/`));
          const volume = deployment.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
          const key = file?.slice((mount?.mountPath.length ?? 0) + 1);
          expect([reader, volume?.configMap?.name, key]).toEqual([reader, 'public-keys', `${authority}.public.jwk`]);
          expect(provided.get('ConfigMap/public-keys')).toContain(`${authority}.public.jwk`);
        }
        // Each subgraph's database URL is its own authority's.
        for (const a of AUTHORITIES) {
          const env = (named(objects, 'Deployment', a) as Workload).spec.template.spec.containers[0]!.env!;
          const urls = env.filter((e) => e.name.endsWith('_DATABASE_URL'));
          expect(urls).toEqual([{ name: `${a.toUpperCase()}_DATABASE_URL`, valueFrom: { secretKeyRef: { name: `${a}-db-app`, key: 'uri' } } }]);
        }
        // The gateway's partner keys: in its own database, shared by every replica (revoked on all within a second),
        // never a file mounted per pod.
        const gateway = (named(objects, 'Deployment', 'gateway') as Workload).spec.template.spec;
        expect(gateway.containers[0]!.env!.filter((e) => e.name.endsWith('_DATABASE_URL') || e.name === 'API_KEYS_FILE')).toEqual([
          { name: 'GATEWAY_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'gateway-db-app', key: 'uri' } } },
        ]);
        expect((gateway.volumes ?? []).map((v) => v.secret?.secretName).filter((n) => n === 'partner-api-keys')).toEqual([]);
      });

      describe('network policies', () => {
        let policies: NetworkPolicy[];
        let pods: Record<string, PodLabels>;
        let namespaceLabels: Record<string, string>;
        const reach = (from: string, to: string, port: number, extra: NetworkPolicy[] = []) => canReach([...policies, ...extra], pods[from]!, pods[to]!, port, namespaceLabels);

        beforeAll(() => {
          policies = objects.filter((o): o is K8sObject & NetworkPolicy => o.kind === 'NetworkPolicy');
          namespaceLabels = { ...named(objects, 'Namespace', NAMESPACE).metadata.labels, 'kubernetes.io/metadata.name': NAMESPACE };
          pods = { intruder: { name: 'intruder', labels: { run: 'debug' } } };
          for (const w of workloads(objects)) pods[w.metadata.name] = { name: w.metadata.name, labels: w.spec.template.metadata.labels };
          // CloudNativePG's instances carry the Cluster's inherited labels and cnpg.io/cluster.
          for (const c of objects.filter((o) => o.kind === 'Cluster')) {
            pods[c.metadata.name] = { name: c.metadata.name, labels: { ...c.spec!.inheritedMetadata?.labels, 'cnpg.io/cluster': c.metadata.name, 'cnpg.io/instanceRole': 'primary' } };
          }
          expect(Object.keys(pods).sort()).toEqual(['gateway', 'gateway-db', 'intruder', 'valkey', ...AUTHORITIES, ...AUTHORITIES.map((a) => `${a}-db`)].sort());
        });

        it('isolates every pod in both directions', () => {
          for (const pod of Object.values(pods)) expect([pod.name, isolated(policies, pod)]).toEqual([pod.name, true]);
        });

        it.each(AUTHORITIES)('lets the %s subgraph reach its own database and the other authorities, never their databases', (a) => {
          expect(reach(a, `${a}-db`, 5432)).toBe(true);
          for (const other of AUTHORITIES.filter((x) => x !== a)) {
            expect([other, reach(a, `${other}-db`, 5432)]).toEqual([other, false]);
            expect([other, reach(a, other, DEFAULT_PORTS[other])]).toEqual([other, true]);
            expect([other, reach(`${other}-db`, a, DEFAULT_PORTS[a])]).toEqual([other, false]);
          }
          expect(reach(a, 'valkey', 6379)).toBe(false);
          expect(reach(a, 'gateway', 4000)).toBe(false);
          expect(reach(a, 'gateway-db', 5432)).toBe(false);
        });

        it('lets the gateway reach the subgraphs, Valkey and its own database only', () => {
          expect(reach('gateway', 'gateway-db', 5432)).toBe(true);
          expect(reach('gateway-db', 'gateway', 4000)).toBe(false);
          for (const a of AUTHORITIES) {
            expect([a, reach('gateway', a, DEFAULT_PORTS[a])]).toEqual([a, true]);
            expect([a, reach('gateway', `${a}-db`, 5432)]).toEqual([a, false]);
          }
          expect(reach('gateway', 'valkey', 6379)).toBe(true);
          for (const a of AUTHORITIES) expect([a, reach('valkey', a, DEFAULT_PORTS[a])]).toEqual([a, false]);
          expect(reach('valkey', 'gateway', 4000)).toBe(false);
        });

        it('keeps any other pod of the namespace away from everything but the gateway public port, by ingress alone', () => {
          // The intruder's own egress is denied too; opened here, so that what is checked is each destination's ingress.
          const open: NetworkPolicy[] = [{ kind: 'NetworkPolicy', metadata: { name: 'open' }, spec: { podSelector: { matchLabels: { run: 'debug' } }, policyTypes: ['Egress'], egress: [{}] } }];
          expect(reach('intruder', 'gateway', 4000)).toBe(false);
          expect(reach('intruder', 'gateway', 4000, open)).toBe(true);
          expect(reach('intruder', 'gateway', 9400, open)).toBe(false);
          expect(reach('intruder', 'valkey', 6379, open)).toBe(false);
          expect(reach('intruder', 'gateway-db', 5432, open)).toBe(false);
          for (const a of AUTHORITIES) {
            expect([a, reach('intruder', a, DEFAULT_PORTS[a], open)]).toEqual([a, false]);
            expect([a, reach('intruder', `${a}-db`, 5432, open)]).toEqual([a, false]);
          }
        });

        it('would notice a policy that opened another authority database (the check can fail)', () => {
          const leak: NetworkPolicy[] = [
            { kind: 'NetworkPolicy', metadata: { name: 'leak-out' }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'immigration' } }, policyTypes: ['Egress'], egress: [{}] } },
            { kind: 'NetworkPolicy', metadata: { name: 'leak-in' }, spec: { podSelector: { matchLabels: { 'residence-card/database': 'registry' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 5432 }] }] } },
          ];
          expect(reach('immigration', 'registry-db', 5432, leak)).toBe(true);
          expect(reach('immigration', 'registry-db', 5432, leak.slice(0, 1))).toBe(false);
        });
      });
    });
  });
}
