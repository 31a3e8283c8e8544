import { TestApp, startTestApp } from '@engram/test-support/app';
import { newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';

/**
 * One rule for every route: an unknown namespace is 404 namespace_not_found, for reads and
 * writes alike; a write creates its namespace only when it says `create_namespace: true`, and
 * then in the same transaction as the write, so a refused write leaves no namespace behind.
 */

const MEMORIES = '/api/v1/memories';
const NAMESPACES = '/api/v1/namespaces';
const NOT_FOUND = (name: string) => ({ status: 404, code: 'namespace_not_found', namespace: name });

describe.each(['postgres', 'pglite'] as const)('the namespace rule (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database, queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  const outcome = (response: { status: number; body: any }) => ({
    status: response.status,
    code: response.body?.error?.code,
    namespace: response.body?.error?.details?.namespace,
  });
  const stored = async (tenant: string) => ({
    namespaces: (
      await ownerQuery<{ name: string }>(t, 'SELECT name FROM namespaces WHERE tenant_id = $1 ORDER BY name', [tenant])
    ).map((row) => row.name),
    memories: (
      await ownerQuery<{ namespace: string; content: string }>(
        t,
        'SELECT namespace, content FROM memories WHERE tenant_id = $1 ORDER BY namespace, content',
        [tenant],
      )
    ).map((row) => `${row.namespace}/${row.content}`),
  });

  it('create memory: 404 for an unknown namespace; create_namespace creates it with the write', async () => {
    const tenant = await newTenant(t);
    const typo = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'notse', content: 'a fact' });
    expect(outcome(typo)).toEqual(NOT_FOUND('notse'));
    const no = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'notse',
      create_namespace: false,
      content: 'a fact',
    });
    expect(outcome(no)).toEqual(NOT_FOUND('notse'));
    expect(await stored(tenant)).toEqual({ namespaces: [], memories: [] });

    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'notes',
      create_namespace: true,
      content: 'a fact',
    });
    expect([created.status, created.body.namespace]).toEqual([201, 'notes']);
    const ns = await t.request('GET', `${NAMESPACES}/notes?tenant_id=${tenant}`);
    expect(ns.body).toMatchObject({ name: 'notes', memory_count: 1, default_token_budget: 4000 });

    // On an existing namespace the flag changes nothing: its settings stay.
    await newNamespace(t, tenant, 'tuned', { default_token_budget: 500 });
    const again = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'tuned',
      create_namespace: true,
      content: 'another fact',
    });
    expect(again.status).toBe(201);
    expect((await t.request('GET', `${NAMESPACES}/tuned?tenant_id=${tenant}`)).body.default_token_budget).toBe(500);
    const plain = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'tuned', content: 'third fact' });
    expect(plain.status).toBe(201);
  });

  it('batch: an unknown namespace writes nothing; with create_namespace a refused batch leaves no namespace', async () => {
    const tenant = await newTenant(t);
    const memories = [{ content: 'one' }, { content: 'two' }];
    const typo = await t.request('POST', `${MEMORIES}/batch`, { tenant_id: tenant, namespace: 'bulk', memories });
    expect(outcome(typo)).toEqual(NOT_FOUND('bulk'));
    const refused = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'bulk',
      create_namespace: true,
      memories: [
        ...memories,
        { content: 'three', relations: [{ to: '00000000-0000-4000-8000-000000000000', relation: 'about' }] },
      ],
    });
    expect([refused.status, refused.body.error.code]).toEqual([404, 'relation_target_not_found']);
    expect(await stored(tenant)).toEqual({ namespaces: [], memories: [] });

    const created = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'bulk',
      create_namespace: true,
      memories,
    });
    expect([created.status, created.body.created]).toEqual([201, 2]);
    expect(await stored(tenant)).toEqual({ namespaces: ['bulk'], memories: ['bulk/one', 'bulk/two'] });
  });

  it('list, search and context: 404 for an unknown namespace, 200 for an empty one', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'empty');
    await newNamespace(t, tenant, 'full');
    await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'full', content: 'otters hold hands' });

    expect(outcome(await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&namespace=nope`))).toEqual(
      NOT_FOUND('nope'),
    );
    const empty = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&namespace=empty`);
    expect([empty.status, empty.body.memories]).toEqual([200, []]);
    const all = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}`);
    expect(all.body.memories).toHaveLength(1);

    const search = (body: Record<string, unknown>) =>
      t.request('POST', `${MEMORIES}/search`, { tenant_id: tenant, query: 'otters', ...body });
    expect(outcome(await search({ namespace: 'nope' }))).toEqual(NOT_FOUND('nope'));
    expect(outcome(await search({ namespaces: ['full', 'nope'] }))).toEqual(NOT_FOUND('nope'));
    expect((await search({ namespace: 'empty' })).body.results).toEqual([]);
    expect((await search({ namespaces: ['empty', 'full'] })).body.results).toHaveLength(1);

    const context = (namespace: string) =>
      t.request('POST', '/api/v1/context', { tenant_id: tenant, namespace, query: 'otters' });
    expect(outcome(await context('nope'))).toEqual(NOT_FOUND('nope'));
    const packed = await context('empty');
    expect([packed.status, packed.body.blocks]).toEqual([200, []]);
    expect((await context('full')).body.blocks).toHaveLength(1);
  });

  it('get, patch and delete namespace: 404 for an unknown one', async () => {
    const tenant = await newTenant(t);
    expect(outcome(await t.request('GET', `${NAMESPACES}/nope?tenant_id=${tenant}`))).toEqual(NOT_FOUND('nope'));
    expect(
      outcome(await t.request('PATCH', `${NAMESPACES}/nope`, { tenant_id: tenant, default_token_budget: 100 })),
    ).toEqual(NOT_FOUND('nope'));
    expect(outcome(await t.request('DELETE', `${NAMESPACES}/nope?tenant_id=${tenant}`))).toEqual(NOT_FOUND('nope'));
    expect(await stored(tenant)).toEqual({ namespaces: [], memories: [] });
  });

  it('patch memory: a move follows the same rule, and create_namespace creates the target with the move', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'inbox');
    const memory = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'inbox', content: 'file me' });
    const id = memory.body.id as string;
    const patch = (body: Record<string, unknown>, target = id) =>
      t.request('PATCH', `${MEMORIES}/${target}`, { tenant_id: tenant, ...body });

    expect(outcome(await patch({ namespace: 'archvie', importance: 0.9 }))).toEqual(NOT_FOUND('archvie'));
    const flagOnly = await patch({ create_namespace: true, importance: 0.9 });
    expect([flagOnly.status, flagOnly.body.error.code]).toEqual([400, 'invalid_create_namespace']);
    const nobody = await patch({ namespace: 'ghost', create_namespace: true }, '00000000-0000-4000-8000-000000000000');
    expect([nobody.status, nobody.body.error.code]).toEqual([404, 'memory_not_found']);
    expect(await stored(tenant)).toEqual({ namespaces: ['inbox'], memories: ['inbox/file me'] });
    expect((await t.request('GET', `${MEMORIES}/${id}?tenant_id=${tenant}`)).body.importance).toBe(0.5);

    const same = await patch({ namespace: 'inbox' });
    expect([same.status, same.body.namespace]).toEqual([200, 'inbox']);
    const moved = await patch({ namespace: 'archive', create_namespace: true, tags: ['filed'] });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id, namespace: 'archive', tags: ['filed'], embedding_status: 'ready' });
    expect(await stored(tenant)).toEqual({ namespaces: ['archive', 'inbox'], memories: ['archive/file me'] });
    const vectors = await ownerQuery<{ namespace: string }>(
      t,
      'SELECT namespace FROM memory_embeddings WHERE tenant_id = $1 AND memory_id = $2',
      [tenant, id],
    );
    expect(vectors).toEqual([{ namespace: 'archive' }]);
    const found = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: tenant,
      namespace: 'archive',
      query: 'file me',
      explain: true,
    });
    expect(found.body.results.map((r: { memory: { id: string } }) => r.memory.id)).toEqual([id]);
    expect(found.body.results[0].components.vector).toBeGreaterThan(0);
    const left = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: tenant,
      namespace: 'inbox',
      query: 'file me',
    });
    expect(left.body.results).toEqual([]);

    // The target already holds this content: 409 naming the memory that holds it.
    const twin = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'inbox', content: 'file me' });
    expect(twin.status).toBe(201);
    const clash = await patch({ namespace: 'archive' }, twin.body.id);
    expect([clash.status, clash.body.error.code, clash.body.error.details.id]).toEqual([409, 'duplicate_content', id]);
  });

  it('re-checks in the write itself: a namespace deleted behind the settings cache is still a 404', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'doomed');
    await newNamespace(t, tenant, 'safe');
    const kept = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'safe', content: 'stays put' });
    // Warms this process's cache of the namespace's settings, then deletes it past the API.
    expect((await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'doomed', content: 'x' })).status).toBe(
      201,
    );
    await ownerQuery(t, `DELETE FROM namespaces WHERE tenant_id = $1 AND name = 'doomed'`, [tenant]);

    const single = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'doomed', content: 'y' });
    expect(outcome(single)).toEqual(NOT_FOUND('doomed'));
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'doomed',
      memories: [{ content: 'a' }, { content: 'b' }],
    });
    expect(outcome(batch)).toEqual(NOT_FOUND('doomed'));
    const move = await t.request('PATCH', `${MEMORIES}/${kept.body.id}`, { tenant_id: tenant, namespace: 'doomed' });
    expect(outcome(move)).toEqual(NOT_FOUND('doomed'));
    expect(await stored(tenant)).toEqual({ namespaces: ['safe'], memories: ['safe/stays put'] });
  });
});
