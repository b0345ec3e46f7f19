import { metricsListenerFromEnv } from '../../gateway/config';
import { startStack, type Stack } from '../harness';
import { send } from './requests';

/**
 * The gateway's metrics (request counts by route and status, error codes, subgraph health) tell an attacker what
 * works and what is down: they are served on a listener of their own, for the operator's network, never on the
 * public port.
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ persons: 20 });
});
afterAll(() => stack?.stop());

test('GET /metrics on the public port: 404 NOT_FOUND', async () => {
  const answer = await send(stack.gatewayUrl.replace('/graphql', '/metrics'), { method: 'GET' });
  expect({ status: answer.status, code: answer.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
});

test('GET /health stays on the public port', async () => {
  const answer = await send(stack.gatewayUrl.replace('/graphql', '/health'), { method: 'GET' });
  expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { status: 'ok' } });
});

test("GET /metrics on the metrics listener: the gateway's Prometheus text", async () => {
  // One request, so the counters have a line for the public port's routes.
  await send(stack.gatewayUrl, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
  const res = await fetch(stack.gatewayMetricsUrl());
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  expect(text).toMatch(/^# HELP http_requests_total /m);
  expect(text).toMatch(/^http_requests_total\{route="\/graphql",status="401",service="gateway"\} 1$/m);
  expect(text).toMatch(/^# TYPE gateway_errors_total counter$/m);
});

test('the metrics listener serves nothing else', async () => {
  const base = stack.gatewayMetricsUrl().replace('/metrics', '');
  for (const [method, path] of [['POST', '/graphql'], ['GET', '/health'], ['POST', '/metrics']] as const) {
    const answer = await send(base + path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    expect({ method, path, status: answer.status, code: answer.code }).toEqual({ method, path, status: 404, code: 'NOT_FOUND' });
  }
});

test('the metrics listener: GATEWAY_METRICS_PORT (default 9400) on METRICS_HOST (default 127.0.0.1)', () => {
  expect(metricsListenerFromEnv({})).toEqual({ port: 9400, host: '127.0.0.1' });
  expect(metricsListenerFromEnv({ GATEWAY_METRICS_PORT: '9500', METRICS_HOST: '10.0.0.5' })).toEqual({ port: 9500, host: '10.0.0.5' });
});
