import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../gateway/config';
import { ApiKeyStore, apiKeysFile } from '../../gateway/auth/apiKeys';
import { loadManifest } from '../../gateway/persisted/safelist';
import { keysDir, loadOrCreateKeyPair } from '../../runtime/keys';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { jsonHeaders, leaks, send, subgraphCalls, type Answer } from './requests';

/**
 * Hostile requests against the gateway. Each one asserts the exact status and code, that nothing leaks (no stack,
 * SQL or internal address), and, for what is refused up front, that no subgraph was called.
 */

let stack: Stack;
let officer: string;
let productionUrl: string;
let partnerKey: string;
const manifest = loadManifest();
const staffOperation = manifest.operations.find((op) => op.name === 'CounterUnifiedRecord')!;
const partnerOperation = manifest.operations.find((op) => op.name === 'PartnerVerifyResidenceCard')!;

beforeAll(async () => {
  stack = await startStack({ persons: 20 });
  officer = await stack.token('isa-officer');
  productionUrl = await stack.startGateway({ production: true, safelist: { mode: 'enforce' } });
  ({ key: partnerKey } = new ApiKeyStore(apiKeysFile({ DATA_DIR: stack.dataDir })).create({
    partner: 'security-suite-bank',
    scopes: ['card:verify'],
    ratePerMinute: 1000,
    expiresOn: null,
  }));
});
afterAll(() => stack?.stop());

const myNumber = () => persona('specific_card').myNumber!;
const post = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}, token: string | null = officer) =>
  send(stack.gatewayUrl, { headers: jsonHeaders(token, headers), body: JSON.stringify({ query, variables }) });
const staffClaims = (role = 'isa-officer') => new SignJWT({ role }).setIssuer(DEFAULT_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('mallory').setIssuedAt();
const issuer = () => loadOrCreateKeyPair(keysDir(stack.dataDir), 'issuer');
const PERSON = 'query ($n: ID!) { person(myNumber: $n) { myNumber } }';
const persisted = (sha256Hash: string, variables: Record<string, unknown>, query?: string) =>
  JSON.stringify({ query, variables, extensions: { persistedQuery: { version: 1, sha256Hash } } });

/** A query nested 2 × `pairs` + 2 levels deep through Person → ImmigrationRecord → Person … */
function nested(pairs: number): string {
  let inner = 'myNumber';
  for (let i = 0; i < pairs; i++) inner = `immigration { person { ${inner} } }`;
  return `{ person(myNumber: "${myNumber()}") { ${inner} } }`;
}

/** Every field of a card and its holder: within every other limit (depth 8), but costly when asked three times over. */
const HOLDER = `holder { residentClass statusOfResidence stayExpiresOn workRestriction periodOfStay birthDate sex activityOutsideStatus
  nationality { code kind } permission { kind date } specificCardEligibility { eligibility reason } }`;
const CARD = `number kind status issuedOn validUntil lossReportedOn supersededBy myNumberFunctionEndedOn myNumberFunctionEndReason
  shows { item presence note } ${HOLDER}`;
const COSTLY = `query ($ns: [ID!]!) { persons(myNumbers: $ns) { myNumber myNumberAssignedOn
  immigration { residentClass residenceCards { ${CARD} } residenceCard { ${CARD} }
    person { residenceCard { ${CARD} } immigration { residenceCards { ${CARD} } } } }
  residenceCard { ${CARD} }
  resident { familyName givenName addressHistory { line movedInOn movedOutOn municipality { code name prefectureCode prefectureName } }
    address { line movedInOn movedOutOn municipality { code name prefectureCode prefectureName } } } } }`;

interface Hostile {
  name: string;
  request: () => Promise<Answer>;
  status: number;
  code: string;
  /** Refused by a subgraph's own rules rather than at the gateway. */
  reachesSubgraph?: boolean;
  also?: (answer: Answer) => void;
}

const HOSTILE: Hostile[] = [
  // Who is calling.
  { name: 'no credentials', request: () => post(PERSON, { n: myNumber() }, {}, null), status: 401, code: 'UNAUTHENTICATED' },
  {
    name: 'a token signed by an unknown key',
    request: async () => {
      const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      return post(PERSON, { n: myNumber() }, {}, await staffClaims().setProtectedHeader({ alg: 'EdDSA' }).setExpirationTime('1h').sign(privateKey));
    },
    status: 401,
    code: 'INVALID_TOKEN',
  },
  {
    name: 'alg none',
    request: () =>
      post(PERSON, { n: myNumber() }, {}, new UnsecuredJWT({ role: 'isa-officer' }).setIssuer(DEFAULT_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('mallory').setExpirationTime('1h').encode()),
    status: 401,
    code: 'INVALID_TOKEN',
  },
  {
    name: 'an expired token',
    request: async () => {
      const { privateKey, kid } = await issuer();
      const now = Math.floor(Date.now() / 1000);
      return post(PERSON, { n: myNumber() }, {}, await staffClaims().setProtectedHeader({ alg: 'EdDSA', kid }).setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(privateKey));
    },
    status: 401,
    code: 'TOKEN_EXPIRED',
  },
  {
    name: "key confusion: HS256 signed with the issuer's public key as the secret",
    request: async () => {
      const { publicKey, kid } = await issuer();
      const secret = new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey)));
      return post(PERSON, { n: myNumber() }, {}, await staffClaims().setProtectedHeader({ alg: 'HS256', kid }).setExpirationTime('1h').sign(secret));
    },
    status: 401,
    code: 'INVALID_TOKEN',
  },
  {
    name: 'a genuine token with a role nobody has',
    request: async () => {
      const { privateKey, kid } = await issuer();
      return post(PERSON, { n: myNumber() }, {}, await staffClaims('root').setProtectedHeader({ alg: 'EdDSA', kid }).setExpirationTime('1h').sign(privateKey));
    },
    status: 403,
    code: 'UNKNOWN_ROLE',
  },
  {
    name: 'a malformed Authorization header',
    request: () => send(stack.gatewayUrl, { headers: { 'content-type': 'application/json', authorization: 'Bearer a b' }, body: JSON.stringify({ query: PERSON }) }),
    status: 401,
    code: 'INVALID_TOKEN',
  },
  {
    name: 'a forged API key',
    request: () => send(stack.gatewayUrl, { headers: { 'content-type': 'application/json', 'x-api-key': `rck_${'0'.repeat(12)}_${'A'.repeat(32)}` }, body: JSON.stringify({ query: '{ __typename }' }) }),
    status: 401,
    code: 'INVALID_API_KEY',
  },
  { name: 'a purpose the role may not declare', request: () => post(PERSON, { n: myNumber() }, { 'x-purpose': 'statistics' }), status: 403, code: 'PURPOSE_NOT_ALLOWED' },

  // What is asked: operation limits.
  { name: 'deep nesting (12 levels)', request: () => post(nested(5)), status: 400, code: 'QUERY_TOO_DEEP' },
  {
    name: 'an alias bomb (50 aliases)',
    request: () => post(`{ person(myNumber: "${myNumber()}") { ${Array.from({ length: 50 }, (_, i) => `a${i}: myNumber`).join(' ')} } }`),
    status: 400,
    code: 'TOO_MANY_ALIASES',
  },
  {
    name: 'too many root fields (6)',
    request: () => post(`{ ${Array.from({ length: 6 }, (_, i) => `p${i}: person(myNumber: "${myNumber()}") { myNumber }`).join(' ')} }`),
    status: 400,
    code: 'TOO_MANY_ROOT_FIELDS',
  },
  { name: 'a token flood (1,200 tokens)', request: () => post(`{ ${'__typename '.repeat(1200)}}`), status: 400, code: 'TOO_MANY_TOKENS' },
  { name: 'a directive flood (11 directives)', request: () => post(`{ ${'__typename @include(if: true) '.repeat(11)}}`), status: 400, code: 'TOO_MANY_DIRECTIVES' },
  {
    name: 'a fragment bomb (2^12 selections from 13 fragments)',
    request: () => {
      const fragments = Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ');
      return post(`query { ...F0 } ${fragments} fragment F12 on Query { __typename }`);
    },
    status: 400,
    code: 'TOO_MANY_SELECTIONS',
  },
  {
    name: 'a fragment cycle',
    request: () => post('query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  { name: 'a query too costly to answer (cost 1,267)', request: () => post(COSTLY, { ns: [myNumber()] }), status: 400, code: 'QUERY_TOO_COSTLY' },
  {
    name: 'a field-suggestion probe',
    request: () => post('{ persn(myNumber: "1") { myNumber } }'),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    also: (answer) => expect(answer.text).not.toMatch(/Did you mean|"person"/),
  },
  { name: 'two operations and no operationName', request: () => post('query A { __typename } query B { __typename }'), status: 400, code: 'OPERATION_RESOLUTION_FAILURE' },
  { name: 'a document that is not GraphQL', request: () => post('{ person(myNumber: ) }'), status: 400, code: 'GRAPHQL_PARSE_FAILED' },

  // How it is sent.
  {
    name: 'a body over the limit (70 kB query)',
    request: () => post(`{ __typename } # ${'x'.repeat(70_000)}`),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'huge variables (10,000 My Numbers)',
    request: () => post('query ($ns: [ID!]!) { persons(myNumbers: $ns) { myNumber } }', { ns: Array(10_000).fill(myNumber()) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a batch of operations in one array',
    request: () => send(stack.gatewayUrl, { headers: jsonHeaders(officer), body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'text/plain (a CSRF "simple request")',
    request: () => send(stack.gatewayUrl, { headers: { 'content-type': 'text/plain', authorization: `Bearer ${officer}` }, body: JSON.stringify({ query: '{ __typename }' }) }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a form post',
    request: () => send(stack.gatewayUrl, { headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${officer}` }, body: 'query=%7B__typename%7D' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { name: 'a body that is not JSON', request: () => send(stack.gatewayUrl, { headers: jsonHeaders(officer), body: '{"query": "{ __typename }"' }), status: 400, code: 'BAD_REQUEST' },
  {
    name: 'a mutation over GET',
    request: () =>
      send(stack.gatewayUrl, {
        method: 'GET',
        headers: { authorization: `Bearer ${officer}`, 'apollo-require-preflight': 'true' },
        search: `?query=${encodeURIComponent(`mutation { reportResidenceCardLost(number: "${persona('specific_card').residenceCardNumber}") { number } }`)}`,
      }),
    status: 405,
    code: 'BAD_REQUEST',
  },
  {
    name: 'a GET without a CSRF preflight header',
    request: () => send(stack.gatewayUrl, { method: 'GET', headers: { authorization: `Bearer ${officer}` }, search: `?query=${encodeURIComponent('{ __typename }')}` }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'a path that is not served', request: () => send(stack.gatewayUrl.replace('/graphql', '/admin'), { method: 'GET' }), status: 404, code: 'NOT_FOUND' },

  // Broken text.
  { name: 'a NUL byte in a string of the query text', request: () => post(`{ person(myNumber: "6214983\u000020257") { myNumber } }`), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'a NUL byte in a variable', request: () => post(PERSON, { n: '6214983\u000020257' }), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'an unpaired surrogate in a variable', request: () => post(PERSON, { n: '621498\ud80020257' }), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'bytes that are not UTF-8',
    request: () => send(stack.gatewayUrl, { headers: jsonHeaders(officer), body: Buffer.concat([Buffer.from('{"query":"{ person(myNumber: \\"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\\") { myNumber } }"}')]) }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'an object where an ID is expected', request: () => post(PERSON, { n: { $ne: null } }), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'a request id that is not a sane token is replaced, not echoed',
    request: () => post('{ __typename }', undefined, { 'x-request-id': '<script>alert(1)</script>' }),
    status: 200,
    code: '',
    also: (answer) => expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/),
  },

  // Production mode: no introspection, only the approved operations of the caller's client kind.
  {
    name: 'production: introspection (__schema)',
    request: () => send(productionUrl, { headers: jsonHeaders(officer), body: JSON.stringify({ query: '{ __schema { types { name } } }' }) }),
    status: 400,
    code: 'INTROSPECTION_DISABLED',
  },
  {
    name: 'production: introspection (__type), no detail for the author',
    request: () => send(productionUrl, { headers: jsonHeaders(officer), body: JSON.stringify({ query: '{ __type(name: "Person") { fields { name } } }' }) }),
    status: 400,
    code: 'INTROSPECTION_DISABLED',
    also: (answer) => expect(answer.body?.errors?.[0]?.extensions).toEqual({ code: 'INTROSPECTION_DISABLED', messageKey: 'INTROSPECTION_DISABLED' }),
  },
  {
    name: 'production: a free-form query',
    request: () => send(productionUrl, { headers: jsonHeaders(officer), body: JSON.stringify({ query: PERSON, variables: { n: myNumber() } }) }),
    status: 400,
    code: 'PERSISTED_QUERY_NOT_IN_LIST',
  },
  {
    name: 'production: an unknown operation hash',
    request: () => send(productionUrl, { headers: jsonHeaders(officer), body: persisted('0'.repeat(64), {}) }),
    status: 200,
    code: 'PERSISTED_QUERY_NOT_FOUND',
  },
  {
    name: 'production: a staff operation with a partner key',
    request: () => send(productionUrl, { headers: { 'content-type': 'application/json', 'x-api-key': partnerKey }, body: persisted(staffOperation.id, { myNumber: myNumber() }) }),
    status: 400,
    code: 'PERSISTED_QUERY_NOT_IN_LIST',
  },
  {
    name: 'production: the partner operation with a staff token',
    request: () => send(productionUrl, { headers: jsonHeaders(officer), body: persisted(partnerOperation.id, { number: 'AB12345678CD', expiresOn: '2030-01-01' }) }),
    status: 400,
    code: 'PERSISTED_QUERY_NOT_IN_LIST',
  },
  {
    name: 'production: registering a new operation by hash and text',
    request: async () => {
      const query = '{ __typename }';
      const hash = createHash('sha256').update(query).digest('hex');
      const refused = await send(productionUrl, { headers: jsonHeaders(officer), body: persisted(hash, {}, query) });
      const later = await send(productionUrl, { headers: jsonHeaders(officer), body: persisted(hash, {}) });
      expect(later.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      return refused;
    },
    status: 400,
    code: 'PERSISTED_QUERY_NOT_IN_LIST',
  },
];

describe('hostile requests', () => {
  test('there are at least 30, and the subgraph call counter moves for a request that is answered', async () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
    const before = await subgraphCalls(stack);
    expect((await post(PERSON, { n: myNumber() })).status).toBe(200);
    expect(await subgraphCalls(stack)).toBeGreaterThan(before);
  });

  test.each(HOSTILE.map((h) => [h.name, h] as const))('%s', async (_name, hostile) => {
    const before = await subgraphCalls(stack);
    const answer = await hostile.request();
    expect({ status: answer.status, code: answer.code ?? '' }).toEqual({ status: hostile.status, code: hostile.code });
    expect(leaks(answer.text)).toEqual([]);
    if (!hostile.reachesSubgraph) expect(await subgraphCalls(stack)).toBe(before);
    hostile.also?.(answer);
  });
});

describe('production mode serves the approved operations', () => {
  test('a staff front-end runs its operation by hash', async () => {
    const answer = await send(productionUrl, { headers: jsonHeaders(officer), body: persisted(staffOperation.id, { myNumber: myNumber() }) });
    expect(answer.status).toBe(200);
    expect(answer.body?.errors).toBeUndefined();
    expect(answer.body?.data).toMatchObject({ record: { myNumber: myNumber() }, arrangement: { cardArrangement: 'SPECIFIC_CARD' } });
  });

  test('a staff front-end may also send the approved text itself', async () => {
    const answer = await send(productionUrl, { headers: jsonHeaders(officer), body: JSON.stringify({ query: staffOperation.body, variables: { myNumber: myNumber() } }) });
    expect(answer.status).toBe(200);
    expect(answer.body?.errors).toBeUndefined();
  });

  test('a partner runs its operation by hash', async () => {
    const card = persona('specific_card');
    const answer = await send(productionUrl, {
      headers: { 'content-type': 'application/json', 'x-api-key': partnerKey },
      body: persisted(partnerOperation.id, { number: card.residenceCardNumber, expiresOn: '2030-01-01' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body?.errors).toBeUndefined();
    expect(answer.body?.data).toHaveProperty('verifyResidenceCard.valid');
  });
});

/** Every argument a client can send, with a valid value for the others; each is refused by the owner's own rules. */
const ARGUMENTS: ReadonlyArray<{ argument: string; role: 'isa-officer' | 'jlis-operator'; query: string; code: string | null }> = [
  { argument: 'person(myNumber)', role: 'isa-officer', query: 'query ($v: ID!) { person(myNumber: $v) { myNumber } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'persons(myNumbers)', role: 'isa-officer', query: 'query ($v: ID!) { persons(myNumbers: [$v]) { myNumber } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'residenceCard(number)', role: 'isa-officer', query: 'query ($v: String!) { residenceCard(number: $v) { number } }', code: 'INVALID_RESIDENCE_CARD_NUMBER' },
  { argument: 'verifyResidenceCard(expiresOn)', role: 'isa-officer', query: 'query ($v: Date!) { verifyResidenceCard(number: "AB12345678CD", expiresOn: $v) { valid } }', code: 'INVALID_DATE' },
  { argument: 'issueSpecificResidenceCard(myNumber)', role: 'isa-officer', query: 'mutation ($v: ID!) { issueSpecificResidenceCard(myNumber: $v) { number } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'reportResidenceCardLost(number)', role: 'isa-officer', query: 'mutation ($v: String!) { reportResidenceCardLost(number: $v) { number } }', code: 'INVALID_RESIDENCE_CARD_NUMBER' },
  { argument: 'reissueResidenceCard(number)', role: 'isa-officer', query: 'mutation ($v: String!) { reissueResidenceCard(number: $v) { number } }', code: 'INVALID_RESIDENCE_CARD_NUMBER' },
  { argument: 'renewPeriodOfStay(myNumber)', role: 'isa-officer', query: 'mutation ($v: ID!) { renewPeriodOfStay(myNumber: $v, newExpiry: "2030-01-01") { stayExpiresOn } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'renewPeriodOfStay(newExpiry)', role: 'isa-officer', query: 'mutation ($v: Date!) { renewPeriodOfStay(myNumber: "123456789018", newExpiry: $v) { stayExpiresOn } }', code: 'INVALID_DATE' },
  { argument: 'changeStatusOfResidence(myNumber)', role: 'isa-officer', query: 'mutation ($v: ID!) { changeStatusOfResidence(myNumber: $v, status: PERMANENT_RESIDENT) { stayExpiresOn } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'issueMyNumberCard(myNumber)', role: 'jlis-operator', query: 'mutation ($v: ID!) { issueMyNumberCard(myNumber: $v) { myNumber } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'returnMyNumberFunction(myNumber)', role: 'jlis-operator', query: 'mutation ($v: ID!) { returnMyNumberFunction(myNumber: $v) { myNumber } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'revokeMyNumberFunction(myNumber)', role: 'jlis-operator', query: 'mutation ($v: ID!) { revokeMyNumberFunction(myNumber: $v) { myNumber } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'suspendCertificates(myNumber)', role: 'jlis-operator', query: 'mutation ($v: ID!) { suspendCertificates(myNumber: $v) { myNumber } }', code: 'INVALID_MY_NUMBER_FORMAT' },
  { argument: 'resumeCertificates(myNumber)', role: 'jlis-operator', query: 'mutation ($v: ID!) { resumeCertificates(myNumber: $v) { myNumber } }', code: 'INVALID_MY_NUMBER_FORMAT' },
];
const INJECTIONS = ["' OR '1'='1' --", '1; DROP TABLE person; --', '{"$ne": null}', '${jndi:ldap://x/a}', '<script>alert(1)</script>', '../../etc/passwd'];

describe('injection strings in every argument', () => {
  test.each(ARGUMENTS.map((a) => [a.argument, a] as const))('%s', async (_name, { role, query, code }) => {
    const token = await stack.token(role);
    for (const injection of INJECTIONS) {
      const answer = await post(query, { v: injection }, {}, token);
      expect({ injection, status: answer.status, code: answer.code }).toEqual({ injection, status: 200, code });
      expect(leaks(answer.text)).toEqual([]);
    }
  });

  test('text fields store an injection string as plain text (registerResident, changeAddress)', async () => {
    const clerk = await stack.token('municipal-clerk', { municipality: '131041' });
    for (const injection of INJECTIONS) {
      const registered = await post(
        `mutation ($v: String!) { registerResident(input: { familyName: $v, givenName: $v, birthDate: "1990-01-01", sex: FEMALE,
           category: TEMPORARY_REFUGE, municipalityCode: "131041", addressLine: $v }) { myNumber resident { familyName address { line } } } }`,
        { v: injection },
        {},
        clerk,
      );
      expect(registered.body?.errors).toBeUndefined();
      expect(registered.body?.data).toMatchObject({ registerResident: { resident: { familyName: injection, address: { line: injection } } } });
      expect(leaks(registered.text)).toEqual([]);
    }
  });
});
