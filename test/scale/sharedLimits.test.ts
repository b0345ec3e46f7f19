import { spawnSync } from 'node:child_process';
import { ApiKeyStore, apiKeysFile } from '../../gateway/auth/apiKeys';
import type { SharedRateLimiter } from '../../gateway/limits/sharedRateLimiter';
import { sharedRateLimiterFromEnv } from '../../gateway/limits/sharedRateLimiter';
import { startStack, type Stack } from '../harness';
import { persona } from '../personas';
import { freePort, startRedis, stopRedis, type RedisServer } from './redisServer';

/**
 * Two gateway replicas over the same subgraphs and one Redis (Debian's redis-server, started here): a partner
 * key's allowance holds in total, whichever replica a check reaches and whichever path (the request pipeline,
 * or a prepared operation) answers it. Without redis-server the suite is skipped, except in CI (CI=true).
 */
const installed = !spawnSync('redis-server', ['--version']).error;

if (!installed && process.env.CI === 'true') {
  test('redis-server is installed', () => {
    throw new Error('redis-server is not installed: .ci/run installs it (apt-get install -y redis-server)');
  });
} else {
  (installed ? describe : describe.skip)('a partner key limited across two gateway replicas', () => {
    let stack: Stack;
    let redis: RedisServer;
    const limiters: SharedRateLimiter[] = [];
    let replicas: string[];

    beforeAll(async () => {
      redis = await startRedis(await freePort());
      stack = await startStack({ persons: 30 });
      replicas = [];
      for (let i = 0; i < 2; i++) {
        const limiter = sharedRateLimiterFromEnv({ REDIS_URL: redis.url, REDIS_PASSWORD: redis.password })!;
        limiters.push(limiter);
        await limiter.ready();
        replicas.push(await stack.startGateway({ limiter }));
      }
    });
    afterAll(async () => {
      await stack?.stop();
      for (const l of limiters) await l.close();
      if (redis) await stopRedis(redis);
    });

    test('6 checks a minute in total across the replicas, then 429 on both', async () => {
      const { key } = new ApiKeyStore(apiKeysFile({ DATA_DIR: stack.dataDir })).create({
        partner: 'Example Employer',
        scopes: ['card:verify'],
        ratePerMinute: 6,
        expiresOn: null,
      });
      const p = persona('technical_intern');
      const [card] = await stack.dbs.immigration.query(`SELECT valid_until AS v FROM residence_card WHERE number = $1`, [p.residenceCardNumber]);
      // The same text each time: after the first, a replica answers it as a prepared operation.
      const body = JSON.stringify({
        query: `query ($c: String!, $e: Date!) { verifyResidenceCard(number: $c, expiresOn: $e) { valid } }`,
        variables: { c: p.residenceCardNumber, e: card.v },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await fetch(replicas[i % 2]!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
        statuses.push(res.status);
        if (res.status === 200) expect(await res.json()).toEqual({ data: { verifyResidenceCard: { valid: true } } });
        else {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('RATE_LIMITED');
        }
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
    });
  });
}
