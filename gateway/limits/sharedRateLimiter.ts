import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { secretFromEnv, type Env } from '../../runtime/env';
import type { KeyRateLimiter, Taken } from '../auth/apiKeys';

/**
 * Per-key rate limits counted in Redis (or Valkey), so that every gateway replica charges one allowance: a key of
 * 60 checks a minute gets 60 in total, not 60 from each replica. Fixed one-minute windows (rate-limiter-flexible's
 * RateLimiterRedis, one atomic statement per check). When Redis cannot answer, each replica falls back to a
 * limiter in its own memory with the same allowance (a partner gets at most one allowance per replica for the
 * time), rather than refusing every partner or letting every request through.
 */
export class SharedRateLimiter implements KeyRateLimiter {
  /** One limiter per allowance: rate-limiter-flexible fixes the points per limiter, keys differ in theirs. */
  private readonly limiters = new Map<number, RateLimiterRedis>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'partner-rate',
  ) {}

  async take(keyId: string, perMinute: number, cost: number): Promise<Taken> {
    const limiter = this.limiterFor(perMinute);
    try {
      await limiter.consume(keyId, cost);
      return { ok: true };
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      // A refused request takes nothing, as in the in-memory limiter: its points go back.
      await limiter.reward(keyId, cost).catch(() => undefined);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(refused.msBeforeNext / 1000)) };
    }
  }

  /** Resolves once Redis answers (until then, and whenever it does not, checks are counted in memory). */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => this.redis.once('ready', () => resolve()));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private limiterFor(perMinute: number): RateLimiterRedis {
    let limiter = this.limiters.get(perMinute);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis,
        // The allowance is part of the key: a key whose allowance changes starts a fresh window.
        keyPrefix: `${this.prefix}:${perMinute}`,
        points: perMinute,
        duration: 60,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
      });
      this.limiters.set(perMinute, limiter);
    }
    return limiter;
  }
}

/**
 * The shared limiter when REDIS_URL is set (REDIS_PASSWORD or REDIS_PASSWORD_FILE beside it, from a secret), else
 * undefined: the gateway then counts in its own memory (the embedded default, one process).
 */
export function sharedRateLimiterFromEnv(env: Env = process.env): SharedRateLimiter | undefined {
  if (!env.REDIS_URL) return undefined;
  const redis = new Redis(env.REDIS_URL, {
    password: secretFromEnv(env, 'REDIS_PASSWORD'),
    // A command while disconnected fails at once (and the memory fallback answers) instead of waiting in a queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  // Reconnection is ioredis's; a failed attempt must not end the process.
  redis.on('error', () => undefined);
  return new SharedRateLimiter(redis);
}
