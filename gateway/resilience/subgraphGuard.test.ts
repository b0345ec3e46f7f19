import { BrokenCircuitError } from 'cockatiel';
import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createSubgraphMetrics } from './metrics';
import { classify, SubgraphGuard } from './subgraphGuard';

const refused = () => Object.assign(new Error('request to http://127.0.0.1:4002/graphql failed, reason: connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const status = (s: number) => new GraphQLError(`${s}: x`, { extensions: { response: { status: s } } });

describe('classify', () => {
  test.each([
    ['connection refused', refused(), { outcome: 'unreachable', retryable: true, counts: true, detail: 'ECONNREFUSED' }],
    ['aborted by the timeout', Object.assign(new Error('aborted'), { name: 'AbortError' }), { outcome: 'timeout', retryable: false, counts: true }],
    ['503 from the subgraph', status(503), { outcome: 'http_error', retryable: true, counts: true, detail: '503' }],
    ['500 from the subgraph', status(500), { outcome: 'http_error', retryable: false, counts: true, detail: '500' }],
    ['401 from the subgraph', status(401), { outcome: 'http_error', retryable: false, counts: false, detail: '401' }],
    ['a body that is not JSON', new Error('Expected JSON response body'), { outcome: 'bad_response', retryable: false, counts: true }],
  ])('%s', (_name, error, expected) => {
    expect(classify(error)).toEqual(expected);
  });
});

describe('SubgraphGuard', () => {
  const options = { timeoutMs: 100, breakAfter: 3, halfOpenAfterMs: 200, retryDelayMs: 1 };
  let registry: Registry;
  let guard: SubgraphGuard;
  beforeEach(() => {
    registry = new Registry();
    guard = new SubgraphGuard('registry', options, createSubgraphMetrics(registry), pino({ level: 'silent' }));
  });
  const circuit = async () => (await registry.getSingleMetric('gateway_circuit_state')!.get()).values[0]!.value;

  test('a query is retried once after a transient failure; a mutation never', async () => {
    const query = jest.fn().mockRejectedValueOnce(refused()).mockResolvedValueOnce('ok');
    await expect(guard.call('query', query)).resolves.toBe('ok');
    expect(query).toHaveBeenCalledTimes(2);

    const mutation = jest.fn().mockRejectedValueOnce(refused()).mockResolvedValueOnce('ok');
    await expect(guard.call('mutation', mutation)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(mutation).toHaveBeenCalledTimes(1);
  });

  test('a timeout is not retried', async () => {
    const slow = jest.fn().mockRejectedValue(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    await expect(guard.call('query', slow)).rejects.toMatchObject({ name: 'AbortError' });
    expect(slow).toHaveBeenCalledTimes(1);
  });

  test('consecutive failures open the circuit; after a while one probe closes it again', async () => {
    const down = jest.fn().mockRejectedValue(refused());
    for (let i = 0; i < options.breakAfter; i++) await guard.call('mutation', down).catch(() => undefined);
    expect(await circuit()).toBe(1);

    // Open: refused at once, the subgraph is not called.
    const up = jest.fn().mockResolvedValue('ok');
    await expect(guard.call('query', up)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(up).not.toHaveBeenCalled();

    await new Promise((r) => setTimeout(r, options.halfOpenAfterMs + 20));
    await expect(guard.call('query', up)).resolves.toBe('ok');
    expect(up).toHaveBeenCalledTimes(1);
    expect(await circuit()).toBe(0);
  });

  test('a 4xx answer does not count towards opening the circuit', async () => {
    const refuses = jest.fn().mockRejectedValue(status(401));
    for (let i = 0; i < options.breakAfter + 2; i++) await guard.call('query', refuses).catch(() => undefined);
    expect(await circuit()).toBe(0);
  });
});
