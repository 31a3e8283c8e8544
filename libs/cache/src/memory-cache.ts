import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { ByteBoundedLru } from './lru';

/**
 * What an entry depends on. Pin reads depend on `pins`; a context on `pins` and `memories`
 * (memories, relations, vectors, namespaces and their settings). Every entry also depends on
 * the global generation, which the expiry jobs bump (they delete across tenants).
 */
export type CacheScope = 'pins' | 'memories';
export type CacheKind = 'pin' | 'context';

export interface Loaded<T> {
  value: T;
  /** Epoch ms at which the value would change by itself (a pin's or a memory's expiry); null if never. */
  expiresAt: number | null;
}

export interface CacheRead<T> {
  value: T;
  hit: boolean;
}

type CacheRedis = IORedis & {
  engramCacheRead(...args: (string | number)[]): Promise<[string, string | null]>;
};

/**
 * Reads every generation key of the entry (creating a missing one with a fresh random token)
 * and the entry itself in one round trip. An entry is valid only if it was written under the
 * very generations read now; a write replaces a generation with a new random token, so an
 * entry computed before it can never match again, even after a Redis restart or an eviction of
 * the generation key (a token is never reused, unlike a counter that restarts at 0).
 * KEYS[1..n-1]: generation keys, KEYS[n]: the entry. ARGV[1]: fresh token, ARGV[2]: generation TTL (ms).
 */
const READ_SCRIPT = `
local stamp = {}
for i = 1, #KEYS - 1 do
  local g = redis.call('GET', KEYS[i])
  if not g then
    g = ARGV[1] .. i
    redis.call('SET', KEYS[i], g, 'PX', ARGV[2])
  end
  stamp[i] = g
end
return {table.concat(stamp, ','), redis.call('GET', KEYS[#KEYS])}
`;

const GLOBAL = '_global';
/** How long a failed invalidation keeps being retried, past the entries it must kill (× TTL). */
const INVALIDATE_RETRY_TTLS = 3;

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

/**
 * The read cache of pins and assembled contexts (docs/cache.md). In Redis when REDIS_URL is
 * set (shared by every replica), in this process otherwise (bounded LRU). Invalidation is by
 * generation: every write path calls `invalidate` after its commit and before its response, and
 * a read only accepts an entry stamped with the generations current at that read, so no replica
 * answers from before a write that has returned. Entries also die at their TTL (at most
 * MEMORY_CACHE_TTL_MS, shorter when a pin or memory in them expires sooner). A cache that fails
 * never fails a read: it counts the error and the read goes to Postgres.
 */
@Injectable()
export class MemoryCache implements OnApplicationShutdown {
  private readonly logger = new Logger('MemoryCache');
  readonly mode: 'off' | 'redis' | 'memory';
  private readonly ttlMs: number;
  private readonly maxEntryBytes: number;
  private readonly generationTtlMs: number;
  private readonly prefix: string;
  private readonly commandTimeoutMs: number;
  private readonly redis: CacheRedis | null = null;
  private readonly lru: ByteBoundedLru | null = null;
  /** In-process generations; bounded with the LRU (cleared together, never one without the other). */
  private readonly generations = new Map<string, number>();
  private readonly hits;
  private readonly misses;
  private readonly errors;
  private readonly retries = new Set<NodeJS.Timeout>();
  private loggedAt = -Infinity;
  private closed = false;
  private readyWait: Promise<void> | null = null;

  constructor(config: ConfigService, metrics: MetricsService) {
    const url = config.get('REDIS_URL');
    this.mode = !config.get('MEMORY_CACHE_ENABLED') ? 'off' : url ? 'redis' : 'memory';
    this.ttlMs = config.get('MEMORY_CACHE_TTL_MS');
    this.maxEntryBytes = config.get('MEMORY_CACHE_MAX_ENTRY_BYTES');
    this.generationTtlMs = Math.max(this.ttlMs * 10, 600_000);
    this.prefix = `${config.get('QUEUE_PREFIX')}:cache`;
    this.commandTimeoutMs = config.get('MEMORY_CACHE_REDIS_TIMEOUT_MS');
    this.hits = metrics.counter('memory_cache_hits_total', 'Reads answered by the memory cache', ['kind']);
    this.misses = metrics.counter(
      'memory_cache_misses_total',
      'Reads the memory cache could not answer (absent, stale, too large, or the cache failed)',
      ['kind'],
    );
    this.errors = metrics.counter(
      'memory_cache_errors_total',
      'Memory cache commands that failed (the read went to Postgres; an invalidation is retried)',
      ['operation'],
    );
    // Every series from the start, so a dashboard's rate() has a zero to start from.
    for (const kind of ['pin', 'context'] as const) {
      this.hits.inc({ kind }, 0);
      this.misses.inc({ kind }, 0);
    }
    for (const operation of ['read', 'write', 'invalidate'] as const) {
      this.errors.inc({ operation }, 0);
    }
    // With Redis, writes invalidate even while this process reads nothing from the cache: during
    // a rolling enable, or a worker or CLI configured without MEMORY_CACHE_ENABLED, the replicas
    // that do read it must still see every write.
    if (url) {
      this.redis = new IORedis(url, {
        // A read never waits for a reconnect: a command on a broken connection fails at once.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: this.commandTimeoutMs,
        connectTimeout: 2000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      }) as CacheRedis;
      this.redis.on('error', (error) => this.logger.warn(`redis: ${error.message}`));
      this.redis.defineCommand('engramCacheRead', { lua: READ_SCRIPT });
    } else if (this.mode === 'memory') {
      const lru = new ByteBoundedLru(config.get('MEMORY_CACHE_MAX_ENTRIES'), config.get('MEMORY_CACHE_MAX_BYTES'));
      this.lru = lru;
      metrics.gauge('memory_cache_entries', 'Entries in the in-process memory cache', [], function () {
        this.set(lru.size);
      });
      metrics.gauge('memory_cache_bytes', 'Bytes (JSON, UTF-16) held by the in-process memory cache', [], function () {
        this.set(lru.bytes);
      });
    }
  }

  get enabled(): boolean {
    return this.mode !== 'off';
  }

  /** Resolves once the Redis connection is up (at once in the other modes). */
  async ready(): Promise<void> {
    if (this.redis && this.redis.status !== 'ready') {
      await new Promise((resolve) => this.redis!.once('ready', resolve));
    }
  }

  /**
   * `ready()`, or after `ms`, whichever comes first. Concurrent callers share one wait, and its
   * listener goes either way: an outage under many writes adds no listeners.
   */
  readyWithin(ms: number): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') {
      return Promise.resolve();
    }
    this.readyWait ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done);
        this.readyWait = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      redis.once('ready', done);
    });
    return this.readyWait;
  }

  onApplicationShutdown(): void {
    this.closed = true;
    for (const timer of this.retries) {
      clearTimeout(timer);
    }
    this.redis?.disconnect();
  }

  /**
   * The cached value of `key` for the tenant, or `load()`'s, cached for later reads. `key` must
   * say everything the value depends on besides the tenant and the scopes.
   */
  async read<T>(
    tenantId: string,
    kind: CacheKind,
    scopes: readonly CacheScope[],
    key: string,
    load: () => Promise<Loaded<T>>,
    /** Told `error` before `load` runs when the cache itself failed (fail-open says which source was down). */
    onCacheError?: () => void,
  ): Promise<CacheRead<T>> {
    if (this.mode === 'off') {
      return { value: (await load()).value, hit: false };
    }
    if (!tenantId) {
      throw new Error('MemoryCache.read without a tenant');
    }
    const entryKey = `${this.prefix}:{${tenantId}}:${kind}:${digest(key)}`;
    const genKeys = this.generationKeys(tenantId, scopes);
    let stamp: string | null = null;
    try {
      const found = await this.lookup(genKeys, entryKey);
      stamp = found.stamp;
      if (found.json !== null) {
        this.hits.inc({ kind });
        return { value: JSON.parse(found.json) as T, hit: true };
      }
    } catch (error) {
      this.failed('read', error);
      onCacheError?.();
    }
    this.misses.inc({ kind });
    const loaded = await load();
    if (stamp !== null) {
      this.store(entryKey, stamp, loaded);
    }
    return { value: loaded.value, hit: false };
  }

  /**
   * Makes every entry of the tenant that depends on `scopes` unreadable, on every replica. Call
   * after the write committed (a reader stamping with the new generation must find the new
   * rows) and before answering. Never throws: a failure is counted and retried in the
   * background until the entries it had to kill are past their TTL.
   */
  async invalidate(tenantId: string, scopes: readonly CacheScope[]): Promise<void> {
    if (this.mode === 'off' && !this.redis) {
      return;
    }
    await this.settle(this.bump(scopes.map((scope) => this.generationKey(tenantId, scope))));
  }

  /** Every tenant's entries at once: for jobs that write across tenants (expiry). */
  async invalidateAll(): Promise<void> {
    if (this.mode === 'off' && !this.redis) {
      return;
    }
    await this.settle(this.bump([this.generationKey(GLOBAL, 'all')]));
  }

  /**
   * A process that reads the cache waits for its invalidation (bounded by
   * MEMORY_CACHE_REDIS_TIMEOUT_MS, then retried in the background). One with the cache off only
   * sends it: its writes never wait on Redis for a cache it does not use, and the replicas that
   * do use it see the bump a round trip later.
   */
  private async settle(bumping: Promise<void>): Promise<void> {
    if (this.mode !== 'off') {
      await bumping;
    }
  }

  private generationKey(tenantId: string, scope: string): string {
    return tenantId === GLOBAL ? `${this.prefix}:gen:${GLOBAL}` : `${this.prefix}:{${tenantId}}:gen:${scope}`;
  }

  private generationKeys(tenantId: string, scopes: readonly CacheScope[]): string[] {
    return [this.generationKey(GLOBAL, 'all'), ...scopes.map((scope) => this.generationKey(tenantId, scope))];
  }

  private async lookup(genKeys: string[], entryKey: string): Promise<{ stamp: string; json: string | null }> {
    if (this.redis) {
      const token = randomBytes(9).toString('base64url');
      const [stamp, raw] = await this.redis.engramCacheRead(
        genKeys.length + 1,
        ...genKeys,
        entryKey,
        token,
        this.generationTtlMs,
      );
      const json = raw !== null && raw.startsWith(`${stamp}\n`) ? raw.slice(stamp.length + 1) : null;
      return { stamp, json };
    }
    const stamp = genKeys.map((key) => this.generations.get(key) ?? 0).join(',');
    const entry = this.lru!.get(entryKey, Date.now());
    return { stamp, json: entry !== undefined && entry.stamp === stamp ? entry.json : null };
  }

  private store<T>(entryKey: string, stamp: string, loaded: Loaded<T>): void {
    const now = Date.now();
    const ttl = Math.min(this.ttlMs, (loaded.expiresAt ?? Infinity) - now);
    if (ttl < 1) {
      return;
    }
    const json = JSON.stringify(loaded.value);
    if (json === undefined || json.length * 2 > this.maxEntryBytes) {
      return;
    }
    if (this.redis) {
      this.redis
        .set(entryKey, `${stamp}\n${json}`, 'PX', Math.ceil(ttl))
        .catch((error: unknown) => this.failed('write', error));
      return;
    }
    this.lru!.set(entryKey, { stamp, json, bytes: json.length * 2, expiresAt: now + ttl });
  }

  private async bump(keys: string[]): Promise<void> {
    if (!this.redis) {
      if (this.generations.size > 1_000_000) {
        // Forgetting generations would let old entries match again: the entries go with them.
        this.generations.clear();
        this.lru!.clear();
      }
      for (const key of keys) {
        this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
      }
      return;
    }
    if (await this.bumpInRedis(keys)) {
      return;
    }
    // Readers on a Redis this replica cannot reach may still see the old generation: keep trying
    // until every entry stamped with it has died of old age.
    const giveUpAt = Date.now() + this.ttlMs * INVALIDATE_RETRY_TTLS;
    const retry = () => {
      if (this.closed) {
        return;
      }
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        void this.bumpInRedis(keys).then((done) => {
          if (!done && Date.now() < giveUpAt) {
            retry();
          }
        });
      }, 200);
      timer.unref();
      this.retries.add(timer);
    };
    retry();
  }

  private async bumpInRedis(keys: string[]): Promise<boolean> {
    if (this.redis!.status !== 'ready' && !this.closed) {
      // Commands are not queued offline: a write just after boot (or a reconnect) waits for the
      // connection a little rather than fail its invalidation at once. Boot itself never waits.
      await this.readyWithin(this.commandTimeoutMs);
    }
    const multi = this.redis!.multi();
    for (const key of keys) {
      multi.set(key, randomBytes(9).toString('base64url'), 'PX', this.generationTtlMs);
    }
    try {
      const results = await multi.exec();
      const failure = results?.find(([error]) => error !== null)?.[0];
      if (results === null || failure) {
        throw failure ?? new Error('transaction aborted');
      }
      return true;
    } catch (error) {
      this.failed('invalidate', error);
      return false;
    }
  }

  private failed(operation: 'read' | 'write' | 'invalidate', error: unknown): void {
    this.errors.inc({ operation });
    // An outage fails every read: one line per interval, the counter has the rest.
    const now = Date.now();
    if (now - this.loggedAt >= 10_000) {
      this.loggedAt = now;
      this.logger.warn(`cache ${operation} failed (reads go to Postgres): ${(error as Error).message}`);
    }
  }
}
