import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { assembledContextSchema } from '@engram/context';
import { Database } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { migrateUp } from '@engram/migrations';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newApiKey } from '@engram/test-support/fixtures';
import { PrivatePostgres, startPrivatePostgres } from '@engram/test-support/private-postgres';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';

/**
 * Fail-open context: the cache and the database really go away (a private Redis killed, a
 * private Postgres stopped). Reads fall through a dead cache to Postgres; with Postgres gone too,
 * the context route answers 503 as always, unless the caller sends fail_open or the flag
 * memory_fail_open_override is on: then 200, empty, `degraded: true` and a reason, counted.
 * Writes stay fail-closed.
 */
const ADMIN_TOKEN = 'fail-open-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function sample(t: TestApp, name: string, labels: string): Promise<number> {
  const text = await t.app.get(MetricsService).registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('fail-open context with the cache and the database unavailable', () => {
  let cluster: PrivatePostgres;
  let redis: PrivateRedis;
  let plain: TestApp;
  let flagged: TestApp;
  let appDb: Database;
  const tenant = `fail-open-${process.pid}`;
  let mcp: Client;

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    redis = await startPrivateRedis();
    await migrateUp(cluster.url);
    appDb = new Database({ url: cluster.url, poolMax: 1, statementTimeoutMs: 0, preparedStatements: false });
    const database_ = { url: cluster.url, kind: 'postgres' as const, db: appDb, drop: async () => undefined };
    const env = {
      ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `engram-fail-open-${process.pid}`,
      MEMORY_CACHE_ENABLED: 'true',
      MEMORY_CACHE_TTL_MS: '120000',
      // A cache read slower than its timeout is a miss, which with Postgres down is a 503: on a
      // busy machine the default 100 ms would make "cache hits still served" a matter of luck.
      MEMORY_CACHE_REDIS_TIMEOUT_MS: '2000',
      AUTH_CACHE_TTL_SECONDS: '600',
      DB_POOL_MAX: '2',
    };
    plain = await startTestApp({ database_, env, worker: false });
    flagged = await startTestApp({ database_, env: { ...env, MEMORY_FAIL_OPEN_OVERRIDE: 'true' }, worker: false });
    expect(
      (await plain.request('POST', '/api/v1/admin/tenants', { id: tenant, name: 'fail open' }, admin)).status,
    ).toBe(201);
    await plain.request('POST', '/api/v1/namespaces', { tenant_id: tenant, name: 'ops' }, admin);
    await plain.request(
      'POST',
      '/api/v1/memories',
      { tenant_id: tenant, namespace: 'ops', content: 'the pager rotates on Mondays' },
      admin,
    );
    await plain.request('POST', '/api/v1/memory/pins', { tenant_id: tenant, key: 'cfg/x', value: 1 }, admin);
    // An agent on MCP (its key seen once, so the replica's key cache holds it through the outage).
    const agent = await newApiKey(plain, tenant, { role: 'agent' });
    mcp = new Client({ name: 'fail-open-test', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${await plain.listen()}/mcp`), {
        requestInit: { headers: agent.headers },
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await mcp?.close();
    await plain?.close();
    await flagged?.close();
    await appDb?.close().catch(() => undefined);
    await redis?.stop();
    cluster?.destroy();
  });

  const context = (t: TestApp, extra: Record<string, unknown> = {}) =>
    t.request('POST', '/api/v1/context', { tenant_id: tenant, namespace: 'ops', query: 'pager', ...extra }, admin);

  it('a dead cache fails no read: pins and contexts come from Postgres, counted as cache errors', async () => {
    await redis.stop();
    try {
      const errors = await sample(plain, 'memory_cache_errors_total', 'operation="read"');
      const pin = await plain.request('GET', `/api/v1/memory/pins/cfg/x?tenant_id=${tenant}`, undefined, admin);
      expect(pin.status).toBe(200);
      const got = await context(plain, { k: 7 });
      expect(got.status).toBe(200);
      expect(got.body.degraded).toBeUndefined();
      expect(got.body.text).toContain('pager');
      expect(await sample(plain, 'memory_cache_errors_total', 'operation="read"')).toBeGreaterThanOrEqual(errors + 2);
      // Writes still work without the cache (the invalidation is retried in the background).
      const put = await plain.request(
        'POST',
        '/api/v1/memory/pins',
        { tenant_id: tenant, key: 'cfg/x', value: 2 },
        admin,
      );
      expect(put.status).toBe(200);
    } finally {
      await redis.start();
    }
    await eventually(
      async () => {
        const before = await sample(plain, 'memory_cache_hits_total', 'kind="pin"');
        await plain.request('GET', `/api/v1/memory/pins/cfg/x?tenant_id=${tenant}`, undefined, admin);
        await plain.request('GET', `/api/v1/memory/pins/cfg/x?tenant_id=${tenant}`, undefined, admin);
        return (await sample(plain, 'memory_cache_hits_total', 'kind="pin"')) > before;
      },
      10_000,
      200,
    );
    const pin = await plain.request('GET', `/api/v1/memory/pins/cfg/x?tenant_id=${tenant}`, undefined, admin);
    expect(pin.body.value).toBe(2);
  });

  it('database down: 503 by default; degraded 200 with fail_open or the flag; writes refused; cache hits still served', async () => {
    // Warm: the tenant gate's cache, and one cached context.
    expect((await context(plain, { k: 5 })).status).toBe(200);
    expect((await context(plain, { k: 5 })).status).toBe(200);
    await context(flagged, { k: 6 });
    cluster.stop('fast');
    try {
      const refused = await context(plain, { k: 9 });
      expect([refused.status, refused.body?.error?.code]).toEqual([503, 'database_unavailable']);

      const degradedBefore = await sample(plain, 'memory_context_degraded_total', 'reason="database_unavailable"');
      const asked = await context(plain, { k: 9, fail_open: true });
      expect(asked.status).toBe(200);
      expect(asked.body).toMatchObject({ degraded: true, degraded_reason: 'database_unavailable', blocks: [] });
      expect(assembledContextSchema.safeParse(asked.body).success).toBe(true);
      expect(await sample(plain, 'memory_context_degraded_total', 'reason="database_unavailable"')).toBe(
        degradedBefore + 1,
      );
      const degradedAfterRest = degradedBefore + 1;

      const byFlag = await context(flagged, { k: 9 });
      expect(byFlag.status).toBe(200);
      expect(byFlag.body).toMatchObject({ degraded: true, degraded_reason: 'database_unavailable' });
      expect(await sample(flagged, 'memory_context_degraded_total', 'reason="database_unavailable"')).toBe(1);

      // The MCP tool takes the same field and returns the same degraded context.
      const tool = (args: Record<string, unknown>) =>
        mcp.callTool({
          name: 'get_context',
          arguments: { namespace: 'ops', query: 'pager', k: 11, ...args },
        }) as Promise<CallToolResult>;
      const toolRefused = await tool({});
      expect([toolRefused.isError, (toolRefused.structuredContent as { code?: string })?.code]).toEqual([
        true,
        'database_unavailable',
      ]);
      const toolDegraded = await tool({ fail_open: true });
      expect(toolDegraded.isError).toBeFalsy();
      expect(toolDegraded.structuredContent).toMatchObject({ degraded: true, degraded_reason: 'database_unavailable' });

      expect(await sample(plain, 'memory_context_degraded_total', 'reason="database_unavailable"')).toBe(
        degradedAfterRest + 1,
      );

      // A context cached before the outage is still current (no write can have happened since).
      const cached = await context(plain, { k: 5 });
      expect(cached.status).toBe(200);
      expect(cached.body.degraded).toBeUndefined();
      expect(cached.body.text).toContain('pager');

      // Writes stay fail-closed, flag or not.
      for (const t of [plain, flagged]) {
        const write = await t.request(
          'POST',
          '/api/v1/memory/pins',
          { tenant_id: tenant, key: 'cfg/y', value: 1 },
          admin,
        );
        expect([write.status, write.body?.error?.code]).toEqual([503, 'database_unavailable']);
        const memory = await t.request(
          'POST',
          '/api/v1/memories',
          { tenant_id: tenant, namespace: 'ops', content: 'written during the outage' },
          admin,
        );
        expect(memory.status).toBe(503);
      }

      // The cache down as well: the reason says so.
      await redis.stop();
      const both = await context(plain, { k: 5, fail_open: true });
      expect(both.status).toBe(200);
      expect(both.body).toMatchObject({ degraded: true, degraded_reason: 'cache_and_database_unavailable' });
      expect((await context(plain, { k: 5 })).status).toBe(503);
      expect(await sample(plain, 'memory_context_degraded_total', 'reason="cache_and_database_unavailable"')).toBe(1);
    } finally {
      cluster.start();
      await redis.start();
    }
    await eventually(async () => (await context(plain, { k: 9 })).status === 200, 15_000, 200);
    const healed = await context(plain, { k: 9, fail_open: true });
    expect(healed.body.degraded).toBeUndefined();
    expect(healed.body.text).toContain('pager');
  });
});
