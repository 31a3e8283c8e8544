import { TestApp, startTestApp } from '@engram/test-support/app';
import { newTenant } from '@engram/test-support/fixtures';

const NAMESPACES = '/api/v1/namespaces';
const MEMORIES = '/api/v1/memories';

describe.each(['postgres', 'pglite'] as const)('namespaces over HTTP (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database, queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, lists, gets, updates and deletes a namespace, and refuses bad input', async () => {
    const tenant = await newTenant(t);
    const created = await t.request('POST', NAMESPACES, {
      tenant_id: tenant,
      name: 'notes',
      description: 'working notes',
      default_token_budget: 2000,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'notes', default_token_budget: 2000, memory_count: 0 });

    const again = await t.request('POST', NAMESPACES, { tenant_id: tenant, name: 'notes' });
    expect([again.status, again.body.error.code]).toEqual([409, 'namespace_exists']);
    const badName = await t.request('POST', NAMESPACES, { tenant_id: tenant, name: '-no spaces-' });
    expect([badName.status, badName.body.error.code]).toEqual([400, 'invalid_name']);
    const badBudget = await t.request('PATCH', `${NAMESPACES}/notes`, { tenant_id: tenant, default_token_budget: 1 });
    expect([badBudget.status, badBudget.body.error.code]).toEqual([400, 'invalid_default_token_budget']);

    expect((await t.request('POST', NAMESPACES, { tenant_id: tenant, name: 'other' })).status).toBe(201);
    const listed = await t.request('GET', `${NAMESPACES}?tenant_id=${tenant}`);
    expect(listed.body.namespaces.map((n: { name: string }) => n.name).sort()).toEqual(['notes', 'other']);

    const patched = await t.request('PATCH', `${NAMESPACES}/notes`, {
      tenant_id: tenant,
      default_token_budget: 500,
      retention_days: 30,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ default_token_budget: 500, retention_days: 30 });

    const memory = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'notes', content: 'kept here' });
    expect(memory.status).toBe(201);
    const got = await t.request('GET', `${NAMESPACES}/notes?tenant_id=${tenant}`);
    expect(got.body).toMatchObject({ default_token_budget: 500, memory_count: 1 });

    // Deleting the namespace deletes its memories with it.
    expect((await t.request('DELETE', `${NAMESPACES}/notes?tenant_id=${tenant}`)).status).toBe(204);
    expect((await t.request('GET', `${NAMESPACES}/notes?tenant_id=${tenant}`)).body.error.code).toBe(
      'namespace_not_found',
    );
    const gone = await t.request('GET', `${MEMORIES}/${memory.body.id}?tenant_id=${tenant}`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'memory_not_found']);
    expect((await t.request('DELETE', `${NAMESPACES}/notes?tenant_id=${tenant}`)).status).toBe(404);
  });
});
