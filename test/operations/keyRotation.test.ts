import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, decodeProtectedHeader, importJWK, type CryptoKey, type JWK } from 'jose';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../gateway/config';
import { RECONCILE_CARDS_PATH } from '../../schema/internalPaths';
import { verifyText } from '../../subgraphs/kit/accessLog/checkpoint';
import { WITNESSED_PATH } from '../../subgraphs/kit/accessLog/witnessed';
import { auditAccessLogs } from '../../subgraphs/kit/auditVerify';
import type { Authority } from '../../runtime/authority';
import { EVENT_ROUTES, eventsOptionsFor } from '../../subgraphs/kit/eventRoutes';
import { EVENTS_PATH } from '../../subgraphs/kit/events';
import { INTERNAL_SIGNATURE_HEADER, signInternalRequest } from '../../subgraphs/kit/internalSignature';
import { KEY_NAMES, listKeys, retireKey, rotateKey, type KeyName } from '../../subgraphs/kit/keyRotation';
import { keysDir, loadOrCreateKeyPair, privateKeyPath, publicKeyFile, publicKeyPath } from '../../runtime/keys';
import { PRINCIPAL_HEADER, signPrincipal } from '../../runtime/principal';
import { startStack, type Stack } from '../harness';
import { eventually, persona } from '../personas';
import { send } from '../security/requests';
import { watchAnswers } from '../internalTraffic';
import { postInternal } from '../../subgraphs/kit/internalCall';

/**
 * Key rotation with an overlap (docs/operations.md, "Key rotation"): each kind of key (the development issuer's,
 * the gateway's principal key, each authority's event key) is rotated while requests and event-sending mutations
 * run, and not one fails; then the old keys are retired, and what they sign is refused with the usual codes, while
 * the access-log checkpoints they signed still verify.
 */

const AUTHORITIES: Authority[] = ['immigration', 'registry', 'mynumber'];
const RECORD = `query ($n: ID!) { person(myNumber: $n) { myNumber cardArrangement resident { familyName } immigration { stayExpiresOn } myNumberCard { status } } }`;
const RENEW = `mutation ($n: ID!, $d: Date!) { renewPeriodOfStay(myNumber: $n, newExpiry: $d) { stayExpiresOn } }`;
const RENEWED = ['residence_card_only', 'specific_card'];
const PENDING = `query ($n: ID!) { person(myNumber: $n) { pendingChanges { event } } }`;

let stack: Stack;
let dir: string;
beforeAll(async () => {
  stack = await startStack({ persons: 40 });
  dir = keysDir(stack.dataDir);
});
afterAll(() => stack?.stop());

const base = (authority: Authority) => stack.subgraphUrls[authority].replace('/graphql', '');

/** Internal calls (event deliveries, witnesses, audits) this process made that a callee refused. */
const refusedInternal: string[] = [];
let internalCalls = 0;
let stopWatching: () => void;
beforeAll(() => {
  stopWatching = watchAnswers(({ path, status }) => {
    if (!path.startsWith('/internal/')) return;
    internalCalls++;
    if (status === 401 || status === 403) refusedInternal.push(`${status} ${path}`);
  });
});
afterAll(() => stopWatching());

/** A steady stream of unified-record reads and period-of-stay renewals (each sends an event to J-LIS). */
function load(tokens: () => string[]) {
  const failures: string[] = [];
  let requests = 0;
  let running = true;
  const reader = persona('separate_cards').myNumber!;
  // One person per loop, so no renewal waits on another's.
  const loop = async (renewed: string) => {
    const { body } = await stack.query(tokens()[0]!, RECORD, { n: renewed });
    const from = new Date(`${(body.data as { person: { immigration: { stayExpiresOn: string } } }).person.immigration.stayExpiresOn}T00:00:00Z`);
    let day = 1;
    while (running) {
      for (const token of tokens()) {
        const read = await stack.query(token, RECORD, { n: reader });
        if (read.status !== 200 || read.body.errors) failures.push(`read: ${read.status} ${JSON.stringify(read.body.errors)}`);
        // A later end each time, so each renewal is a change (and an event).
        const d = new Date(from.getTime() + day++ * 86_400_000).toISOString().slice(0, 10);
        const renew = await stack.query(token, RENEW, { n: renewed, d });
        if (renew.status !== 200 || renew.body.errors) failures.push(`renew: ${renew.status} ${JSON.stringify(renew.body.errors)}`);
        requests += 2;
      }
    }
  };
  const loops = RENEWED.map((scenario) => loop(persona(scenario).myNumber!));
  return {
    failures,
    requests: () => requests,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

const privateJwk = (name: KeyName): JWK => JSON.parse(readFileSync(privateKeyPath(dir, name), 'utf8')) as JWK;
const importPrivate = async (jwk: JWK) => (await importJWK(jwk, 'EdDSA')) as CryptoKey;

/** A staff token as the development issuer signs it, with any key and header kid. */
async function staffToken(key: CryptoKey, kid: string | undefined, sub = `rotation-${Math.random()}`): Promise<string> {
  return new SignJWT({ role: 'isa-officer' })
    .setProtectedHeader(kid === undefined ? { alg: 'EdDSA' } : { alg: 'EdDSA', kid })
    .setIssuer(DEFAULT_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

/** A principal sent straight to a subgraph's /graphql, as a caller holding a gateway key would. */
async function principalAnswer(authority: Authority, key: CryptoKey, kid: string) {
  const principal = await signPrincipal({ sub: 'rotation', role: 'isa-officer', agency: 'ISA', purpose: 'rotation test' }, authority, key, kid);
  return send(stack.subgraphUrls[authority], {
    headers: { 'content-type': 'application/json', [PRINCIPAL_HEADER]: principal, 'x-request-id': `rotation-${Date.now()}` },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

/** An internal call signed by `caller` with the given key, to another authority's endpoint that lists witnessed checkpoints. */
async function internalAnswer(caller: Authority, key: { kid: string; privateKey: CryptoKey }) {
  const callee = caller === 'mynumber' ? 'immigration' : 'mynumber';
  const path = caller === 'immigration' ? RECONCILE_CARDS_PATH : WITNESSED_PATH;
  const body = JSON.stringify(caller === 'immigration' ? { after: '' } : { origin: `residence-card.example/access-log/${caller}`, retentionDays: 2557 });
  // Through the system's own internal client, so the refusal is one the watch above must see.
  const answer = await postInternal<{ errors?: Array<{ extensions?: { code?: string } }> }>({ from: caller, to: callee, baseUrl: base(callee), path, body, signingKey: key, timeoutMs: 5000 });
  return { status: answer.status, code: answer.body?.errors?.[0]?.extensions?.code };
}

/** An event delivery from `producer`, signed with the given key, of a type no consumer handles (nothing is applied). */
async function eventAnswer(producer: Authority, key: { kid: string; privateKey: CryptoKey }) {
  const consumer = EVENT_ROUTES[producer][0]!;
  const body = JSON.stringify({ eventId: randomUUID(), source: producer, type: 'KeyRotationProbe', key: 'probe', payload: {} });
  const signature = await signInternalRequest({ method: 'POST', path: EVENTS_PATH, body }, producer, consumer, key);
  return send(base(consumer) + EVENTS_PATH, { headers: { 'content-type': 'application/json', [INTERNAL_SIGNATURE_HEADER]: signature }, body });
}

const outcome = (a: { status: number; code: string | undefined }) => ({ status: a.status, code: a.code ?? null });

/** Resolves once every authority's checkpoint covers its whole access log; each authority's latest checkpoint. */
async function checkpoints(): Promise<Record<Authority, { note: string; signature: string }>> {
  const latest = {} as Record<Authority, { note: string; signature: string }>;
  for (const a of AUTHORITIES) {
    latest[a] = await eventually(async () => {
      const [row] = await stack.dbs[a].query(
        `SELECT c.note, c.signature FROM access_log_checkpoint c, access_log_tree t
          WHERE NOT EXISTS (SELECT FROM access_log WHERE leaf_index IS NULL) AND c.size = t.size AND t.size > 0`,
      );
      return row as { note: string; signature: string } | undefined;
    }, 30_000);
  }
  return latest;
}

test('every kind of key rotates under load without a failed request; retired keys are refused, old checkpoints verify', async () => {
  // A read of each authority's data, so each access log has a checkpoint signed with the old key.
  const oldToken = await stack.token('isa-officer');
  expect((await stack.query(oldToken, RECORD, { n: persona('separate_cards').myNumber })).body.errors).toBeUndefined();
  const before = await checkpoints();
  const oldPrivate = Object.fromEntries(KEY_NAMES.map((n) => [n, privateJwk(n)])) as Record<KeyName, JWK>;
  for (const n of KEY_NAMES) expect(listKeys(dir, n)).toEqual([{ kid: oldPrivate[n].kid, current: true }]);

  let tokens = [oldToken];
  const traffic = load(() => tokens);
  const newKid = {} as Record<KeyName, string>;
  try {
    for (const name of KEY_NAMES) {
      const started = traffic.requests();
      newKid[name] = await rotateKey(dir, name);
      expect(listKeys(dir, name)).toEqual([
        { kid: oldPrivate[name].kid, current: false },
        { kid: newKid[name], current: true },
      ]);
      if (name === 'issuer') {
        // New tokens come with the new key; the old token goes on working beside them.
        const fresh = await eventually(async () => {
          const token = await stack.token('isa-officer');
          return decodeProtectedHeader(token).kid === newKid.issuer && token;
        });
        tokens = [oldToken, fresh];
      } else {
        // The signers of this process are the stack's: they sign with the new key within a second of a use.
        await eventually(async () => (await loadOrCreateKeyPair(dir, name)).kid === newKid[name]);
      }
      // Requests (and renewals, so events) go on after the switch.
      await eventually(async () => traffic.requests() >= started + 12, 60_000);
    }
  } finally {
    await traffic.stop();
  }
  expect(traffic.failures).toEqual([]);
  // Every event of the renewals was delivered, signed with whichever key was current when it went out.
  for (const scenario of RENEWED) {
    await eventually(async () => {
      const { body } = await stack.query(tokens[1]!, PENDING, { n: persona(scenario).myNumber });
      return (body.data as { person: { pendingChanges: unknown[] } }).person.pendingChanges.length === 0;
    }, 30_000);
  }
  expect(internalCalls).toBeGreaterThan(0);
  expect(refusedInternal).toEqual([]);

  // Retiring the key in use is refused: rotate first.
  expect(() => retireKey(dir, 'gateway', newKid.gateway)).toThrow('signs with now');
  for (const name of KEY_NAMES) retireKey(dir, name, String(oldPrivate[name].kid), new Date('2026-12-01T00:00:00Z'));
  expect(listKeys(dir, 'registry')).toEqual([
    { kid: oldPrivate.registry.kid, current: false, retired: '2026-12-01T00:00:00.000Z' },
    { kid: newKid.registry, current: true },
  ]);

  // Signed with a retired key: refused, with the codes a forged signature gets.
  const oldIssuer = await importPrivate(oldPrivate.issuer);
  expect(outcome(await send(stack.gatewayUrl, { headers: { 'content-type': 'application/json', authorization: `Bearer ${await staffToken(oldIssuer, String(oldPrivate.issuer.kid))}` }, body: JSON.stringify({ query: '{ __typename }' }) }))).toEqual({ status: 401, code: 'INVALID_TOKEN' });
  // The retired key under the new key's kid, or under no kid: refused too.
  for (const kid of [newKid.issuer, undefined]) {
    const answer = await send(stack.gatewayUrl, { headers: { 'content-type': 'application/json', authorization: `Bearer ${await staffToken(oldIssuer, kid)}` }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(outcome(answer)).toEqual({ status: 401, code: 'INVALID_TOKEN' });
  }
  const newIssuer = await importPrivate(privateJwk('issuer'));
  const current = await send(stack.gatewayUrl, { headers: { 'content-type': 'application/json', authorization: `Bearer ${await staffToken(newIssuer, newKid.issuer)}` }, body: JSON.stringify({ query: '{ __typename }' }) });
  expect(outcome(current)).toEqual({ status: 200, code: null });

  const oldGateway = await importPrivate(oldPrivate.gateway);
  const newGateway = await importPrivate(privateJwk('gateway'));
  for (const a of AUTHORITIES) {
    expect(outcome(await principalAnswer(a, oldGateway, String(oldPrivate.gateway.kid)))).toEqual({ status: 401, code: 'PRINCIPAL_INVALID' });
    expect(outcome(await principalAnswer(a, oldGateway, newKid.gateway))).toEqual({ status: 401, code: 'PRINCIPAL_INVALID' });
    expect(outcome(await principalAnswer(a, newGateway, newKid.gateway))).toEqual({ status: 200, code: null });
  }

  for (const a of AUTHORITIES) {
    const retired = { kid: String(oldPrivate[a].kid), privateKey: await importPrivate(oldPrivate[a]) };
    expect(outcome(await internalAnswer(a, retired))).toEqual({ status: 401, code: 'CALLER_SIGNATURE_INVALID' });
    expect(outcome(await internalAnswer(a, { kid: newKid[a], privateKey: retired.privateKey }))).toEqual({ status: 401, code: 'CALLER_SIGNATURE_INVALID' });
    expect(outcome(await internalAnswer(a, { kid: newKid[a], privateKey: await importPrivate(privateJwk(a)) }))).toEqual({ status: 200, code: null });
    expect(outcome(await eventAnswer(a, retired))).toEqual({ status: 401, code: 'EVENT_SIGNATURE_INVALID' });
    // Signed with the current key, the same delivery gets past the signature to the event's type.
    expect(outcome(await eventAnswer(a, { kid: newKid[a], privateKey: await importPrivate(privateJwk(a)) }))).toEqual({ status: 422, code: 'UNKNOWN_EVENT_TYPE' });
  }
  // The refusals just provoked through the internal client were seen: the watch above is not blind to them.
  expect(refusedInternal.filter((r) => r === `401 ${RECONCILE_CARDS_PATH}` || r === `401 ${WITNESSED_PATH}`).length).toBeGreaterThanOrEqual(2 * AUTHORITIES.length);
  refusedInternal.length = 0;

  // A checkpoint signed before the rotation: not by the new key, yet verified by the authority's published keys.
  for (const a of AUTHORITIES) {
    const onlyNew = await importJWK({ ...privateJwk(a), d: undefined }, 'EdDSA');
    expect(await verifyText(before[a].note, before[a].signature, onlyNew as CryptoKey)).toBe(false);
    expect(await verifyText(before[a].note, before[a].signature, publicKeyFile(publicKeyPath(dir, a)))).toBe(true);
    // A witness asked to cosign it now would refuse it: the key is retired for new checkpoints.
    expect(await verifyText(before[a].note, before[a].signature, publicKeyFile(publicKeyPath(dir, a)), 'accepted')).toBe(false);
  }
  // audit:verify: every log, its checkpoints from before and after the rotation and the witnesses' copies.
  await checkpoints();
  const keys = await Promise.all(AUTHORITIES.map((a) => eventsOptionsFor(a, dir, {}, {})));
  const audits = await auditAccessLogs({
    authorities: AUTHORITIES,
    urls: Object.fromEntries(AUTHORITIES.map((a) => [a, base(a)])) as Record<Authority, string>,
    signingKeys: Object.fromEntries(AUTHORITIES.map((a, i) => [a, keys[i]!.signingKey])),
    publicKeys: keys[0]!.producerKeys,
    retentionDays: 2557,
  });
  expect(audits.map((a) => ({ authority: a.authority, problems: a.problems }))).toEqual(AUTHORITIES.map((authority) => ({ authority, problems: [] })));
}, 600_000);

test('a flood of made-up key ids is refused without reading the key files again', async () => {
  const issuerKeys = publicKeyFile(publicKeyPath(dir, 'issuer'));
  const gatewayKeys = publicKeyFile(publicKeyPath(dir, 'gateway'));
  // Read once now, so the count below starts from a file already known.
  await issuerKeys.accepted();
  await gatewayKeys.accepted();
  const reads = { issuer: issuerKeys.reads, gateway: gatewayKeys.reads };
  const issuer = await importPrivate(privateJwk('issuer'));
  const gateway = await importPrivate(privateJwk('gateway'));
  const answers = [];
  for (let i = 0; i < 100; i++) {
    const kid = `made-up-${i}`;
    const token = await staffToken(issuer, kid);
    answers.push(outcome(await send(stack.gatewayUrl, { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ __typename }' }) })));
    answers.push(outcome(await principalAnswer('registry', gateway, kid)));
  }
  expect(answers.filter((a) => a.status !== 401)).toEqual([]);
  expect(new Set(answers.map((a) => a.code))).toEqual(new Set(['INVALID_TOKEN', 'PRINCIPAL_INVALID']));
  expect({ issuer: issuerKeys.reads, gateway: gatewayKeys.reads }).toEqual(reads);
}, 120_000);
