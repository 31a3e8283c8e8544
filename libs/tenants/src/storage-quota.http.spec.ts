import { randomBytes } from 'node:crypto';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { adminHeaders, newTenant, ownerQuery } from '@engram/test-support/fixtures';

const TENANTS = '/api/v1/admin/tenants';
const PINS = '/api/v1/memory/pins';
const MEMORIES = '/api/v1/memories';
const NAMESPACES = '/api/v1/namespaces';

/**
 * What a tenant stores, measured from the rows themselves (the definition in docs/auth.md):
 * pins: key + value as JSON text + source; memories: content + metadata as JSON text + tags + source.
 */
async function storedBytes(t: TestApp, tenant: string): Promise<number> {
  const [row] = await ownerQuery<{ bytes: number }>(
    t,
    `SELECT (SELECT coalesce(sum(octet_length(key) + octet_length(value::text) + coalesce(octet_length(source), 0)), 0)
               FROM memory_pins WHERE tenant_id = $1)
          + (SELECT coalesce(sum(octet_length(content) + octet_length(metadata::text)
                                 + octet_length(array_to_string(tags, '')) + coalesce(octet_length(source), 0)), 0)
               FROM memories WHERE tenant_id = $1) AS bytes`,
    [tenant],
  );
  return Number(row.bytes);
}

describe.each(['postgres', 'pglite'] as const)('storage_bytes quota (%s)', (database) => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({
      database,
      queue: 'inline',
      env: { ENGRAM_ADMIN_TOKEN: 'admin-' + randomBytes(16).toString('hex') },
    });
    admin = adminHeaders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const usage = async (tenant: string) =>
    (await t.request('GET', `${TENANTS}/${tenant}/usage`, undefined, admin)).body.usage.storage_bytes as number;

  it('refuses a 40-byte pin under a 10-byte quota, like the other quotas, and stores nothing', async () => {
    const tenant = await newTenant(t, { quotas: { storage_bytes: 10 } });
    const value = 'x'.repeat(36);
    const refused = await t.request('POST', PINS, { tenant_id: tenant, key: 'big', value }, admin);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'quota_exceeded',
      details: { quota: 'storage_bytes', limit: 10 },
    });
    expect(await storedBytes(t, tenant)).toBe(0);
    expect(await usage(tenant)).toBe(0);
    expect((await t.request('GET', `${PINS}/big?tenant_id=${tenant}`, undefined, admin)).status).toBe(404);
    // Key "k" (1) + value "ab" as JSON (4) = 5 bytes: fits; a second one reaches 10 exactly; a third does not.
    expect((await t.request('POST', PINS, { tenant_id: tenant, key: 'k', value: 'ab' }, admin)).status).toBe(201);
    expect((await t.request('POST', PINS, { tenant_id: tenant, key: 'j', value: 'ab' }, admin)).status).toBe(201);
    expect(await usage(tenant)).toBe(10);
    expect((await t.request('POST', PINS, { tenant_id: tenant, key: 'i', value: 1 }, admin)).status).toBe(403);
    // A memory past the quota is refused the same way.
    const memory = await t.request(
      'POST',
      MEMORIES,
      {
        tenant_id: tenant,
        namespace: 'n',
        create_namespace: true,
        content: 'hello',
      },
      admin,
    );
    expect(memory.status).toBe(403);
    expect(memory.body.error.details).toMatchObject({ quota: 'storage_bytes', limit: 10 });
    const metrics = await t.request('GET', '/metrics', undefined, admin);
    expect(metrics.text).toMatch(/quota_rejections_total\{quota="storage_bytes"\} [1-9]/);
  });

  it('counts exactly what is stored through creates, batches, patches, replaces, deletes and expiry', async () => {
    const tenant = await newTenant(t);
    const check = async (step: string) => {
      expect({ step, usage: await usage(tenant) }).toEqual({ step, usage: await storedBytes(t, tenant) });
    };
    await t.request(
      'POST',
      PINS,
      { tenant_id: tenant, key: 'cfg', value: { a: [1, 2], b: 'é' }, source: 'ops' },
      admin,
    );
    await check('pin create');
    expect(await usage(tenant)).toBe(3 + '{"a": [1, 2], "b": "é"}'.length + 1 + 3);
    await t.request('POST', PINS, { tenant_id: tenant, key: 'cfg', value: 'short' }, admin);
    await check('pin replace (shrinks, drops the source)');
    await t.request('POST', PINS, { tenant_id: tenant, key: 'ttl', value: 'gone soon', ttl_seconds: 60 }, admin);
    const one = await t.request(
      'POST',
      MEMORIES,
      {
        tenant_id: tenant,
        namespace: 'n',
        create_namespace: true,
        content: 'Alice likes tea',
        metadata: { who: 'alice' },
        tags: ['p', 'q'],
      },
      admin,
    );
    expect(one.status).toBe(201);
    await check('memory create');
    const batch = await t.request(
      'POST',
      `${MEMORIES}/batch`,
      {
        tenant_id: tenant,
        namespace: 'n',
        memories: [
          { content: 'Bob likes coffee', source: 'chat:1' },
          { content: 'Carol likes juice', ttl_seconds: 60 },
          { content: 'Alice likes tea' },
        ],
      },
      admin,
    );
    expect(batch.status).toBe(201);
    await check('memory batch (with a duplicate)');
    await t.request(
      'PATCH',
      `${MEMORIES}/${one.body.id}`,
      { tenant_id: tenant, content: 'Alice likes green tea' },
      admin,
    );
    await check('memory patch content');
    await t.request('PATCH', `${MEMORIES}/${one.body.id}`, { tenant_id: tenant, metadata: {}, tags: [] }, admin);
    await check('memory patch metadata and tags');
    await t.request('PATCH', `${MEMORIES}/${one.body.id}`, { tenant_id: tenant, importance: 0.9 }, admin);
    await check('memory patch that stores no more bytes');
    const moved = await t.request(
      'PATCH',
      `${MEMORIES}/${one.body.id}`,
      { tenant_id: tenant, namespace: 'elsewhere', create_namespace: true },
      admin,
    );
    expect(moved.status).toBe(200);
    await check('memory move');
    expect((await t.request('DELETE', `${MEMORIES}/${one.body.id}?tenant_id=${tenant}`, undefined, admin)).status).toBe(
      204,
    );
    await check('memory delete');
    expect((await t.request('DELETE', `${PINS}/cfg?tenant_id=${tenant}`, undefined, admin)).status).toBe(204);
    await check('pin delete');

    // TTL expiry: the pin cleanup route and the memory expiry job.
    await ownerQuery(t, `UPDATE memory_pins SET expires_at = now() - interval '1 second' WHERE tenant_id = $1`, [
      tenant,
    ]);
    await ownerQuery(
      t,
      `UPDATE memories SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND source IS NULL`,
      [tenant],
    );
    expect((await t.request('POST', `${PINS}/cleanup`, { tenant_id: tenant }, admin)).body.deleted).toBe(1);
    const { MemoryExpiryHandler } = await import('@engram/memories');
    await t.app.get(MemoryExpiryHandler).handle();
    await check('expiry');
    expect(await usage(tenant)).toBe('Bob likes coffee'.length + 2 + 'chat:1'.length);

    // A namespace deleted with its memories, and a delete outside the app, give the bytes back too.
    expect((await t.request('DELETE', `${NAMESPACES}/n?tenant_id=${tenant}`, undefined, admin)).status).toBe(204);
    await check('namespace delete');
    expect(await usage(tenant)).toBe(0);
  });

  it('lets concurrent writers fill the quota exactly, never past it', async () => {
    // Each pin: key "p00".."p49" (3) + a 17-character string as JSON (19) = 22 bytes; 10 fit in 220.
    const tenant = await newTenant(t, { quotas: { storage_bytes: 220 } });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.request(
          'POST',
          PINS,
          { tenant_id: tenant, key: `p${String(i).padStart(2, '0')}`, value: 'v'.repeat(17) },
          admin,
        ),
      ),
    );
    const statuses = results.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 403)).toHaveLength(40);
    expect(await storedBytes(t, tenant)).toBe(220);
    expect(await usage(tenant)).toBe(220);
  });

  it('refuses a patch that grows past the quota, and allows one that shrinks while over it', async () => {
    const tenant = await newTenant(t, { quotas: { storage_bytes: 40 } });
    const created = await t.request(
      'POST',
      MEMORIES,
      { tenant_id: tenant, namespace: 'n', create_namespace: true, content: 'x'.repeat(30) },
      admin,
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const grown = await t.request('PATCH', `${MEMORIES}/${id}`, { tenant_id: tenant, content: 'y'.repeat(60) }, admin);
    expect(grown.status).toBe(403);
    expect(grown.body.error.code).toBe('quota_exceeded');
    expect((await t.request('GET', `${MEMORIES}/${id}?tenant_id=${tenant}`, undefined, admin)).body.content).toBe(
      'x'.repeat(30),
    );
    // The quota is lowered below what is stored: shrinking is still allowed, growing is not.
    await t.request('PATCH', `${TENANTS}/${tenant}`, { quotas: { storage_bytes: 10 } }, admin);
    const shrunk = await t.request('PATCH', `${MEMORIES}/${id}`, { tenant_id: tenant, content: 'z'.repeat(20) }, admin);
    expect(shrunk.status).toBe(200);
    expect(await usage(tenant)).toBe(22);
    expect(await usage(tenant)).toBe(await storedBytes(t, tenant));
  });
});
