import { TestApp, eventually, startTestApp } from '../../../test/support/app';
import { newTenant, ownerQuery } from '../../../test/support/fixtures';
import { PrivateRedis, startPrivateRedis } from '../../../test/support/private-redis';
import { AuditEvent } from './audit.types';

const PINS = '/api/v1/memory/pins';

type AuditRow = Omit<AuditEvent, 'id' | 'ts' | 'affected'>;

async function auditRows(t: TestApp, tenant: string): Promise<AuditRow[]> {
  return ownerQuery<AuditRow>(
    t,
    `SELECT tenant_id, operation, key, success, latency_ms, value_hash, request_id, actor
     FROM memory_audit WHERE tenant_id = $1 ORDER BY ts, operation`,
    [tenant],
  );
}

describe('audit trail of pin operations', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes one event per operation, with request id, hash, outcome and latency', async () => {
    const tenant = await newTenant(t);
    const put = await t.request(
      'POST',
      PINS,
      { tenant_id: tenant, key: 'a', value: { x: 1 } },
      { 'x-request-id': 'req-audit-1' },
    );
    expect(put.headers['x-request-id']).toBe('req-audit-1');
    await t.request('GET', `${PINS}/a?tenant_id=${tenant}`);
    await t.request('GET', `${PINS}?tenant_id=${tenant}&prefix=a`);
    await t.request('GET', `${PINS}/missing?tenant_id=${tenant}`);
    await t.request('DELETE', `${PINS}/a?tenant_id=${tenant}`);
    await t.request('POST', `${PINS}/cleanup`, { tenant_id: tenant });

    const rows = await eventually(async () => {
      await t.settle();
      const found = await auditRows(t, tenant);
      return found.length >= 5 ? found : null;
    });
    const byOperation = (operation: string, key: string | null) =>
      rows.find((row) => row.operation === operation && row.key === key);
    const upsert = byOperation('upsert', 'a')!;
    expect(upsert).toMatchObject({ success: true, request_id: 'req-audit-1', actor: 'local' });
    expect(upsert.value_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(upsert.latency_ms).toBeGreaterThan(0);
    expect(byOperation('get', 'a')!.value_hash).toBe(upsert.value_hash);
    expect(byOperation('delete', 'a')!.value_hash).toBe(upsert.value_hash);
    expect(byOperation('list', 'a')).toMatchObject({ success: true, value_hash: null });
    expect(byOperation('get', 'missing')).toMatchObject({ success: false, value_hash: null });
    // Cleanup that touched nothing for this tenant writes no per-tenant event.
    expect(rows.filter((row) => row.operation === 'cleanup')).toHaveLength(0);
  });

  it('replaying an audit batch does not duplicate rows (idempotent consumer)', async () => {
    const tenant = await newTenant(t);
    const event = {
      id: '00000000-0000-4000-8000-000000000001',
      ts: new Date().toISOString(),
      tenant_id: tenant,
      operation: 'get',
      key: 'k',
      success: true,
      latency_ms: 1,
      value_hash: null,
      request_id: 'r',
      actor: 'test',
    };
    await t.queue.add('audit.write', { events: [event] });
    await t.queue.add('audit.write', { events: [event] });
    await eventually(async () => (await auditRows(t, tenant)).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await auditRows(t, tenant)).toHaveLength(1);
  });
});

describe('audit when Redis is down', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await startTestApp({ env: { REDIS_URL: redis.url, AUDIT_OUTBOX_DRAIN_INTERVAL_SECONDS: '1' } });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('keeps requests fast and successful, parks events in the outbox, and drains them once Redis is back', async () => {
    const tenant = await newTenant(t);
    await redis.stop();

    const ready = await t.request('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.queue.status).toBe('down');

    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const response = await t.request('POST', PINS, { tenant_id: tenant, key: `k${i}`, value: i });
      expect(response.status).toBe(201);
      expect(performance.now() - started).toBeLessThan(500);
    }
    await t.settle();
    const parked = await ownerQuery<{ count: number }>(
      t,
      `SELECT count(*)::int AS count FROM audit_outbox WHERE tenant_id = $1`,
      [tenant],
    );
    expect(parked[0].count).toBe(10);
    expect(await auditRows(t, tenant)).toHaveLength(0);
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.text).toMatch(/memory_audit_writes_total\{status="outboxed"\} 10/);
    // The scrape still answers while Redis is away, and says so.
    expect(metrics.text).toMatch(/engram_queue_up 0/);

    await redis.start();
    const written = await eventually(
      async () => {
        const rows = await auditRows(t, tenant);
        return rows.length === 10 ? rows : null;
      },
      20_000,
      200,
    );
    expect(written.every((row) => row.operation === 'upsert' && row.success)).toBe(true);
    const left = await ownerQuery<{ count: number }>(
      t,
      `SELECT count(*)::int AS count FROM audit_outbox WHERE tenant_id = $1`,
      [tenant],
    );
    expect(left[0].count).toBe(0);
    expect((await t.request('GET', '/ready')).status).toBe(200);
  }, 40_000);
});
