import { randomBytes } from 'node:crypto';
import { TestApp, eventually, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { adminHeaders, newApiKey, newTenant } from '@engram/test-support/fixtures';

const TENANTS = '/api/v1/admin/tenants';
const PINS = '/api/v1/memory/pins';
const ENV = { ENGRAM_ADMIN_TOKEN: 'admin-' + randomBytes(16).toString('hex'), TENANT_ERASE_AUDIT: 'true' };

describe('tenants admin API', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ env: ENV });
    admin = adminHeaders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, reads, updates and refuses duplicates and bad ids', async () => {
    const id = uniqueTenant('crud');
    const created = await t.request(
      'POST',
      TENANTS,
      { id, name: 'Acme', plan: 'free', quotas: { max_pins: 5 } },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id,
      name: 'Acme',
      plan: 'free',
      status: 'active',
      quotas: { max_pins: 5, max_memories: 10_000, requests_per_minute: 60 },
      quota_overrides: { max_pins: 5 },
    });
    expect((await t.request('POST', TENANTS, { id, name: 'again' }, admin)).body.error.code).toBe('tenant_exists');
    expect((await t.request('POST', TENANTS, { id: 'Bad Id', name: 'x' }, admin)).body.error.code).toBe('invalid_id');
    expect(
      (await t.request('POST', TENANTS, { id: uniqueTenant(), name: 'x', plan: 'gold' }, admin)).body.error.code,
    ).toBe('invalid_plan');

    const updated = await t.request(
      'PATCH',
      `${TENANTS}/${id}`,
      { plan: 'premium', quotas: { max_pins: null, requests_per_minute: 7 } },
      admin,
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      plan: 'premium',
      quota_overrides: { requests_per_minute: 7 },
      quotas: { max_pins: 10_000_000, requests_per_minute: 7 },
    });
    expect((await t.request('GET', `${TENANTS}/${id}`, undefined, admin)).body.plan).toBe('premium');
    expect((await t.request('GET', `${TENANTS}/${uniqueTenant()}`, undefined, admin)).body.error.code).toBe(
      'tenant_not_found',
    );
  });

  it('lists with status and plan filters in cursor pages', async () => {
    const label = `page${randomBytes(3).toString('hex')}`;
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await newTenant(t, { id: `${label}-${i}`, plan: 'free' }));
    }
    await t.request('POST', `${TENANTS}/${ids[1]}/suspend`, undefined, admin);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { tenants: { id: string }[]; next_cursor: string | null } } = await t.request(
        'GET',
        `${TENANTS}?plan=free&status=active&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        admin,
      );
      seen.push(...page.body.tenants.map((tenant) => tenant.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.filter((id) => id.startsWith(label))).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    expect((await t.request('GET', `${TENANTS}?cursor=garbage`, undefined, admin)).body.error.code).toBe(
      'invalid_cursor',
    );
    expect((await t.request('GET', `${TENANTS}?status=zombie`, undefined, admin)).body.error.code).toBe(
      'invalid_status',
    );
  });

  it('protects the global tenant', async () => {
    const deleted = await t.request('DELETE', `${TENANTS}/global`, undefined, admin);
    expect(deleted.status).toBe(409);
    expect(deleted.body.error.code).toBe('tenant_protected');
    expect((await t.request('POST', `${TENANTS}/global/suspend`, undefined, admin)).body.error.code).toBe(
      'tenant_protected',
    );
    expect((await t.request('GET', `${TENANTS}/global`, undefined, admin)).body.status).toBe('active');
  });

  it('enforces max_pins exactly under 50 concurrent inserts, and frees quota on delete', async () => {
    const tenant = await newTenant(t, { quotas: { max_pins: 10 } });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.request('POST', PINS, { tenant_id: tenant, key: `k${i}`, value: i }, admin),
      ),
    );
    const statuses = results.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    const rejected = results.filter((response) => response.status === 403);
    expect(rejected).toHaveLength(40);
    expect(rejected[0].body.error).toMatchObject({ code: 'quota_exceeded', details: { quota: 'max_pins', limit: 10 } });
    const [{ count }] = await t.database.db.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM memory_pins WHERE tenant_id = $1',
      [tenant],
    );
    expect(count).toBe(10);
    const usage = await t.request('GET', `${TENANTS}/${tenant}/usage`, undefined, admin);
    expect(usage.body).toMatchObject({ tenant_id: tenant, usage: { pins: 10 }, quotas: { max_pins: 10 } });

    const stored = results.find((response) => response.status === 201)!.body.key as string;
    // Replacing an existing pin is not a new one.
    expect((await t.request('POST', PINS, { tenant_id: tenant, key: stored, value: 'again' }, admin)).status).toBe(200);
    expect((await t.request('DELETE', `${PINS}/${stored}?tenant_id=${tenant}`, undefined, admin)).status).toBe(204);
    expect((await t.request('GET', `${TENANTS}/${tenant}/usage`, undefined, admin)).body.usage.pins).toBe(9);
    expect((await t.request('POST', PINS, { tenant_id: tenant, key: 'fresh', value: 1 }, admin)).status).toBe(201);
    expect((await t.request('POST', PINS, { tenant_id: tenant, key: 'one-too-many', value: 1 }, admin)).status).toBe(
      403,
    );
    const metrics = await t.request('GET', '/metrics');
    expect(metrics.text).toMatch(/quota_rejections_total\{quota="max_pins"\} 4[1-9]/);
  });

  it('gives quota back when pins expire', async () => {
    const tenant = await newTenant(t, { quotas: { max_pins: 2 } });
    await t.request('POST', PINS, { tenant_id: tenant, key: 'a', value: 1 }, admin);
    await t.request('POST', PINS, { tenant_id: tenant, key: 'b', value: 1 }, admin);
    await t.database.db.query(`UPDATE memory_pins SET expires_at = now() - interval '1 second' WHERE tenant_id = $1`, [
      tenant,
    ]);
    const cleanup = await t.request('POST', `${PINS}/cleanup`, { tenant_id: tenant }, admin);
    expect(cleanup.body.deleted).toBe(2);
    expect((await t.request('GET', `${TENANTS}/${tenant}/usage`, undefined, admin)).body.usage.pins).toBe(0);
    expect((await t.request('POST', PINS, { tenant_id: tenant, key: 'c', value: 1 }, admin)).status).toBe(201);
    // A delete outside the app (an ops script in SQL mode) gives the count back too.
    await t.database.db.query('DELETE FROM memory_pins WHERE tenant_id = $1', [tenant]);
    expect((await t.request('GET', `${TENANTS}/${tenant}/usage`, undefined, admin)).body.usage.pins).toBe(0);
  });

  it('expires pins across tenants (the expiry job path) and gives each tenant its quota back', async () => {
    const one = await newTenant(t);
    const two = await newTenant(t);
    for (const tenant of [one, two]) {
      await t.request('POST', PINS, { tenant_id: tenant, key: 'old', value: 1 }, admin);
      await t.request('POST', PINS, { tenant_id: tenant, key: 'live', value: 1 }, admin);
    }
    await t.database.db.query(
      `UPDATE memory_pins SET expires_at = now() - interval '1 second' WHERE tenant_id IN ($1, $2) AND key = 'old'`,
      [one, two],
    );
    const { PinExpiryHandler } = await import('@engram/pins');
    await t.app.get(PinExpiryHandler).handle();
    for (const tenant of [one, two]) {
      expect((await t.request('GET', `${TENANTS}/${tenant}/usage`, undefined, admin)).body.usage.pins).toBe(1);
      expect((await t.request('GET', `${PINS}/live?tenant_id=${tenant}`, undefined, admin)).status).toBe(200);
    }
    const left = await t.database.db.query(`SELECT 1 FROM memory_pins WHERE tenant_id IN ($1, $2) AND key = 'old'`, [
      one,
      two,
    ]);
    expect(left).toHaveLength(0);
  });

  it('limits requests per minute per key with 429 and RateLimit headers', async () => {
    const tenant = await newTenant(t, { quotas: { requests_per_minute: 3 } });
    const key = await newApiKey(t, tenant);
    const responses = [];
    for (let i = 0; i < 4; i++) {
      responses.push(await t.request('GET', PINS, undefined, key.headers));
    }
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429]);
    expect(responses[0].headers['ratelimit-limit']).toBe('3');
    expect(responses[0].headers['ratelimit-remaining']).toBe('2');
    const limited = responses[3];
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    // Another key of the same tenant has its own budget.
    const other = await newApiKey(t, tenant);
    expect((await t.request('GET', PINS, undefined, other.headers)).status).toBe(200);
    expect((await t.request('GET', '/metrics')).text).toMatch(/rate_limited_total [1-9]/);
  });

  it('deletes a tenant: keys revoked at once, then every row it owned erased', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant);
    for (let i = 0; i < 5; i++) {
      expect(
        (await t.request('POST', PINS, { key: `p${i}`, value: i, ttl_seconds: i % 2 ? 3600 : null }, key.headers))
          .status,
      ).toBe(201);
    }
    const first = await t.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'n', create_namespace: true, content: 'first memory' },
      key.headers,
    );
    expect(first.status).toBe(201);
    const related = { namespace: 'n', content: 'second memory', relations: [{ to: first.body.id, relation: 'about' }] };
    expect((await t.request('POST', '/api/v1/memories', related, key.headers)).status).toBe(201);
    // A denied request (machine keys do not delete) leaves an rbac_audit row for this tenant.
    expect((await t.request('DELETE', `/api/v1/memories/${first.body.id}`, undefined, key.headers)).status).toBe(403);
    await t.settle();
    const owned = [
      'memory_audit',
      'rbac_audit',
      'namespaces',
      'memories',
      'memory_embeddings',
      'memory_relations',
      'memory_lexical_terms',
      'memory_lexical_postings',
    ];
    // Every kind of row exists before the erasure, so "nothing remains" below means something.
    await eventually(async () => {
      for (const table of owned) {
        const [{ count }] = await t.database.db.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM "${table}" WHERE tenant_id = $1`,
          [tenant],
        );
        if (count === 0) {
          return false;
        }
      }
      return true;
    });
    const deleted = await t.request('DELETE', `${TENANTS}/${tenant}`, undefined, admin);
    expect(deleted.status).toBe(202);
    expect(deleted.body.status).toBe('pending_deletion');
    expect((await t.request('GET', PINS, undefined, key.headers)).body.error.code).toBe('revoked_credentials');
    expect((await t.request('GET', `${PINS}?tenant_id=${tenant}`, undefined, admin)).body.error.code).toBe(
      'tenant_not_found',
    );

    await eventually(
      async () => (await t.request('GET', `${TENANTS}/${tenant}`, undefined, admin)).status === 404,
      10_000,
    );
    await t.settle();
    const tables = await t.database.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id'`,
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['memory_pins', 'api_keys', 'tenant_usage', ...owned]),
    );
    for (const { table_name } of tables) {
      const [{ count }] = await t.database.db.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM "${table_name}" WHERE tenant_id = $1`,
        [tenant],
      );
      expect({ table_name, count }).toEqual({ table_name, count: 0 });
    }
    expect(await t.database.db.query('SELECT 1 FROM tenants WHERE id = $1', [tenant])).toHaveLength(0);
    // The id is free again.
    expect((await t.request('POST', TENANTS, { id: tenant, name: 'reborn' }, admin)).status).toBe(201);
  });
});
