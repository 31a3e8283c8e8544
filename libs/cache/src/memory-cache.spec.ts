import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { ConfigService, parseConfig } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { REDIS_URL_TEST } from '@engram/test-support/env';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';
import { ByteBoundedLru } from './lru';
import { Loaded, MemoryCache } from './memory-cache';

/** MemoryCache on its own, against the test Redis (or none): what the HTTP tests cannot force. */
function cacheWith(env: Record<string, string>): { cache: MemoryCache; metrics: MetricsService } {
  const metrics = new MetricsService();
  const config = new ConfigService(
    parseConfig({
      MEMORY_CACHE_ENABLED: 'true',
      // Generous on a shared machine: a slow answer here would be a miss, and these tests count hits.
      MEMORY_CACHE_REDIS_TIMEOUT_MS: '2000',
      QUEUE_PREFIX: `engram-cache-unit-${randomBytes(4).toString('hex')}`,
      ...env,
    }),
  );
  return { cache: new MemoryCache(config, metrics), metrics };
}

async function count(metrics: MetricsService, name: string, labels: string): Promise<number> {
  const text = await metrics.registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A loader that counts its calls and returns `value`. */
function loader<T>(value: () => T, expiresAt: number | null = null) {
  const calls = { n: 0 };
  const load = async (): Promise<Loaded<T>> => {
    calls.n++;
    return { value: value(), expiresAt };
  };
  return { load, calls };
}

describe('ByteBoundedLru', () => {
  it('stays within its entry and byte bounds, evicting the least recently used first', () => {
    const lru = new ByteBoundedLru(3, 100);
    const entry = (bytes: number) => ({ stamp: 's', json: 'x', bytes, expiresAt: Infinity });
    lru.set('a', entry(10));
    lru.set('b', entry(10));
    lru.set('c', entry(10));
    expect(lru.get('a', 0)).toBeDefined(); // a is now the most recent
    lru.set('d', entry(10));
    expect([lru.size, lru.get('b', 0)]).toEqual([3, undefined]);
    lru.set('big', entry(90));
    expect(lru.bytes).toBeLessThanOrEqual(100);
    expect(lru.get('big', 0)).toBeDefined();
    lru.set('huge', entry(101));
    expect(lru.get('huge', 0)).toBeUndefined();
    lru.set('old', { stamp: 's', json: 'x', bytes: 1, expiresAt: 5 });
    expect(lru.get('old', 10)).toBeUndefined();
  });
});

describe('MemoryCache in Redis', () => {
  let redis: IORedis;
  const caches: MemoryCache[] = [];

  beforeAll(() => {
    redis = new IORedis(REDIS_URL_TEST);
  });

  afterAll(async () => {
    caches.forEach((cache) => cache.onApplicationShutdown());
    redis.disconnect();
  });

  async function started(env: Record<string, string> = {}) {
    const made = cacheWith({ REDIS_URL: REDIS_URL_TEST, ...env });
    caches.push(made.cache);
    await made.cache.ready();
    return made;
  }

  it('hits within a generation, misses after an invalidation of a scope it depends on, not of another', async () => {
    const { cache, metrics } = await started();
    let value = 1;
    const { load, calls } = loader(() => value);
    expect(await cache.read('t1', 'context', ['pins', 'memories'], 'q', load)).toEqual({ value: 1, hit: false });
    expect(await cache.read('t1', 'context', ['pins', 'memories'], 'q', load)).toEqual({ value: 1, hit: true });
    value = 2;
    await cache.invalidate('t2', ['memories']); // another tenant
    expect((await cache.read('t1', 'context', ['pins', 'memories'], 'q', load)).value).toBe(1);
    await cache.invalidate('t1', ['memories']);
    expect((await cache.read('t1', 'context', ['pins', 'memories'], 'q', load)).value).toBe(2);
    const pin = loader(() => 'p');
    await cache.read('t1', 'pin', ['pins'], 'k', pin.load);
    await cache.invalidate('t1', ['memories']);
    expect((await cache.read('t1', 'pin', ['pins'], 'k', pin.load)).hit).toBe(true);
    await cache.invalidateAll();
    expect((await cache.read('t1', 'pin', ['pins'], 'k', pin.load)).hit).toBe(false);
    expect(calls.n).toBe(2);
    expect(await count(metrics, 'memory_cache_hits_total', 'kind="context"')).toBe(2);
  });

  it('an entry never matches again once its generation key is lost (evicted, expired, FLUSHALL)', async () => {
    const { cache } = await started();
    const { load, calls } = loader(() => 'v');
    await cache.read('t1', 'pin', ['pins'], 'k', load);
    const keys = await redis.keys(`*:cache:{t1}:gen:pins`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    expect((await cache.read('t1', 'pin', ['pins'], 'k', load)).hit).toBe(false);
    expect((await cache.read('t1', 'pin', ['pins'], 'k', load)).hit).toBe(true);
    expect(calls.n).toBe(2);
  });

  it('caps an entry at the expiry of what it holds, and skips values over the size limit', async () => {
    const { cache } = await started({ MEMORY_CACHE_MAX_ENTRY_BYTES: '2048' });
    const soon = loader(() => 'expiring', Date.now() + 300);
    await cache.read('t1', 'pin', ['pins'], 'soon', soon.load);
    expect((await cache.read('t1', 'pin', ['pins'], 'soon', soon.load)).hit).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await cache.read('t1', 'pin', ['pins'], 'soon', soon.load)).hit).toBe(false);
    const past = loader(() => 'expired', Date.now() - 1);
    await cache.read('t1', 'pin', ['pins'], 'past', past.load);
    expect((await cache.read('t1', 'pin', ['pins'], 'past', past.load)).hit).toBe(false);
    const big = loader(() => 'x'.repeat(2000));
    await cache.read('t1', 'pin', ['pins'], 'big', big.load);
    expect((await cache.read('t1', 'pin', ['pins'], 'big', big.load)).hit).toBe(false);
  });

  it('a process with the cache off still invalidates in Redis (a rolling enable, a worker without the setting)', async () => {
    const prefix = `engram-cache-unit-${randomBytes(4).toString('hex')}`;
    const { cache: reader } = await started({ QUEUE_PREFIX: prefix });
    const { cache: writer } = await started({ QUEUE_PREFIX: prefix, MEMORY_CACHE_ENABLED: 'false' });
    expect(writer.mode).toBe('off');
    let value = 'old';
    const { load } = loader(() => value);
    await reader.read('t1', 'pin', ['pins'], 'k', load);
    expect((await reader.read('t1', 'pin', ['pins'], 'k', load)).hit).toBe(true);
    value = 'new';
    await writer.invalidate('t1', ['pins']); // sent, not waited for: the cache is off in that process
    const deadline = Date.now() + 2000;
    let read = await reader.read('t1', 'pin', ['pins'], 'k', load);
    while (read.value !== 'new' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      read = await reader.read('t1', 'pin', ['pins'], 'k', load);
    }
    expect(read.value).toBe('new');
  });

  it('keys name the tenant; the same key of two tenants are two entries', async () => {
    const { cache } = await started();
    expect((await cache.read('ta', 'pin', ['pins'], 'same', loader(() => 'a').load)).value).toBe('a');
    expect((await cache.read('tb', 'pin', ['pins'], 'same', loader(() => 'b').load)).value).toBe('b');
    expect((await cache.read('ta', 'pin', ['pins'], 'same', loader(() => 'x').load)).value).toBe('a');
    expect((await cache.read('tb', 'pin', ['pins'], 'same', loader(() => 'x').load)).value).toBe('b');
  });
});

describe('MemoryCache when its Redis goes away', () => {
  let redis: PrivateRedis;
  let cache: MemoryCache;
  let metrics: MetricsService;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    ({ cache, metrics } = cacheWith({
      REDIS_URL: redis.url,
      MEMORY_CACHE_TTL_MS: '2000',
      MEMORY_CACHE_REDIS_TIMEOUT_MS: '100',
    }));
    await cache.ready();
  });

  afterAll(async () => {
    cache.onApplicationShutdown();
    await redis.stop();
  });

  it('reads fall through to the loader; a failed invalidation lands once Redis is back', async () => {
    let value = 'before';
    const { load } = loader(() => value);
    await cache.read('t1', 'pin', ['pins'], 'k', load);
    expect((await cache.read('t1', 'pin', ['pins'], 'k', load)).hit).toBe(true);
    redis.pause();
    try {
      const failedReads = await count(metrics, 'memory_cache_errors_total', 'operation="read"');
      let told = false;
      expect(await cache.read('t1', 'pin', ['pins'], 'k', load, () => (told = true))).toEqual({
        value: 'before',
        hit: false,
      });
      expect(told).toBe(true);
      expect(await count(metrics, 'memory_cache_errors_total', 'operation="read"')).toBe(failedReads + 1);
      // The write commits while this replica cannot reach Redis: the bump must land later.
      value = 'after';
      await cache.invalidate('t1', ['pins']);
      expect(await count(metrics, 'memory_cache_errors_total', 'operation="invalidate"')).toBeGreaterThanOrEqual(1);
    } finally {
      redis.resume();
    }
    const deadline = Date.now() + 5000;
    let read = await cache.read('t1', 'pin', ['pins'], 'k', load);
    while (read.value !== 'after' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      read = await cache.read('t1', 'pin', ['pins'], 'k', load);
    }
    expect(read.value).toBe('after');
  });
});

describe('MemoryCache in process', () => {
  it('bounded by MEMORY_CACHE_MAX_ENTRIES; invalidation per tenant and scope', async () => {
    const { cache, metrics } = cacheWith({ MEMORY_CACHE_MAX_ENTRIES: '16' });
    expect(cache.mode).toBe('memory');
    for (let i = 0; i < 40; i++) {
      await cache.read('t1', 'pin', ['pins'], `k${i}`, loader(() => i).load);
    }
    expect(await metrics.registry.getSingleMetricAsString('memory_cache_entries')).toMatch(
      /^memory_cache_entries 16$/m,
    );
    expect((await cache.read('t1', 'pin', ['pins'], 'k39', loader(() => -1).load)).value).toBe(39);
    expect((await cache.read('t1', 'pin', ['pins'], 'k0', loader(() => -1).load)).value).toBe(-1);
    await cache.invalidate('t2', ['pins']);
    expect((await cache.read('t1', 'pin', ['pins'], 'k39', loader(() => -2).load)).value).toBe(39);
    await cache.invalidate('t1', ['pins']);
    expect((await cache.read('t1', 'pin', ['pins'], 'k39', loader(() => -3).load)).value).toBe(-3);
  });

  it('is off by default: every read loads, nothing is counted', async () => {
    const metrics = new MetricsService();
    const cache = new MemoryCache(new ConfigService(parseConfig({})), metrics);
    const { load, calls } = loader(() => 1);
    await cache.read('t1', 'pin', ['pins'], 'k', load);
    await cache.read('t1', 'pin', ['pins'], 'k', load);
    expect([cache.mode, calls.n]).toEqual(['off', 2]);
    expect(await count(metrics, 'memory_cache_misses_total', 'kind="pin"')).toBe(0);
  });
});
