import { randomUUID } from 'node:crypto';
import { requestContext } from '@engram/common';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';
import { AuditSink, AuditTrail } from './audit-sink';
import { AuditRepository } from './audit.repository';
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

  it('has the row in memory_audit when the response arrives, with no timer flush', async () => {
    const tenant = await newTenant(t);
    const put = await t.request('POST', PINS, { tenant_id: tenant, key: 'acked', value: 1 });
    expect(put.status).toBe(201);
    // No settle(): the response itself waited for the commit.
    expect((await auditRows(t, tenant)).map((row) => row.key)).toEqual(['acked']);
  });

  it('writes a replayed event once (idempotent by event id)', async () => {
    const tenant = await newTenant(t);
    const sink = t.app.get(AuditSink);
    const repository = t.app.get(AuditRepository);
    const event: AuditEvent = {
      id: randomUUID(),
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
    sink.record(repository, event);
    await sink.flush();
    sink.record(repository, event);
    await sink.flush();
    expect(await auditRows(t, tenant)).toHaveLength(1);
  });

  it('stores keys Postgres text refuses (NUL, lone surrogates) with U+FFFD, and isolates an event it can never take', async () => {
    const tenant = await newTenant(t);
    const sink = t.app.get(AuditSink);
    const repository = t.app.get(AuditRepository);
    const event = (key: string, latency: unknown = 1): AuditEvent => ({
      id: randomUUID(),
      ts: new Date().toISOString(),
      tenant_id: tenant,
      operation: 'get',
      key,
      success: true,
      latency_ms: latency as number,
      value_hash: null,
      request_id: null,
      actor: 'test',
    });
    sink.record(repository, event('nul\u0000key'));
    sink.record(repository, event('lone\ud800'));
    // Not a number: Postgres refuses this row whatever happens, and must not block its batch.
    sink.record(repository, event('poison', 'not-a-number'));
    sink.record(repository, event('after'));
    await sink.flush();
    const keys = (await auditRows(t, tenant)).map((row) => row.key).sort();
    expect(keys).toEqual(['after', 'lone\ufffd', 'nul\ufffdkey']);
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.text).toMatch(/memory_audit_writes_total\{status="rejected"\} 1/);
  });
});

describe('audit sink when Postgres refuses', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { AUDIT_FLUSH_INTERVAL_MS: '60000', AUDIT_ACK_TIMEOUT_MS: '300' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps refused batches in order, lets the response go, and writes them on a later flush', async () => {
    const tenant = await newTenant(t);
    const sink = t.app.get(AuditSink);
    const repository = t.app.get(AuditRepository);
    // A trail over the real memory_audit whose first two inserts fail as a lost connection would.
    let failures = 2;
    const flaky: AuditTrail<AuditEvent> = {
      table: 'memory_audit',
      insert: (tx, events) => {
        if (failures > 0) {
          failures -= 1;
          return Promise.reject(new Error('Connection terminated unexpectedly'));
        }
        return repository.insert(tx, events);
      },
    };
    const context = { requestId: 'refused-1' };
    const started = performance.now();
    const confirmed = await requestContext.run(context, () => {
      for (let i = 0; i < 3; i++) {
        sink.record(flaky, {
          id: randomUUID(),
          ts: new Date(Date.now() + i).toISOString(),
          tenant_id: tenant,
          operation: 'upsert',
          key: `k${i}`,
          success: true,
          latency_ms: 1,
          value_hash: null,
          request_id: 'refused-1',
          actor: 'test',
        });
      }
      return sink.confirm();
    });
    expect(confirmed).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await auditRows(t, tenant)).toHaveLength(0);

    await sink.flush(); // the second refusal
    expect(await auditRows(t, tenant)).toHaveLength(0);
    await sink.flush();
    expect((await auditRows(t, tenant)).map((row) => row.key)).toEqual(['k0', 'k1', 'k2']);
    expect(await requestContext.run(context, () => sink.confirm())).toBe(true);
    const metrics = (await t.request('GET', '/metrics')).text;
    expect(metrics).toMatch(/memory_audit_writes_total\{status="retry"\} 6/);
    expect(metrics).toMatch(/audit_unconfirmed_responses_total 1/);
  });
});

describe('audit when Redis is down', () => {
  let redis: PrivateRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // The API alone, as deployed beside `engram worker`: the audit path needs no worker.
    t = await startTestApp({ worker: false, env: { REDIS_URL: redis.url, AUDIT_FLUSH_INTERVAL_MS: '60000' } });
  });
  afterAll(async () => {
    await redis.start();
    await t.close();
    await redis.stop();
  });

  it('keeps requests fast and successful, and each event is in memory_audit when its response arrives', async () => {
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
      expect(await auditRows(t, tenant)).toHaveLength(i + 1);
    }
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.text).toMatch(/memory_audit_writes_total\{status="written"\} ([1-9]\d+)/);
    // The scrape still answers while Redis is away, and says so.
    expect(metrics.text).toMatch(/engram_queue_up 0/);
  }, 40_000);
});
