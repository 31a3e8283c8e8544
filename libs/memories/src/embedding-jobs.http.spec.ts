import { FakeEmbeddingServer, startFakeEmbeddingServer } from '@engram/test-support/fake-embedding-server';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';

const MEMORIES = '/api/v1/memories';

describe('queued embeddings and re-embedding (postgres, BullMQ)', () => {
  let server: FakeEmbeddingServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await startFakeEmbeddingServer(8);
    t = await startTestApp({
      database: 'postgres',
      queue: 'bullmq',
      env: {
        EMBEDDING_OPENAI_URL: server.url,
        EMBEDDING_OPENAI_MODEL: 'fake',
        EMBEDDING_OPENAI_DIMENSIONS: '8',
        EMBEDDING_OPENAI_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const status = async (tenant: string, id: string) =>
    (await t.request('GET', `${MEMORIES}/${id}?tenant_id=${tenant}`)).body.embedding_status;

  it('embeds through a job when the model is remote: searchable by text at once, by vector when ready', async () => {
    const tenant = await newTenant(t);
    const ns = await t.request('POST', '/api/v1/namespaces', {
      tenant_id: tenant,
      name: 'remote',
      embedding_model: 'openai:fake',
    });
    expect(ns.status).toBe(201);
    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'remote',
      content: 'quokkas live on Rottnest island',
    });
    expect(created.status).toBe(201);
    expect(created.body.embedding_status).toBe('pending');
    const early = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: tenant,
      namespace: 'remote',
      query: 'quokkas',
      explain: true,
    });
    expect(early.body.results[0].memory.id).toBe(created.body.id);
    await eventually(async () => (await status(tenant, created.body.id)) === 'ready');
    const vectors = await ownerQuery<{ model: string; dims: number }>(
      t,
      'SELECT model, vector_dims(embedding) AS dims FROM memory_embeddings WHERE tenant_id = $1',
      [tenant],
    );
    expect(vectors).toEqual([{ model: 'openai:fake', dims: 8 }]);
    const late = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: tenant,
      namespace: 'remote',
      query: 'quokkas',
      explain: true,
    });
    expect(late.body.lexical_only).toBe(false);
    expect(late.body.results[0].components.vector).toBeGreaterThan(0);
  });

  it('marks a memory failed when the model server keeps failing', async () => {
    const tenant = await newTenant(t);
    await t.request('POST', '/api/v1/namespaces', {
      tenant_id: tenant,
      name: 'remote',
      embedding_model: 'openai:fake',
    });
    server.failures = Array.from({ length: 40 }, () => 400);
    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'remote',
      content: 'doomed to fail',
    });
    await eventually(async () => (await status(tenant, created.body.id)) === 'failed', 20_000);
    server.failures = [];
  }, 30_000);

  it('re-embeds a namespace with another model while search keeps working, then drops the old vectors', async () => {
    const tenant = await newTenant(t);
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'docs',
      create_namespace: true,
      memories: Array.from({ length: 20 }, (_, i) => ({ content: `platypus fact number ${i}` })),
    });
    expect(batch.body.memories.every((m: { embedding_status: string }) => m.embedding_status === 'ready')).toBe(true);
    const patched = await t.request('PATCH', '/api/v1/namespaces/docs', {
      tenant_id: tenant,
      embedding_model: 'openai:fake',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ embedding_model: 'local-hash-384' });
    const during = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: tenant,
      namespace: 'docs',
      query: 'platypus fact number 3',
    });
    expect(during.body.results[0].memory.content).toBe('platypus fact number 3');
    await eventually(
      async () =>
        (await t.request('GET', `/api/v1/namespaces/docs?tenant_id=${tenant}`)).body.embedding_model === 'openai:fake',
    );
    const models = await ownerQuery<{ model: string; count: number }>(
      t,
      'SELECT model, count(*)::int AS count FROM memory_embeddings WHERE tenant_id = $1 GROUP BY model',
      [tenant],
    );
    expect(models).toEqual([{ model: 'openai:fake', count: 20 }]);
    const after = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: tenant,
      namespace: 'docs',
      query: 'platypus fact number 3',
    });
    expect(after.body.lexical_only).toBe(false);
    expect(after.body.results[0].memory.content).toBe('platypus fact number 3');
    const indexes = await ownerQuery<{ indexdef: string }>(
      t,
      `SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'memory_embeddings_hnsw_openai_fake%'`,
    );
    expect(indexes[0].indexdef).toContain('vector(8)');
  });

  it("re-embeds a moved memory with the target namespace's model", async () => {
    const tenant = await newTenant(t);
    await t.request('POST', '/api/v1/namespaces', {
      tenant_id: tenant,
      name: 'remote',
      embedding_model: 'openai:fake',
    });
    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'local',
      create_namespace: true,
      content: 'wombats dig burrows',
    });
    expect(created.body.embedding_status).toBe('ready');
    const moved = await t.request('PATCH', `${MEMORIES}/${created.body.id}`, {
      tenant_id: tenant,
      namespace: 'remote',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ namespace: 'remote', embedding_status: 'pending' });
    await eventually(async () => (await status(tenant, created.body.id)) === 'ready');
    const vectors = await ownerQuery<{ model: string; namespace: string }>(
      t,
      'SELECT model, namespace FROM memory_embeddings WHERE tenant_id = $1',
      [tenant],
    );
    expect(vectors).toEqual([{ model: 'openai:fake', namespace: 'remote' }]);
    const found = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: tenant,
      namespace: 'remote',
      query: 'wombats',
      explain: true,
    });
    expect(found.body.results[0].memory.id).toBe(created.body.id);
    expect(found.body.results[0].components.vector).toBeGreaterThan(0);
  });

  it('refuses an unknown model', async () => {
    const response = await t.request('POST', '/api/v1/namespaces', {
      tenant_id: await newTenant(t),
      name: 'x',
      embedding_model: 'nope',
    });
    expect([response.status, response.body.error.code]).toEqual([400, 'unknown_embedding_model']);
  });
});
