import { spawnSync } from 'node:child_process';
import { RateLimiter } from '../auth/apiKeys';
import { freePort, startRedis, stopRedis, type RedisServer } from '../../test/scale/redisServer';
import { SharedRateLimiter, sharedRateLimiterFromEnv } from './sharedRateLimiter';

/**
 * Per-key limits shared by gateway replicas over a real Redis (Debian's redis-server, started and stopped here):
 * a key's allowance holds in total across replicas, a refusal takes nothing, and when Redis goes away each
 * replica keeps answering from memory. Without redis-server the suite is skipped, except in CI (CI=true).
 */
const installed = !spawnSync('redis-server', ['--version']).error;

if (!installed && process.env.CI === 'true') {
  test('redis-server is installed', () => {
    throw new Error('redis-server is not installed: .ci/run installs it (apt-get install -y redis-server); the shared-limit suite needs a real one');
  });
} else {
  (installed ? describe : describe.skip)('per-key limits shared by gateway replicas over Redis', () => {
    let port: number;
    let redis: RedisServer;
    const replicas: SharedRateLimiter[] = [];
    /** A gateway replica's limiter, as `gateway/config.ts` makes it from the environment. */
    const replica = async () => {
      const limiter = sharedRateLimiterFromEnv({ REDIS_URL: redis.url, REDIS_PASSWORD: redis.password })!;
      replicas.push(limiter);
      await limiter.ready();
      return limiter;
    };
    let keys = 0;
    const newKey = () => `key-${process.pid}-${++keys}`;

    beforeAll(async () => {
      port = await freePort();
      redis = await startRedis(port);
    });
    afterAll(async () => {
      for (const r of replicas) await r.close();
      await stopRedis(redis);
    });

    test('without sharing, two replicas let a 10-a-minute key make 20 checks (what this limiter is for)', () => {
      const [a, b] = [new RateLimiter(), new RateLimiter()];
      const key = newKey();
      const ok = Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).take(key, 10, 1).ok).filter(Boolean).length;
      expect(ok).toBe(20);
    });

    test('two replicas share one allowance: 10 checks a minute in total, then Retry-After', async () => {
      const [a, b] = [await replica(), await replica()];
      const key = newKey();
      const answers = [];
      for (let i = 0; i < 14; i++) answers.push(await (i % 2 ? a : b).take(key, 10, 1));
      expect(answers.filter((t) => t.ok)).toHaveLength(10);
      expect(answers.slice(0, 10).every((t) => t.ok)).toBe(true);
      for (const refused of answers.slice(10)) {
        expect(refused.ok).toBe(false);
        if (!refused.ok) {
          expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
        }
      }
      // Another key, and the same key under another allowance, are counted apart.
      expect((await a.take(newKey(), 10, 1)).ok).toBe(true);
    });

    test('concurrent checks from both replicas never exceed the allowance', async () => {
      const [a, b] = [await replica(), await replica()];
      const key = newKey();
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).take(key, 25, 1)));
      expect(answers.filter((t) => t.ok)).toHaveLength(25);
    });

    test('a batch costs what it asks for, and a refused one takes nothing', async () => {
      const [a, b] = [await replica(), await replica()];
      const key = newKey();
      expect((await a.take(key, 10, 4)).ok).toBe(true);
      expect((await b.take(key, 10, 4)).ok).toBe(true);
      expect((await a.take(key, 10, 4)).ok).toBe(false);
      // 8 taken: 2 more fit, as they would in the in-memory limiter.
      expect((await b.take(key, 10, 2)).ok).toBe(true);
      expect((await a.take(key, 10, 1)).ok).toBe(false);
    });

    test('with Redis gone, each replica answers from its own memory, at once', async () => {
      const a = await replica();
      const key = newKey();
      expect((await a.take(key, 3, 1)).ok).toBe(true);
      await stopRedis(redis);
      const started = Date.now();
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await a.take(key, 3, 1)).ok);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(answers).toEqual([true, true, true, false, false]);
      redis = await startRedis(port);
    });
  });
}
