import { MetricsService } from '@engram/metrics';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { createPostgresDatabase, TestDatabase } from '@engram/test-support/database';
import { adminHeaders, newApiKey, newTenant } from '@engram/test-support/fixtures';

const CACHE_ENV = {
  MEMORY_CACHE_ENABLED: 'true',
  MEMORY_CACHE_TTL_MS: '60000',
  // A timed-out cache read is a miss: on a shared machine, generous, since hits are counted.
  MEMORY_CACHE_REDIS_TIMEOUT_MS: '2000',
  ENGRAM_ADMIN_TOKEN: 'cache-spec-admin-token-0123456789',
};

/** The value of one series in the app's registry (0 when absent). */
async function sample(t: TestApp, name: string, labels: string): Promise<number> {
  const text = await t.app.get(MetricsService).registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

interface Tenant {
  id: string;
  headers: Record<string, string>;
}

async function tenantWithKey(t: TestApp): Promise<Tenant> {
  const id = await newTenant(t);
  return { id, headers: (await newApiKey(t, id, { role: 'agent' })).headers };
}

function contextBody(extra: Record<string, unknown> = {}) {
  return { namespace: 'cache', query: 'alpha', token_budget: 2000, pin_prefixes: ['cfg/'], ...extra };
}

const contentsOf = (body: { blocks: { content: string }[] }) => body.blocks.map((block) => block.content).join('\n');

describe('the memory cache on two replicas sharing Postgres and Redis', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // Replicas of one deployment share QUEUE_PREFIX, under which the cache's keys live.
    const env = { ...CACHE_ENV, QUEUE_PREFIX: `engram-cache-spec-${process.pid}-${Date.now()}` };
    a = await startTestApp({ database_: database, env });
    b = await startTestApp({ database_: database, env });
    tenant = await tenantWithKey(a);
    await a.request('POST', '/api/v1/namespaces', { name: 'cache' }, tenant.headers);
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('serves a pin from the cache on either replica, and never the value before a write that returned', async () => {
    const put = (t: TestApp, value: unknown) =>
      t.request('POST', '/api/v1/memory/pins', { key: 'cfg/limit', value }, tenant.headers);
    const get = (t: TestApp) => t.request('GET', '/api/v1/memory/pins/cfg/limit', undefined, tenant.headers);
    expect((await put(a, 0)).status).toBe(201);
    const missesBefore = await sample(a, 'memory_cache_misses_total', 'kind="pin"');
    const hitsBefore =
      (await sample(a, 'memory_cache_hits_total', 'kind="pin"')) +
      (await sample(b, 'memory_cache_hits_total', 'kind="pin"'));
    expect((await get(a)).body.value).toBe(0);
    expect(await sample(a, 'memory_cache_misses_total', 'kind="pin"')).toBe(missesBefore + 1);
    expect((await get(a)).body.value).toBe(0);
    expect((await get(b)).body.value).toBe(0);
    const hitsAfter =
      (await sample(a, 'memory_cache_hits_total', 'kind="pin"')) +
      (await sample(b, 'memory_cache_hits_total', 'kind="pin"'));
    expect(hitsAfter).toBe(hitsBefore + 2);

    // Alternate writer and reader: each read right after a write on the other replica sees it.
    for (let i = 1; i <= 40; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
      expect((await put(writer, i)).status).toBe(200);
      expect([i, (await get(reader)).body.value]).toEqual([i, i]);
      expect([i, (await get(reader)).body.value]).toEqual([i, i]);
    }
    expect((await b.request('DELETE', '/api/v1/memory/pins/cfg/limit', undefined, tenant.headers)).status).toBe(204);
    expect((await get(a)).status).toBe(404);
    expect((await get(a)).status).toBe(404);
    expect((await put(b, 'back')).status).toBe(201);
    expect((await get(a)).body.value).toBe('back');
  });

  it('under concurrent reads on one replica, no read that starts after a write returned on the other sees an older value', async () => {
    const key = 'cfg/race';
    await b.request('POST', '/api/v1/memory/pins', { key, value: 0 }, tenant.headers);
    let acknowledged = 0;
    let writing = true;
    const stale: string[] = [];
    const reader = async () => {
      while (writing) {
        const floor = acknowledged;
        const got = await a.request('GET', `/api/v1/memory/pins/${key}`, undefined, tenant.headers);
        if (got.status !== 200 || (got.body.value as number) < floor) {
          stale.push(`read ${got.status} ${JSON.stringify(got.body?.value)} after write ${floor} returned`);
        }
      }
    };
    const readers = Array.from({ length: 4 }, reader);
    for (let i = 1; i <= 60; i++) {
      expect((await b.request('POST', '/api/v1/memory/pins', { key, value: i }, tenant.headers)).status).toBe(200);
      acknowledged = i;
    }
    writing = false;
    await Promise.all(readers);
    expect(stale).toEqual([]);
    expect(await sample(a, 'memory_cache_hits_total', 'kind="pin"')).toBeGreaterThan(0);
  });

  it('a pin cached with a TTL is gone at its expiry, whatever the cache TTL', async () => {
    await a.request('POST', '/api/v1/memory/pins', { key: 'cfg/short', value: 1, ttl_seconds: 1 }, tenant.headers);
    expect((await a.request('GET', '/api/v1/memory/pins/cfg/short', undefined, tenant.headers)).status).toBe(200);
    expect((await b.request('GET', '/api/v1/memory/pins/cfg/short', undefined, tenant.headers)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await b.request('GET', '/api/v1/memory/pins/cfg/short', undefined, tenant.headers)).status).toBe(404);
  });

  it('a cached context follows every memory and pin write on the other replica', async () => {
    const context = async (t: TestApp) => {
      const response = await t.request('POST', '/api/v1/context', contextBody(), tenant.headers);
      expect(response.status).toBe(200);
      return contentsOf(response.body);
    };
    await a.request('POST', '/api/v1/memories', { namespace: 'cache', content: 'alpha one' }, tenant.headers);
    const hits = await sample(a, 'memory_cache_hits_total', 'kind="context"');
    expect(await context(a)).toContain('alpha one');
    expect(await context(a)).toContain('alpha one');
    expect(await sample(a, 'memory_cache_hits_total', 'kind="context"')).toBe(hits + 1);

    const created = await b.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'cache', content: 'alpha two' },
      tenant.headers,
    );
    expect(created.status).toBe(201);
    expect(await context(a)).toContain('alpha two');
    const batch = await b.request(
      'POST',
      '/api/v1/memories/batch',
      { namespace: 'cache', memories: [{ content: 'alpha three' }] },
      tenant.headers,
    );
    expect(batch.status).toBe(201);
    expect(await context(a)).toContain('alpha three');
    const id = created.body.id as string;
    expect((await b.request('PATCH', `/api/v1/memories/${id}`, { content: 'alpha deux' }, tenant.headers)).status).toBe(
      200,
    );
    let text = await context(a);
    expect(text).toContain('alpha deux');
    expect(text).not.toContain('alpha two');
    expect((await b.request('DELETE', `/api/v1/memories/${id}`, undefined, tenant.headers)).status).toBe(204);
    expect(await context(a)).not.toContain('alpha deux');
    expect(
      (await b.request('POST', '/api/v1/memory/pins', { key: 'cfg/mode', value: 'strict' }, tenant.headers)).status,
    ).toBe(201);
    text = await context(a);
    expect(text).toContain('strict');
    expect((await b.request('DELETE', '/api/v1/memory/pins/cfg/mode', undefined, tenant.headers)).status).toBe(204);
    expect(await context(a)).not.toContain('strict');

    // The namespace going takes its memories; the cached context must not outlive it. (Same replica:
    // another replica's namespace settings cache, not this one, may keep it for SETTINGS_TTL_MS.)
    await b.request('POST', '/api/v1/namespaces', { name: 'gone' }, tenant.headers);
    await b.request('POST', '/api/v1/memories', { namespace: 'gone', content: 'alpha gone' }, tenant.headers);
    const inGone = () => b.request('POST', '/api/v1/context', contextBody({ namespace: 'gone' }), tenant.headers);
    expect(contentsOf((await inGone()).body)).toContain('alpha gone');
    expect(contentsOf((await inGone()).body)).toContain('alpha gone');
    expect((await b.request('DELETE', '/api/v1/namespaces/gone', undefined, tenant.headers)).status).toBe(204);
    expect((await inGone()).status).toBe(404);
  });

  it('a cached context with pins is not served once pins are switched off for the tenant', async () => {
    const own = await tenantWithKey(a);
    await a.request('POST', '/api/v1/namespaces', { name: 'cache' }, own.headers);
    await a.request('POST', '/api/v1/memory/pins', { key: 'cfg/pinned', value: 'pinned-value' }, own.headers);
    const context = async () => {
      const response = await a.request('POST', '/api/v1/context', contextBody(), own.headers);
      expect(response.status).toBe(200);
      return contentsOf(response.body);
    };
    const hits = await sample(a, 'memory_cache_hits_total', 'kind="context"');
    expect(await context()).toContain('pinned-value');
    expect(await context()).toContain('pinned-value');
    expect(await sample(a, 'memory_cache_hits_total', 'kind="context"')).toBe(hits + 1);
    const off = await a.request(
      'PUT',
      `/api/v1/admin/tenants/${own.id}/flags/memory_pins_enabled`,
      { enabled: false },
      adminHeaders(a),
    );
    expect(off.status).toBe(200);
    expect(await context()).not.toContain('pinned-value');
  });

  it('a cached context ends with the earliest expiry of a memory in it, and follows namespace settings', async () => {
    await a.request('POST', '/api/v1/namespaces', { name: 'ttl' }, tenant.headers);
    await a.request('POST', '/api/v1/memories', { namespace: 'ttl', content: 'alpha lasting' }, tenant.headers);
    await a.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'ttl', content: 'alpha fleeting', ttl_seconds: 1 },
      tenant.headers,
    );
    const body = { namespace: 'ttl', query: 'alpha' };
    const read = async () => contentsOf((await b.request('POST', '/api/v1/context', body, tenant.headers)).body);
    expect(await read()).toContain('alpha fleeting');
    expect(await read()).toContain('alpha fleeting');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await read();
    expect(later).toContain('alpha lasting');
    expect(later).not.toContain('alpha fleeting');

    // The default budget is the namespace's: changing it is a write that invalidates.
    const budget = async () =>
      (await b.request('POST', '/api/v1/context', body, tenant.headers)).body.zones as Record<
        string,
        { budget: number }
      >;
    const before = await budget();
    await budget();
    expect(
      (await b.request('PATCH', '/api/v1/namespaces/ttl', { default_token_budget: 200 }, tenant.headers)).status,
    ).toBe(200);
    const after = await budget();
    const total = (zones: Record<string, { budget: number }>) =>
      Object.values(zones).reduce((sum, zone) => sum + zone.budget, 0);
    expect(total(after)).toBeLessThan(total(before));
    expect(total(after)).toBeLessThanOrEqual(200);
  });

  it('a cached entry never answers another tenant', async () => {
    const other = await tenantWithKey(a);
    await a.request('POST', '/api/v1/namespaces', { name: 'cache' }, other.headers);
    await a.request('POST', '/api/v1/memory/pins', { key: 'cfg/secret', value: 'mine' }, tenant.headers);
    await a.request('POST', '/api/v1/memories', { namespace: 'cache', content: 'alpha private' }, tenant.headers);
    expect((await a.request('GET', '/api/v1/memory/pins/cfg/secret', undefined, tenant.headers)).body.value).toBe(
      'mine',
    );
    expect(contentsOf((await a.request('POST', '/api/v1/context', contextBody(), tenant.headers)).body)).toContain(
      'alpha private',
    );
    // Same key, same context request, another tenant: its own (empty) data, on both replicas.
    for (const t of [a, b]) {
      expect((await t.request('GET', '/api/v1/memory/pins/cfg/secret', undefined, other.headers)).status).toBe(404);
      const theirs = await t.request('POST', '/api/v1/context', contextBody(), other.headers);
      expect(theirs.status).toBe(200);
      expect(theirs.body.blocks).toEqual([]);
    }
    // An operator naming the tenant gets that tenant's entry, not the first one cached.
    const admin = adminHeaders(a);
    const asAdmin = await a.request('GET', `/api/v1/memory/pins/cfg/secret?tenant_id=${other.id}`, undefined, admin);
    expect(asAdmin.status).toBe(404);
  });

  it('a cached context still records the access of the memories it returns', async () => {
    const created = await a.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'cache', content: 'alpha counted' },
      tenant.headers,
    );
    const id = created.body.id as string;
    for (let i = 0; i < 3; i++) {
      await b.request('POST', '/api/v1/context', contextBody({ query: 'alpha counted' }), tenant.headers);
    }
    await eventually(async () => {
      const got = await a.request('GET', `/api/v1/memories/${id}`, undefined, tenant.headers);
      return got.body.access_count === 3;
    }, 10_000);
  });
});

describe('the memory cache in process (no Redis) on PGlite', () => {
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    t = await startTestApp({ database: 'pglite', queue: 'inline', env: CACHE_ENV });
    tenant = await tenantWithKey(t);
    await t.request('POST', '/api/v1/namespaces', { name: 'cache' }, tenant.headers);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('hits, misses, invalidation on write and tenant isolation', async () => {
    const other = await tenantWithKey(t);
    await t.request('POST', '/api/v1/memory/pins', { key: 'cfg/a', value: 1 }, tenant.headers);
    const hits = await sample(t, 'memory_cache_hits_total', 'kind="pin"');
    const misses = await sample(t, 'memory_cache_misses_total', 'kind="pin"');
    expect((await t.request('GET', '/api/v1/memory/pins/cfg/a', undefined, tenant.headers)).body.value).toBe(1);
    expect((await t.request('GET', '/api/v1/memory/pins/cfg/a', undefined, tenant.headers)).body.value).toBe(1);
    expect(await sample(t, 'memory_cache_hits_total', 'kind="pin"')).toBe(hits + 1);
    expect(await sample(t, 'memory_cache_misses_total', 'kind="pin"')).toBe(misses + 1);
    expect((await t.request('GET', '/api/v1/memory/pins/cfg/a', undefined, other.headers)).status).toBe(404);
    await t.request('POST', '/api/v1/memory/pins', { key: 'cfg/a', value: 2 }, tenant.headers);
    expect((await t.request('GET', '/api/v1/memory/pins/cfg/a', undefined, tenant.headers)).body.value).toBe(2);

    await t.request('POST', '/api/v1/memories', { namespace: 'cache', content: 'alpha local' }, tenant.headers);
    const first = await t.request('POST', '/api/v1/context', contextBody(), tenant.headers);
    const second = await t.request('POST', '/api/v1/context', contextBody(), tenant.headers);
    expect(second.body).toEqual(first.body);
    expect(contentsOf(second.body)).toContain('alpha local');
    expect(await sample(t, 'memory_cache_hits_total', 'kind="context"')).toBeGreaterThanOrEqual(1);
    await t.request('POST', '/api/v1/memories', { namespace: 'cache', content: 'alpha later' }, tenant.headers);
    expect(contentsOf((await t.request('POST', '/api/v1/context', contextBody(), tenant.headers)).body)).toContain(
      'alpha later',
    );
    const scrape = await t.app.get(MetricsService).registry.metrics();
    expect(scrape).toMatch(/^memory_cache_entries [1-9]/m);
    expect(scrape).toMatch(/^memory_cache_bytes [1-9]/m);
  });
});
