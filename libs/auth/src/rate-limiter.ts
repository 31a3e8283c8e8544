import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import IORedis from 'ioredis';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';

const WINDOW_MS = 60_000;

/** Adds a replica's pending hits to the window's shared count; sets its expiry on creation. */
const ADD_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return count`;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

interface SubjectCount {
  /** The shared count across replicas, as of the last sync (this replica's hits included). */
  shared: number;
  /** This replica's hits not yet added to the shared count. */
  pending: number;
}

/**
 * Requests per minute per credential, in fixed one-minute windows.
 *
 * Decisions are taken in memory, from the shared count last read from Redis plus this replica's
 * hits since; every RATE_LIMIT_SYNC_MS the replica adds its pending hits to Redis (INCRBY, one
 * pipelined round trip for all active credentials) and reads back the shared count. So no request
 * waits for Redis, and the limit holds across replicas within a bound: each other replica can
 * overshoot by what it admits in one sync interval. On one replica (and without Redis, the
 * embedded path) counting is exact. When Redis does not answer, replicas keep counting locally
 * (fail open to a per-replica limit) and rate_limiter_sync_failures_total says so.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private readonly redis: IORedis | null;
  private readonly prefix: string;
  private readonly syncMs: number;
  private window = -1;
  private counts = new Map<string, SubjectCount>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | null = null;
  private readonly syncFailures;

  constructor(config: ConfigService, metrics: MetricsService) {
    const url = config.get('REDIS_URL');
    this.prefix = `${config.get('QUEUE_PREFIX')}:ratelimit`;
    this.syncMs = config.get('RATE_LIMIT_SYNC_MS');
    this.redis = url
      ? new IORedis(url, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: 1000,
          connectTimeout: 2000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        })
      : null;
    this.redis?.on('error', (error) => this.logger.warn(`redis: ${error.message}`));
    // Sent once, then called by its SHA1 (EVALSHA).
    this.redis?.defineCommand('engramRateAdd', { numberOfKeys: 1, lua: ADD_SCRIPT });
    this.syncFailures = metrics.counter(
      'rate_limiter_sync_failures_total',
      'Rate-limit syncs with Redis that failed (replicas then count locally)',
      [],
    );
  }

  onModuleInit(): void {
    if (this.redis) {
      this.timer = setInterval(() => void this.sync(), this.syncMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.redis?.disconnect();
  }

  hit(subject: string, limit: number, now = Date.now()): RateDecision {
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    let entry = this.counts.get(subject);
    if (!entry) {
      entry = { shared: 0, pending: 0 };
      this.counts.set(subject, entry);
      // A credential new to this replica learns the shared count at once, not a tick later.
      void this.sync();
    }
    entry.pending += 1;
    const count = entry.shared + entry.pending;
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds };
  }

  /** Adds every pending count to Redis and reads the shared counts back, in one round trip. */
  async sync(): Promise<void> {
    if (!this.redis || this.syncing) {
      return this.syncing ?? undefined;
    }
    const window = this.window;
    const entries = [...this.counts.entries()];
    if (entries.length === 0) {
      return;
    }
    const sent = entries.map(([, entry]) => entry.pending);
    const redis = this.redis as IORedis & { engramRateAdd(key: string, n: number, ttlMs: number): Promise<number> };
    this.syncing = (async () => {
      try {
        const pipeline = redis.pipeline() as unknown as {
          engramRateAdd(key: string, n: number, ttlMs: number): void;
          exec(): Promise<[Error | null, unknown][] | null>;
        };
        for (const [subject, entry] of entries) {
          pipeline.engramRateAdd(`${this.prefix}:${subject}:${window}`, entry.pending, WINDOW_MS);
        }
        const results = (await pipeline.exec()) ?? [];
        if (window !== this.window) {
          return;
        }
        entries.forEach(([, entry], index) => {
          const [error, shared] = results[index] ?? [new Error('no reply'), null];
          if (!error) {
            entry.pending -= sent[index];
            entry.shared = Number(shared);
          }
        });
      } catch {
        this.syncFailures.inc();
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }
}
