import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';

const WINDOW_MS = 60_000;

/** INCR and, on a window's first hit, set its expiry: one atomic round trip. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Requests per minute per credential, in fixed one-minute windows. Counted in Redis when it is
 * configured, so the limit holds across replicas; in memory otherwise (embedded mode). When Redis
 * does not answer, the replica counts in memory for that window (fails open to a per-replica
 * limit rather than refusing traffic) and says so in rate_limiter_fallback_total.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private readonly redis: IORedis | null;
  private readonly prefix: string;
  private memoryWindow = -1;
  private readonly memory = new Map<string, number>();
  private readonly fallbacks;

  constructor(config: ConfigService, metrics: MetricsService) {
    const url = config.get('REDIS_URL');
    this.prefix = `${config.get('QUEUE_PREFIX')}:ratelimit`;
    this.redis = url
      ? new IORedis(url, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: 250,
          connectTimeout: 2000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        })
      : null;
    this.redis?.on('error', (error) => this.logger.warn(`redis: ${error.message}`));
    this.fallbacks = metrics.counter(
      'rate_limiter_fallback_total',
      'Rate-limit checks counted in memory because Redis did not answer',
      [],
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  async hit(subject: string, limit: number, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / WINDOW_MS);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    const count = await this.count(subject, window);
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds,
    };
  }

  private async count(subject: string, window: number): Promise<number> {
    if (this.redis) {
      try {
        const result = await this.redis.eval(HIT_SCRIPT, 1, `${this.prefix}:${subject}:${window}`, String(WINDOW_MS));
        return Number(result);
      } catch {
        this.fallbacks.inc();
      }
    }
    if (window !== this.memoryWindow) {
      this.memory.clear();
      this.memoryWindow = window;
    }
    const count = (this.memory.get(subject) ?? 0) + 1;
    this.memory.set(subject, count);
    return count;
  }
}
