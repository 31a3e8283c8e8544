import { TestApp, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { adminHeaders, newTenant } from '@engram/test-support/fixtures';
import { badInputCorpus, BadInputCase } from '@engram/test-support/bad-input-corpus';
import { dbSnapshot } from '@engram/test-support/db-snapshot';

/** Every input that once answered 500, now 400 with a code naming the field, and writes into an unknown namespace (404): no row changed. */
describe.each(['postgres', 'pglite'] as const)('bad input corpus (%s)', (database) => {
  let t: TestApp;
  let cases: BadInputCase[];

  beforeAll(async () => {
    t = await startTestApp({ database, queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: 'corpus-admin-token-0123456789' } });
    const tenant = await newTenant(t);
    const headers = adminHeaders(t);
    const target = await t.request(
      'POST',
      '/api/v1/memories',
      { tenant_id: tenant, namespace: 'ns', create_namespace: true, content: 'the target of relations' },
      headers,
    );
    expect(target.status).toBe(201);
    const pin = await t.request('POST', '/api/v1/memory/pins', { tenant_id: tenant, key: 'k1', value: 1 }, headers);
    expect(pin.status).toBe(201);
    await t.settle();
    cases = badInputCorpus({ tenant, memoryId: target.body.id, freshTenant: uniqueTenant('fresh') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses each with 400 and its code, writing nothing', async () => {
    const before = await dbSnapshot(t);
    const answers: { name: string; status: number; code: unknown }[] = [];
    for (const bad of cases) {
      const response = await t.request(bad.method, bad.url, bad.body, adminHeaders(t));
      answers.push({ name: bad.name, status: response.status, code: response.body?.error?.code });
    }
    await t.settle();
    expect(answers).toEqual(cases.map((bad) => ({ name: bad.name, status: bad.status ?? 400, code: bad.code })));
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('still accepts the nearest good inputs', async () => {
    const headers = adminHeaders(t);
    const tenant = cases[0].body as { tenant_id: string };
    const nested64 = '['.repeat(63) + ']'.repeat(63);
    const deep = await t.request(
      'POST',
      '/api/v1/memory/pins',
      `{"tenant_id":"${tenant.tenant_id}","key":"deep","value":${nested64}}`,
      headers,
    );
    expect([deep.status, deep.body?.error?.code]).toEqual([201, undefined]);
    const pair = await t.request(
      'POST',
      '/api/v1/memory/pins',
      { tenant_id: tenant.tenant_id, key: 'emoji', value: '\ud83d\ude00 ok', source: 'é' },
      headers,
    );
    expect(pair.status).toBe(201);
    expect(pair.body.value).toBe('\ud83d\ude00 ok');
    const since = await t.request(
      'GET',
      `/api/v1/memories?tenant_id=${tenant.tenant_id}&created_after=0001-01-01T00:00:00Z&created_before=9999-12-31T23:59:59-15:59`,
      undefined,
      headers,
    );
    expect(since.status).toBe(200);
  });
});
