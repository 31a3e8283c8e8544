import { randomBytes, randomUUID } from 'node:crypto';
import { TestApp, eventually, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { adminHeaders, newApiKey, newTenant } from '@engram/test-support/fixtures';

const PINS = '/api/v1/memory/pins';
const ADMIN_TOKEN = 'admin-token-' + randomBytes(12).toString('hex');
const MACHINE_TOKEN = 'machine-token-' + randomBytes(12).toString('hex');
const JWT_SECRET = randomBytes(32).toString('hex');
const ENV = { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN, MACHINE_SECRET_TOKEN: MACHINE_TOKEN, JWT_SECRET };

async function signJwt(
  claims: Record<string, unknown>,
  options: { secret?: string; expiresIn?: string | number } = {},
) {
  const { SignJWT } = await import('jose');
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.expiresIn !== undefined) {
    jwt = jwt.setExpirationTime(options.expiresIn);
  }
  return jwt.sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

describe('authentication', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: ENV });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 401 with a distinct code for missing, malformed and unknown credentials', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing_credentials'],
      [{ authorization: 'Basic abc' }, 'malformed_credentials'],
      [{ authorization: 'Bearer' }, 'malformed_credentials'],
      [{ 'x-api-key': 'not-a-key' }, 'malformed_credentials'],
      [{ 'x-api-key': `eng_${randomBytes(32).toString('hex')}` }, 'unknown_credentials'],
      [{ authorization: `Bearer eng_${randomBytes(32).toString('hex')}` }, 'unknown_credentials'],
      [{ authorization: 'Bearer wrong-admin-token-xxxxxxxx' }, 'unknown_credentials'],
      [{ 'x-machine-token': 'wrong-machine-token-xxxx' }, 'unknown_credentials'],
    ];
    for (const [headers, code] of cases) {
      const response = await t.request('GET', PINS, undefined, headers);
      expect({ headers, status: response.status, code: response.body.error.code }).toEqual({
        headers,
        status: 401,
        code,
      });
    }
  });

  it('accepts a key as X-API-Key or Bearer, bound to its tenant; lists keys without the raw key', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant, { role: 'machine' });
    expect(key.key).toMatch(/^eng_[0-9a-f]{64}$/);
    const put = await t.request('POST', PINS, { key: 'k', value: 1 }, key.headers);
    expect(put.status).toBe(201);
    expect(put.body.tenant_id).toBe(tenant);
    const viaBearer = await t.request('GET', `${PINS}/k`, undefined, { authorization: `Bearer ${key.key}` });
    expect(viaBearer.status).toBe(200);

    await t.app.get((await import('@engram/tenants')).ApiKeysService).flushUses();
    const listed = await t.request('GET', `/api/v1/admin/tenants/${tenant}/api-keys`, undefined, adminHeaders(t));
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(key.key);
    expect(listed.text).not.toContain('hash');
    expect(listed.body.api_keys).toHaveLength(1);
    expect(listed.body.api_keys[0]).toMatchObject({
      id: key.id,
      role: 'machine',
      key_prefix: key.key.slice(0, 12),
      revoked_at: null,
    });
    expect(listed.body.api_keys[0].last_used_at).not.toBeNull();
    const [stored] = await t.database.db.query<{ key_hash: Buffer }>('SELECT key_hash FROM api_keys WHERE id = $1', [
      key.id,
    ]);
    expect(stored.key_hash.toString('hex')).toBe((await import('@engram/tenants')).hashApiKey(key.key).toString('hex'));
  });

  it('refuses an expired key with expired_credentials', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant, { expires_at: new Date(Date.now() + 3600_000).toISOString() });
    await t.database.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
    const response = await t.request('GET', PINS, undefined, key.headers);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('expired_credentials');
  });

  it('rejects expires_at in the past and cross-tenant roles outside global', async () => {
    const tenant = await newTenant(t);
    const past = await t.request(
      'POST',
      `/api/v1/admin/tenants/${tenant}/api-keys`,
      { name: 'x', role: 'dev', expires_at: '2001-01-01T00:00:00Z' },
      adminHeaders(t),
    );
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe('invalid_expires_at');
    const admin = await t.request(
      'POST',
      `/api/v1/admin/tenants/${tenant}/api-keys`,
      { name: 'x', role: 'admin' },
      adminHeaders(t),
    );
    expect(admin.status).toBe(400);
    expect(admin.body.error.code).toBe('invalid_role');
    const globalAdmin = await newApiKey(t, 'global', { role: 'admin' });
    // An admin key is not bound to global: it acts on any tenant it names.
    expect((await t.request('GET', `${PINS}?tenant_id=${tenant}`, undefined, globalAdmin.headers)).status).toBe(200);
  });

  it('revokes a key at once with revoked_credentials', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant);
    expect((await t.request('GET', PINS, undefined, key.headers)).status).toBe(200);
    const revoked = await t.request(
      'DELETE',
      `/api/v1/admin/tenants/${tenant}/api-keys/${key.id}`,
      undefined,
      adminHeaders(t),
    );
    expect(revoked.status).toBe(204);
    const after = await t.request('GET', PINS, undefined, key.headers);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('revoked_credentials');
    const again = await t.request(
      'DELETE',
      `/api/v1/admin/tenants/${tenant}/api-keys/${randomUUID()}`,
      undefined,
      adminHeaders(t),
    );
    expect(again.body.error.code).toBe('api_key_not_found');
  });

  it('a revocation reaches a second app on the same database before its cache expires', async () => {
    const second = await startTestApp({ env: { ...ENV, AUTH_CACHE_TTL_SECONDS: '3600' }, database_: t.database });
    try {
      const tenant = await newTenant(t);
      const key = await newApiKey(t, tenant);
      expect((await second.request('GET', PINS, undefined, key.headers)).status).toBe(200);
      await t.request('DELETE', `/api/v1/admin/tenants/${tenant}/api-keys/${key.id}`, undefined, adminHeaders(t));
      const after = await eventually(async () => {
        const response = await second.request('GET', PINS, undefined, key.headers);
        return response.status === 401 ? response : null;
      }, 5000);
      expect(after.body.error.code).toBe('revoked_credentials');
    } finally {
      await second.close();
    }
  });

  it('narrows a role by the key scopes and answers 403 forbidden naming resource and action', async () => {
    const tenant = await newTenant(t);
    const readOnly = await newApiKey(t, tenant, { role: 'machine', scopes: ['read'] });
    expect((await t.request('GET', PINS, undefined, readOnly.headers)).status).toBe(200);
    const write = await t.request('POST', PINS, { key: 'k', value: 1 }, readOnly.headers);
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({
      code: 'forbidden',
      details: { resource: 'memory_pin', action: 'write', reason: 'scope' },
    });
    const dev = await newApiKey(t, tenant, { role: 'dev' });
    expect((await t.request('POST', PINS, { key: 'k', value: 1 }, dev.headers)).body.error.code).toBe('forbidden');
    expect((await t.request('GET', '/api/v1/admin/tenants', undefined, dev.headers)).body.error.code).toBe('forbidden');
    const machine = await newApiKey(t, tenant, { role: 'machine' });
    expect((await t.request('DELETE', `${PINS}/k`, undefined, machine.headers)).body.error).toMatchObject({
      code: 'forbidden',
      details: { resource: 'memory_pin', action: 'delete' },
    });
  });

  it('honours resource-qualified scopes: memory_pin:write writes pins and nothing else', async () => {
    const tenant = await newTenant(t);
    const denied = async (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      headers: Record<string, string>,
      body?: unknown,
    ) => {
      const response = await t.request(method, url, body, headers);
      expect(response.status).toBe(403);
      return response.body.error.details.reason as string;
    };
    const pinWriter = await newApiKey(t, tenant, { role: 'machine', scopes: ['memory_pin:write'] });
    expect((await t.request('POST', PINS, { key: 'q', value: 1 }, pinWriter.headers)).status).toBe(201);
    expect(await denied('GET', `${PINS}/q`, pinWriter.headers)).toBe('scope');
    expect(await denied('GET', '/api/v1/memories', pinWriter.headers)).toBe('scope');
    expect(await denied('POST', '/api/v1/memories', pinWriter.headers, { namespace: 'n', content: 'c' })).toBe('scope');

    const pinAll = await newApiKey(t, tenant, { role: 'machine', scopes: ['memory_pin:*'] });
    expect((await t.request('POST', PINS, { key: 'r', value: 1 }, pinAll.headers)).status).toBe(201);
    expect((await t.request('GET', `${PINS}/r`, undefined, pinAll.headers)).status).toBe(200);
    // A scope never widens the role: machine may not delete pins.
    expect(await denied('DELETE', `${PINS}/r`, pinAll.headers)).toBe('no_rule');
    expect(await denied('GET', '/api/v1/memories', pinAll.headers)).toBe('scope');

    const everything = await newApiKey(t, tenant, { role: 'readonly', scopes: ['*'] });
    expect((await t.request('GET', `${PINS}/r`, undefined, everything.headers)).status).toBe(200);
    expect(await denied('POST', PINS, everything.headers, { key: 's', value: 1 })).toBe('no_rule');
  });

  it('refuses an empty scope list and unknown scopes at key creation, naming the forms', async () => {
    const tenant = await newTenant(t);
    const create = (scopes: unknown) =>
      t.request(
        'POST',
        `/api/v1/admin/tenants/${tenant}/api-keys`,
        { name: 'k', role: 'machine', scopes },
        adminHeaders(t),
      );
    const empty = await create([]);
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'invalid_scopes', details: { path: ['scopes'] } });
    expect(empty.body.error.message).toMatch(/at least one scope; omit scopes/);
    const typo = await create(['read', 'memory_pins:write']);
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({ code: 'invalid_scopes', details: { path: ['scopes', 1] } });
    expect(typo.body.error.message).toMatch(
      /"memory_pins:write" is not a scope; a scope is an action .*resource:action/,
    );
    const repeated = await create(['memory_pin:write', 'memory_pin:write', '*']);
    expect(repeated.status).toBe(201);
    expect(repeated.body.scopes).toEqual(['memory_pin:write', '*']);
  });

  it('accepts the machine token for the tenant each request names', async () => {
    const tenant = await newTenant(t);
    const headers = { 'x-machine-token': MACHINE_TOKEN };
    const put = await t.request('POST', PINS, { tenant_id: tenant, key: 'm', value: 1 }, headers);
    expect(put.status).toBe(201);
    expect((await t.request('GET', `${PINS}/m?tenant_id=${tenant}`, undefined, headers)).status).toBe(200);
    expect((await t.request('GET', '/api/v1/admin/tenants', undefined, headers)).body.error.code).toBe('forbidden');
  });

  it('accepts HS256 JWTs bound to their tenant_id claim', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    const token = await signJwt({ sub: 'agent-7', tenant_id: tenant, role: 'machine' }, { expiresIn: '5m' });
    const headers = { authorization: `Bearer ${token}` };
    const put = await t.request('POST', PINS, { key: 'j', value: 1 }, headers);
    expect(put.status).toBe(201);
    expect(put.body.tenant_id).toBe(tenant);
    const mismatch = await t.request('GET', `${PINS}?tenant_id=${other}`, undefined, headers);
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.error.code).toBe('tenant_mismatch');

    const expired = await signJwt(
      { sub: 'a', tenant_id: tenant, role: 'machine' },
      { expiresIn: Math.floor(Date.now() / 1000) - 60 },
    );
    expect((await t.request('GET', PINS, undefined, { authorization: `Bearer ${expired}` })).body.error.code).toBe(
      'expired_credentials',
    );
    const forged = await signJwt(
      { sub: 'a', tenant_id: tenant, role: 'admin' },
      { secret: randomBytes(32).toString('hex') },
    );
    expect((await t.request('GET', PINS, undefined, { authorization: `Bearer ${forged}` })).body.error.code).toBe(
      'unknown_credentials',
    );
    const noTenant = await signJwt({ sub: 'a', role: 'machine' });
    expect((await t.request('GET', PINS, undefined, { authorization: `Bearer ${noTenant}` })).body.error.code).toBe(
      'malformed_credentials',
    );
  });

  it('answers 404 tenant_not_found for an unknown tenant and 403 tenant_suspended for a suspended one', async () => {
    const unknown = await t.request('GET', `${PINS}?tenant_id=${uniqueTenant('nope')}`, undefined, adminHeaders(t));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('tenant_not_found');
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant);
    expect(
      (await t.request('POST', `/api/v1/admin/tenants/${tenant}/suspend`, undefined, adminHeaders(t))).status,
    ).toBe(200);
    const suspended = await t.request('GET', PINS, undefined, key.headers);
    expect(suspended.status).toBe(403);
    expect(suspended.body.error.code).toBe('tenant_suspended');
    expect(
      (await t.request('POST', `/api/v1/admin/tenants/${tenant}/activate`, undefined, adminHeaders(t))).status,
    ).toBe(200);
    expect((await t.request('GET', PINS, undefined, key.headers)).status).toBe(200);
  });

  it('counts failures by reason in metrics and never exposes a secret', async () => {
    const key = await newApiKey(t, await newTenant(t));
    await t.request('GET', PINS, undefined, { 'x-api-key': key.key.slice(0, -1) + 'z' });
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.text).toMatch(/auth_failures_total\{reason="missing"\} [1-9]/);
    expect(metrics.text).toMatch(/auth_failures_total\{reason="malformed"\} [1-9]/);
    for (const secret of [ADMIN_TOKEN, MACHINE_TOKEN, JWT_SECRET, key.key]) {
      expect(metrics.text).not.toContain(secret);
    }
    const wrongAdmin = await t.request('GET', PINS, undefined, { authorization: `Bearer ${ADMIN_TOKEN}x` });
    expect(wrongAdmin.text).not.toContain(ADMIN_TOKEN);
  });
});

describe('open local mode', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves callers without credentials as admin until the first API key exists', async () => {
    expect((await t.request('GET', PINS)).status).toBe(200);
    const key = await newApiKey(t, 'global', { role: 'admin' });
    const closed = await t.request('GET', PINS);
    expect(closed.status).toBe(401);
    expect(closed.body.error.code).toBe('missing_credentials');
    expect((await t.request('GET', PINS, undefined, key.headers)).status).toBe(200);
  });
});
