import { Client } from 'pg';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { FakeEmbeddingServer, startFakeEmbeddingServer } from '@engram/test-support/fake-embedding-server';
import { adminHeaders, newNamespace, newTenant } from '@engram/test-support/fixtures';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';

/**
 * The gauges read at scrape time for the alerts: quota usage (aggregated, no tenant label),
 * pending embeddings, the audit outbox and readiness per /ready check, each driven to a value
 * it must report, on a real Postgres and Redis. METRICS_DB_REFRESH_SECONDS=0: every scrape reads.
 */
const FRESH = { METRICS_DB_REFRESH_SECONDS: '0' };

const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

async function scrape(t: TestApp): Promise<string> {
  const response = await t.request('GET', '/metrics', undefined, adminHeaders(t));
  expect(response.status).toBe(200);
  return response.text;
}

describe('quota usage gauges', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline', env: FRESH });
  });
  afterAll(async () => {
    await t.close();
  });

  it('report the highest usage ratio and how many tenants pass 80/90/100 %, per quota, naming no tenant', async () => {
    const pins = async (tenant: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const put = await t.request(
          'POST',
          '/api/v1/memory/pins',
          { tenant_id: tenant, key: `k${i}`, value: i },
          adminHeaders(t),
        );
        expect(put.status).toBeLessThan(300);
      }
    };
    const threeOfFour = await newTenant(t, { quotas: { max_pins: 4 } });
    const nineOfTen = await newTenant(t, { quotas: { max_pins: 10 } });
    const full = await newTenant(t, { quotas: { max_pins: 2 } });
    const noLimit = await newTenant(t, { quotas: { max_pins: 0 } });
    await pins(threeOfFour, 3);
    await pins(nineOfTen, 9);
    await pins(full, 2);

    let text = await scrape(t);
    expect(sample(text, 'engram_quota_usage_max_ratio{quota="max_pins"}')).toBe(1);
    expect(sample(text, 'engram_quota_tenants_at_or_above{quota="max_pins",ratio="0.8"}')).toBe(2);
    expect(sample(text, 'engram_quota_tenants_at_or_above{quota="max_pins",ratio="0.9"}')).toBe(2);
    expect(sample(text, 'engram_quota_tenants_at_or_above{quota="max_pins",ratio="1"}')).toBe(1);
    // Pins count towards storage_bytes too, against the plan's default (standard: 10 GiB).
    expect(sample(text, 'engram_quota_usage_max_ratio{quota="storage_bytes"}')).toBeGreaterThan(0);
    expect(sample(text, 'engram_quota_usage_max_ratio{quota="storage_bytes"}')).toBeLessThan(0.001);
    expect(sample(text, 'engram_quota_usage_max_ratio{quota="max_memories"}')).toBe(0);
    for (const tenant of [threeOfFour, nineOfTen, full, noLimit]) {
      expect(text).not.toContain(tenant);
    }

    // A suspended tenant is not counted; raising a quota lowers its ratio.
    expect((await t.request('POST', `/api/v1/admin/tenants/${full}/suspend`, undefined, adminHeaders(t))).status).toBe(
      200,
    );
    const raised = await t.request(
      'PATCH',
      `/api/v1/admin/tenants/${nineOfTen}`,
      { quotas: { max_pins: 100 } },
      adminHeaders(t),
    );
    expect(raised.status).toBe(200);
    text = await scrape(t);
    expect(sample(text, 'engram_quota_usage_max_ratio{quota="max_pins"}')).toBe(0.75);
    expect(sample(text, 'engram_quota_tenants_at_or_above{quota="max_pins",ratio="0.8"}')).toBe(0);
  });
});

describe('pending embeddings and the audit outbox', () => {
  let t: TestApp;
  let server: FakeEmbeddingServer;
  beforeAll(async () => {
    server = await startFakeEmbeddingServer(8);
    // No worker: the queued embedding jobs wait, as with every worker down.
    t = await startTestApp({
      queue: 'inline',
      worker: false,
      env: {
        ...FRESH,
        AUDIT_ACK_TIMEOUT_MS: '0',
        EMBEDDING_OPENAI_URL: server.url,
        EMBEDDING_OPENAI_MODEL: 'fake',
        EMBEDDING_OPENAI_DIMENSIONS: '8',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('count the memories waiting for their vector and how long the oldest has waited', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'remote', { embedding_model: 'openai:fake' });
    let text = await scrape(t);
    expect(sample(text, 'memory_embeddings_pending')).toBe(0);
    expect(sample(text, 'memory_embedding_oldest_pending_seconds')).toBe(0);
    for (const content of ['quokkas', 'wombats']) {
      const created = await t.request(
        'POST',
        '/api/v1/memories',
        { tenant_id: tenant, namespace: 'remote', content },
        adminHeaders(t),
      );
      expect([created.status, created.body?.embedding_status]).toEqual([201, 'pending']);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    text = await scrape(t);
    expect(sample(text, 'memory_embeddings_pending')).toBe(2);
    expect(sample(text, 'memory_embedding_oldest_pending_seconds')).toBeGreaterThanOrEqual(0.25);
  });

  it('show audit events piling up while Postgres holds their table, and draining after', async () => {
    const tenant = await newTenant(t);
    await t.settle();
    expect(sample(await scrape(t), 'audit_buffered_events')).toBe(0);
    const blocker = new Client({ connectionString: t.database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE memory_audit IN ACCESS EXCLUSIVE MODE');
      for (let i = 0; i < 5; i++) {
        const put = await t.request(
          'POST',
          '/api/v1/memory/pins',
          { tenant_id: tenant, key: `audited-${i}`, value: i },
          adminHeaders(t),
        );
        expect(put.status).toBeLessThan(300);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      const text = await scrape(t);
      expect(sample(text, 'audit_buffered_events')).toBeGreaterThanOrEqual(5);
      expect(sample(text, 'audit_oldest_buffered_event_age_seconds')).toBeGreaterThanOrEqual(0.4);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    await eventually(async () => sample(await scrape(t), 'audit_buffered_events') === 0, 10_000, 100);
    expect(sample(await scrape(t), 'audit_oldest_buffered_event_age_seconds')).toBe(0);
  });
});

describe('engram_ready', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    // No worker: its blocking BullMQ connections are not what this is about (see test/faults/redis.spec.ts).
    t = await startTestApp({ queue: 'bullmq', worker: false, env: { ...FRESH, REDIS_URL: redis.url } });
  }, 30_000);
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('reports each /ready check, 0 for the queue while Redis is away and 1 again after', async () => {
    let text = await scrape(t);
    expect(
      [1, 2, 3].map((i) => sample(text, `engram_ready{check="${['database', 'queue', 'embeddings'][i - 1]}"}`)),
    ).toEqual([1, 1, 1]);
    await redis.stop();
    expect((await t.request('GET', '/ready')).status).toBe(503);
    text = await scrape(t);
    expect(sample(text, 'engram_ready{check="queue"}')).toBe(0);
    expect(sample(text, 'engram_ready{check="database"}')).toBe(1);
    await redis.start();
    await eventually(async () => sample(await scrape(t), 'engram_ready{check="queue"}') === 1, 15_000, 200);
    expect((await t.request('GET', '/ready')).status).toBe(200);
  }, 40_000);
});
