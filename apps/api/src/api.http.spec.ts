import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';

const OPENAPI_FILE = join(__dirname, '../../../openapi.json');

describe('HTTP basics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives every response a request id, honouring a well-formed one from the caller', async () => {
    const generated = await t.request('GET', '/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const honoured = await t.request('GET', '/health', undefined, { 'x-request-id': 'abc-123' });
    expect(honoured.headers['x-request-id']).toBe('abc-123');
    const replaced = await t.request('GET', '/health', undefined, { 'x-request-id': 'bad id\nwith newline' });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with the standard error body', async () => {
    const response = await t.request('GET', '/api/v1/nothing-here', undefined, { 'x-request-id': 'req-404' });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { code: 'route_not_found', message: expect.any(String) },
      request_id: 'req-404',
    });
  });

  it('reports liveness and readiness', async () => {
    expect((await t.request('GET', '/health')).body).toEqual({ status: 'ok' });
    const ready = await t.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({
      database: { status: 'up' },
      queue: { status: 'up', driver: 'bullmq' },
    });
  });

  it('exposes Prometheus metrics for pins, audit, queues and the process', async () => {
    await t.request('POST', '/api/v1/memory/pins', { key: 'metrics:probe', value: 1 });
    await t.request('GET', '/api/v1/memory/pins/metrics:probe');
    await t.request('GET', '/api/v1/memory/pins/metrics:absent');
    // The expiry schedule runs through the BullMQ worker as soon as it is registered.
    const response = await eventually(async () => {
      const scrape = await t.request('GET', '/metrics');
      return /engram_queue_jobs\{queue="pins.expire",state="completed"\} [1-9]/.test(scrape.text) ? scrape : null;
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.text;
    expect(text).toMatch(/memory_pins_operations_total\{operation="upsert",status="success"\} \d+/);
    expect(text).toMatch(/memory_pins_operations_total\{operation="get",status="not_found"\} 1/);
    expect(text).toMatch(/memory_pins_latency_seconds_bucket\{le="[^"]+",operation="get"\} \d+/);
    // Written before each response was sent: two upserts' worth by now, at least.
    expect(text).toMatch(/memory_audit_writes_total\{status="written"\} ([2-9]|\d{2,})/);
    expect(text).toMatch(/engram_queue_jobs\{queue="pins.expire",state="completed"\} \d+/);
    expect(text).toMatch(/engram_db_query_duration_seconds_count\{repository="pins",method="upsert",status="ok"\} \d+/);
    expect(text).toMatch(/process_cpu_user_seconds_total \d/);
    await t.request('DELETE', '/api/v1/memory/pins/metrics:probe');
  });

  it('serves the OpenAPI document generated from the code, identical to the committed openapi.json', async () => {
    const response = await t.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.paths['/api/v1/memory/pins']).toBeDefined();
    const generated = `${JSON.stringify(response.body, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') {
      writeFileSync(OPENAPI_FILE, generated);
    }
    expect(generated).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
  });
});

describe('admin token', () => {
  let t: TestApp;
  const token = 'test-admin-token-0123456789';

  beforeAll(async () => {
    t = await startTestApp({ env: { ENGRAM_ADMIN_TOKEN: token } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is required on data routes once configured, and never echoed', async () => {
    const missing = await t.request('GET', '/api/v1/memory/pins');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('missing_credentials');
    const wrong = await t.request('GET', '/api/v1/memory/pins', undefined, { authorization: `Bearer ${token}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unknown_credentials');
    expect(wrong.text).not.toContain(token);
    const right = await t.request('GET', '/api/v1/memory/pins', undefined, { authorization: `Bearer ${token}` });
    expect(right.status).toBe(200);
  });

  it('leaves health, readiness, metrics and the OpenAPI document public', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/openapi.json']) {
      expect((await t.request('GET', url)).status).toBe(200);
    }
  });
});
