import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import IORedis from 'ioredis';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { SlidingLog } from './sliding-log';

/**
 * One admission decision, atomically, in one round trip: a sliding-window log per credential
 * (sorted set, score = admission time on the Redis clock, so replicas' clocks do not matter).
 * Only admitted requests are logged, so the set holds at most `limit` members and expires one
 * window after the last admission.
 *   KEYS[1] the credential's log; ARGV[1] limit; ARGV[2] window (ms); ARGV[3] a unique member.
 *   Returns {admitted (0|1), count in the window, ms until the oldest entry leaves it}.
 */
const HIT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local admitted = 0
if count < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  admitted = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = 0
if oldest[2] then wait = tonumber(oldest[2]) + window - now end
return {admitted, count, wait}`;

/** After Redis fails, decide locally for this long before asking it again (no request waits meanwhile). */
const REDIS_RETRY_MS = 1000;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the oldest counted request leaves the window (a slot frees). */
  resetSeconds: number;
}

type HitReply = [admitted: number, count: number, waitMs: number];
type LimiterRedis = IORedis & {
  engramRateHit(key: string, limit: number, windowMs: number, member: string): Promise<HitReply>;
};

/**
 * Requests per window (RATE_LIMIT_WINDOW_MS, a minute by default) per credential, as a sliding
 * window: at most `limit` admissions in any window-long span, not per clock window.
 *
 * With Redis, every decision is one atomic script call on the shared log, so the limit holds
 * exactly across any number of replicas. Without Redis (embedded mode) the in-memory log of the
 * one process decides, also exactly. When Redis fails or times out, each replica decides from
 * its own log (fail open to the limit per replica, so N replicas admit at most N × limit in a
 * window) and asks Redis again after REDIS_RETRY_MS; rate_limiter_degraded is 1 meanwhile.
 * Each replica also refuses on its own log (a credential it alone admitted `limit` times), which
 * costs no round trip and keeps the per-replica bound true across the switch.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private readonly redis: LimiterRedis | null;
  private readonly prefix: string;
  private readonly windowMs: number;
  private readonly replica = randomBytes(6).toString('hex');
  private sequence = 0;
  private logs = new Map<string, SlidingLog>();
  private retryAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly redisFailures;
  private readonly degraded;

  constructor(config: ConfigService, metrics: MetricsService) {
    const url = config.get('REDIS_URL');
    this.prefix = `${config.get('QUEUE_PREFIX')}:ratelimit-log`;
    this.windowMs = config.get('RATE_LIMIT_WINDOW_MS');
    this.redis = url
      ? (new IORedis(url, {
          // A request never waits for a reconnect: a command on a broken connection fails at once.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: config.get('RATE_LIMIT_REDIS_TIMEOUT_MS'),
          connectTimeout: 2000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        }) as LimiterRedis)
      : null;
    this.redis?.on('error', (error) => this.logger.warn(`redis: ${error.message}`));
    // Sent once, then called by its SHA1 (EVALSHA).
    this.redis?.defineCommand('engramRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redisFailures = metrics.counter(
      'rate_limiter_redis_failures_total',
      'Rate-limit decisions Redis failed to take (the replica then decides on its own count)',
      [],
    );
    this.degraded = metrics.gauge(
      'rate_limiter_degraded',
      '1 while rate limits are decided per replica because Redis does not answer',
      [],
    );
    this.degraded.set(0);
  }

  onModuleInit(): void {
    // Forget credentials idle for a whole window.
    this.timer = setInterval(() => this.sweep(Date.now()), this.windowMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.redis?.disconnect();
  }

  /** Resolves once Redis is connected (at once without Redis). */
  async ready(): Promise<void> {
    if (this.redis && this.redis.status !== 'ready') {
      await new Promise((resolve) => this.redis!.once('ready', resolve));
    }
  }

  async hit(subject: string, limit: number): Promise<RateDecision> {
    const log = this.logFor(subject);
    if (log.count(Date.now()) >= limit) {
      return this.localDecision(log, limit);
    }
    const shared = await this.askRedis(subject, limit);
    if (shared === null) {
      return this.localDecision(log, limit);
    }
    const [admitted, count, waitMs] = shared;
    if (admitted === 1) {
      log.add(Date.now());
    }
    return {
      allowed: admitted === 1,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    };
  }

  /** This replica's own count decides (no Redis, or Redis not answering). */
  private localDecision(log: SlidingLog, limit: number): RateDecision {
    const now = Date.now();
    let count = log.count(now);
    const allowed = count < limit;
    if (allowed) {
      log.add(now);
      count += 1;
    }
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil(log.msUntilSlot(now) / 1000)),
    };
  }

  /** The shared decision, or null when Redis is absent, failing, or in its retry pause. */
  private async askRedis(subject: string, limit: number): Promise<HitReply | null> {
    if (!this.redis || Date.now() < this.retryAt) {
      return null;
    }
    this.sequence += 1;
    try {
      const reply = await this.redis.engramRateHit(
        `${this.prefix}:${subject}`,
        limit,
        this.windowMs,
        `${this.replica}:${this.sequence}`,
      );
      this.degraded.set(0);
      return reply.map(Number) as HitReply;
    } catch (error) {
      this.redisFailures.inc();
      this.degraded.set(1);
      this.retryAt = Date.now() + REDIS_RETRY_MS;
      this.logger.warn(`deciding rate limits per replica for ${REDIS_RETRY_MS} ms: ${(error as Error).message}`);
      return null;
    }
  }

  private logFor(subject: string): SlidingLog {
    let log = this.logs.get(subject);
    if (!log) {
      log = new SlidingLog(this.windowMs);
      this.logs.set(subject, log);
    }
    return log;
  }

  private sweep(now: number): void {
    for (const [subject, log] of this.logs) {
      if (log.count(now) === 0) {
        this.logs.delete(subject);
      }
    }
  }
}
