import { serverAudits, type AuditResult } from 'graphql-http';
import { startStack, type Stack } from '../harness';

/**
 * The GraphQL-over-HTTP audit suite of the `graphql-http` package against the gateway. Every MUST passes. The
 * SHOULDs below fail on purpose (docs/request-limits.md): Apollo Server answers a document
 * it refuses with 400 whatever the Accept header, which the operation limits and the security suite rely on.
 */
const FAILING_SHOULDS: Readonly<Record<string, string>> = {
  '572B': 'SHOULD use 200 status code on document parsing failure when accepting application/json',
  FDE2: 'SHOULD use 200 status code on document validation failure when accepting application/json',
  '7B9B': 'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
};

let stack: Stack;
let results: Array<AuditResult & { name: string }>;

beforeAll(async () => {
  stack = await startStack({ persons: 5 });
  const token = await stack.token('isa-officer');
  // The audits send no credentials; the gateway answers nothing without them.
  const fetchFn = (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  results = [];
  for (const audit of serverAudits({ url: stack.gatewayUrl, fetchFn })) results.push({ ...(await audit.fn()), name: audit.name });
});
afterAll(() => stack?.stop());

describe('graphql-http audits', () => {
  test('every MUST passes', () => {
    const must = results.filter((r) => r.name.startsWith('MUST'));
    expect(must.length).toBeGreaterThanOrEqual(13);
    expect(must.filter((r) => r.status !== 'ok').map((r) => `${r.id} ${r.name}`)).toEqual([]);
  });

  test('the SHOULDs that fail are exactly the ones justified', () => {
    const failing = results.filter((r) => r.name.startsWith('SHOULD') && r.status !== 'ok');
    expect(Object.fromEntries(failing.map((r) => [r.id, r.name]))).toEqual(FAILING_SHOULDS);
  });
});
