import { TestApp, startTestApp } from '@engram/test-support/app';
import { newApiKey, newTenant } from '@engram/test-support/fixtures';

const ADMIN_TOKEN = 'metrics-admin-token-0123456789';
const METRICS_TOKEN = 'metrics-scrape-token-0123456789';

async function scrape(base: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/metrics`, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, text, code };
}

describe('GET /metrics access', () => {
  describe('with METRICS_TOKEN set', () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN, METRICS_TOKEN } });
      base = await t.listen();
    });
    afterAll(async () => {
      await t.close();
    });

    it('admits the scrape token or a credential granting metrics:read, and nobody else', async () => {
      const ok = await scrape(base, { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('# TYPE');
      expect(await scrape(base)).toMatchObject({ status: 401, code: 'missing_credentials' });
      expect(await scrape(base, { authorization: 'Bearer not-the-metrics-token-at-all' })).toMatchObject({
        status: 401,
      });
      expect((await scrape(base, { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200);
      const tenant = await newTenant(t);
      const dev = await newApiKey(t, tenant, { role: 'dev' });
      expect((await scrape(base, dev.headers)).status).toBe(200);
      const readonly = await newApiKey(t, tenant, { role: 'readonly' });
      expect(await scrape(base, readonly.headers)).toMatchObject({ status: 403, code: 'forbidden' });
      // The scrape token is good for /metrics only.
      const pins = await fetch(`${base}/api/v1/memory/pins`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(pins.status).toBe(401);
    });
  });

  it('with METRICS_TOKEN set, open local mode does not open /metrics', async () => {
    const t = await startTestApp({ queue: 'inline', env: { METRICS_TOKEN } });
    try {
      const base = await t.listen();
      expect((await fetch(`${base}/api/v1/memory/pins`)).status).toBe(200);
      expect(await scrape(base)).toMatchObject({ status: 401, code: 'missing_credentials' });
      expect((await scrape(base, { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('without METRICS_TOKEN: open on a loopback HOST, a credential on any other', async () => {
    const local = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN } });
    try {
      const base = await local.listen();
      expect((await scrape(base)).status).toBe(200);
    } finally {
      await local.close();
    }
    const exposed = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN, HOST: '0.0.0.0' } });
    try {
      const base = await exposed.listen();
      expect(await scrape(base)).toMatchObject({ status: 401, code: 'missing_credentials' });
      expect((await scrape(base, { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200);
    } finally {
      await exposed.close();
    }
  });
});

describe('per-route HTTP metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN } });
  });
  afterAll(async () => {
    await t.close();
  });

  const sample = (text: string, series: string): number =>
    Number(
      text
        .split('\n')
        .find((line) => line.startsWith(`${series} `))
        ?.split(' ')[1] ?? 0,
    );

  it('counts answers by method, route pattern and status, and times them, with bounded labels', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const tenant = await newTenant(t);
    for (const id of ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002']) {
      expect((await t.request('GET', `/api/v1/memories/${id}?tenant_id=${tenant}`, undefined, admin)).status).toBe(404);
    }
    expect((await t.request('GET', `/no/such/path/${tenant}`, undefined, admin)).status).toBe(404);
    const text = (await t.request('GET', '/metrics', undefined, admin)).text;
    expect(sample(text, 'http_requests_total{method="GET",route="/api/v1/memories/:id",status="404"}')).toBe(2);
    expect(sample(text, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(sample(text, 'http_requests_total{method="POST",route="/api/v1/admin/tenants",status="201"}')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count{method="GET",route="/api/v1/memories/:id"}')).toBe(2);
    // No concrete id or path ever becomes a label value.
    expect(text).not.toContain('00000000-0000-4000-8000-000000000001');
    expect(text).not.toContain(`/no/such/path/${tenant}`);
  });
});
