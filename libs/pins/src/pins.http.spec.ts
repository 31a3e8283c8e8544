import { TestApp, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { newTenant } from '@engram/test-support/fixtures';

const PINS = '/api/v1/memory/pins';

describe.each(['postgres', 'pglite'] as const)('pins over HTTP (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database, queue: database === 'pglite' ? 'inline' : 'bullmq' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('upserts any JSON value and reads it back', async () => {
    const tenant = await newTenant(t);
    for (const value of [{ a: 1, nested: { b: [1, 2] } }, [1, 'two', null], 'text', 42, true, null]) {
      const key = `value:${typeof value}:${Array.isArray(value)}`;
      const put = await t.request('POST', PINS, { tenant_id: tenant, key, value });
      expect([200, 201]).toContain(put.status);
      const got = await t.request('GET', `${PINS}/${key}?tenant_id=${tenant}`);
      expect(got.status).toBe(200);
      expect(got.body.value).toEqual(value);
    }
  });

  it('returns id, timestamps and expiry; re-posting keeps id and created_at and moves updated_at', async () => {
    const tenant = await newTenant(t);
    const first = await t.request('POST', PINS, {
      tenant_id: tenant,
      key: 'budget:monthly',
      value: { usd: 10 },
      ttl_seconds: 3600,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ tenant_id: tenant, key: 'budget:monthly', value: { usd: 10 }, source: null });
    expect(first.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const expiresIn = Date.parse(first.body.expires_at) - Date.parse(first.body.updated_at);
    expect(expiresIn).toBeGreaterThanOrEqual(3599_000);
    expect(expiresIn).toBeLessThanOrEqual(3601_000);

    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await t.request('POST', PINS, {
      tenant_id: tenant,
      key: 'budget:monthly',
      value: { usd: 20 },
      source: 'ops',
    });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.created_at).toBe(first.body.created_at);
    expect(Date.parse(second.body.updated_at)).toBeGreaterThan(Date.parse(first.body.updated_at));
    expect(second.body.expires_at).toBeNull();
    expect(second.body).toMatchObject({ value: { usd: 20 }, source: 'ops' });
  });

  it('defaults the tenant to global', async () => {
    const key = `default-tenant:${uniqueTenant()}`;
    const put = await t.request('POST', PINS, { key, value: 1 });
    expect(put.body).toMatchObject({ tenant_id: 'global' });
    expect((await t.request('GET', `${PINS}/${key}`)).status).toBe(200);
    expect((await t.request('GET', `${PINS}/${key}?tenant_id=global`)).status).toBe(200);
    await t.request('DELETE', `${PINS}/${key}`);
  });

  it('answers 404 pin_not_found for a missing key, on GET and DELETE', async () => {
    const tenant = await newTenant(t);
    const got = await t.request('GET', `${PINS}/nope?tenant_id=${tenant}`);
    expect(got.status).toBe(404);
    expect(got.body.error.code).toBe('pin_not_found');
    expect(got.body.request_id).toBe(got.headers['x-request-id']);
    const deleted = await t.request('DELETE', `${PINS}/nope?tenant_id=${tenant}`);
    expect(deleted.status).toBe(404);
    expect(deleted.body.error.code).toBe('pin_not_found');
  });

  it('deletes a pin', async () => {
    const tenant = await newTenant(t);
    await t.request('POST', PINS, { tenant_id: tenant, key: 'k', value: 1 });
    expect((await t.request('DELETE', `${PINS}/k?tenant_id=${tenant}`)).status).toBe(204);
    expect((await t.request('GET', `${PINS}/k?tenant_id=${tenant}`)).status).toBe(404);
  });

  it('accepts keys with "/" raw or percent-encoded in GET and DELETE paths', async () => {
    const tenant = await newTenant(t);
    const key = 'skills/registry/v2.json';
    await t.request('POST', PINS, { tenant_id: tenant, key, value: { ok: true } });
    expect((await t.request('GET', `${PINS}/${key}?tenant_id=${tenant}`)).body.key).toBe(key);
    expect((await t.request('GET', `${PINS}/${encodeURIComponent(key)}?tenant_id=${tenant}`)).body.key).toBe(key);
    expect((await t.request('DELETE', `${PINS}/${encodeURIComponent(key)}?tenant_id=${tenant}`)).status).toBe(204);
  });

  it('keeps tenants apart', async () => {
    const a = await newTenant(t, { id: uniqueTenant('a') });
    const b = await newTenant(t, { id: uniqueTenant('b') });
    await t.request('POST', PINS, { tenant_id: a, key: 'shared:name', value: 'A' });
    await t.request('POST', PINS, { tenant_id: b, key: 'shared:name', value: 'B' });
    expect((await t.request('GET', `${PINS}/shared:name?tenant_id=${a}`)).body.value).toBe('A');
    expect((await t.request('GET', `${PINS}/shared:name?tenant_id=${b}`)).body.value).toBe('B');
    const listA = await t.request('GET', `${PINS}?tenant_id=${a}`);
    expect(listA.body.pins.map((pin: { value: string }) => pin.value)).toEqual(['A']);
    await t.request('DELETE', `${PINS}/shared:name?tenant_id=${a}`);
    expect((await t.request('GET', `${PINS}/shared:name?tenant_id=${b}`)).status).toBe(200);
  });
});
