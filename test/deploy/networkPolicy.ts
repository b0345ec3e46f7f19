/**
 * Who may reach whom under a namespace's NetworkPolicies, for the manifests test: the rules of
 * networking.k8s.io/v1 for pods of one namespace. A connection needs both the source's egress and the
 * destination's ingress to allow it; a pod no policy of a direction selects is open in that direction.
 * Conservative where the manifests cannot say: an ipBlock peer is taken to match every pod.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface Rule {
  ports?: Array<{ protocol?: string; port?: number | string; endPort?: number }>;
  from?: Peer[];
  to?: Peer[];
}

export interface NetworkPolicy {
  kind: 'NetworkPolicy';
  metadata: { name: string };
  spec: { podSelector: LabelSelector; policyTypes?: Array<'Ingress' | 'Egress'>; ingress?: Rule[]; egress?: Rule[] };
}

/** A pod as the policies see it: its labels (in the namespace whose labels are `namespaceLabels`). */
export interface PodLabels {
  name: string;
  labels: Record<string, string>;
}

/** Whether `selector` selects `labels` (an empty selector selects everything). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
    if (operator === 'In' && !(has && values.includes(labels[key]!))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key]!)) return false;
  }
  return true;
}

function types(policy: NetworkPolicy): Array<'Ingress' | 'Egress'> {
  return policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function peerMatches(peer: Peer, pod: PodLabels, namespaceLabels: Record<string, string>): boolean {
  if (peer.ipBlock) return true;
  if (peer.namespaceSelector && !selects(peer.namespaceSelector, namespaceLabels)) return false;
  return selects(peer.podSelector ?? {}, pod.labels);
}

function portMatches(rule: Rule, port: number): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || (p.endPort ? Number(p.port) <= port && port <= p.endPort : Number(p.port) === port)));
}

function allowedBy(
  policies: NetworkPolicy[],
  direction: 'Ingress' | 'Egress',
  subject: PodLabels,
  peer: PodLabels,
  port: number,
  namespaceLabels: Record<string, string>,
): boolean {
  const applying = policies.filter((p) => types(p).includes(direction) && selects(p.spec.podSelector, subject.labels));
  if (applying.length === 0) return true;
  return applying.some((policy) =>
    (direction === 'Ingress' ? policy.spec.ingress : policy.spec.egress)?.some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      return (!peers || peers.length === 0 || peers.some((p) => peerMatches(p, peer, namespaceLabels))) && portMatches(rule, port);
    }),
  );
}

/** Whether `source` may open a TCP connection to `destination` on `port`, both in the namespace the policies are in. */
export function canReach(policies: NetworkPolicy[], source: PodLabels, destination: PodLabels, port: number, namespaceLabels: Record<string, string>): boolean {
  return allowedBy(policies, 'Egress', source, destination, port, namespaceLabels) && allowedBy(policies, 'Ingress', destination, source, port, namespaceLabels);
}

/** Whether every one of `pods` is isolated in both directions (some policy of each type selects it). */
export function isolated(policies: NetworkPolicy[], pod: PodLabels): boolean {
  return (['Ingress', 'Egress'] as const).every((d) => policies.some((p) => types(p).includes(d) && selects(p.spec.podSelector, pod.labels)));
}
