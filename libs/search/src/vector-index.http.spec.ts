import { SearchRepository } from './search.repository';
import { modelIndexName } from '@engram/memories';
import { FakeEmbeddingServer, startFakeEmbeddingServer } from '@engram/test-support/fake-embedding-server';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

const MODEL = 'openai:wide';
const DIMENSIONS = 16;
const INDEX = modelIndexName(MODEL);

/**
 * A namespace created with a model other than the default gets that model's HNSW index, and
 * the vector stage in HNSW mode plans on it (as the app role, under row-level security).
 */
describe('a vector index for every model in use (postgres)', () => {
  let server: FakeEmbeddingServer;
  let t: TestApp;
  const env = {
    EMBEDDING_OPENAI_URL: '',
    EMBEDDING_OPENAI_MODEL: 'wide',
    EMBEDDING_OPENAI_DIMENSIONS: String(DIMENSIONS),
  };

  beforeAll(async () => {
    server = await startFakeEmbeddingServer(DIMENSIONS);
    env.EMBEDDING_OPENAI_URL = server.url;
    t = await startTestApp({ database: 'postgres', queue: 'bullmq', env });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const indexDefinitions = async () =>
    (await ownerQuery<{ indexdef: string }>(t, 'SELECT indexdef FROM pg_indexes WHERE indexname = $1', [INDEX])).map(
      (row) => row.indexdef,
    );

  /** The index the vector stage's plan scans memory_embeddings with, in HNSW (not exact) mode. */
  const vectorScan = async (tenant: string, namespace: string): Promise<PlanNode[]> => {
    const { sql, values } = t.app.get(SearchRepository).buildSql(tenant, {
      namespaces: [namespace],
      query: 'walrus',
      lexicalLimit: 10,
      vector: {
        model: MODEL,
        dimensions: DIMENSIONS,
        namespaces: [namespace],
        literal: `[${Array.from({ length: DIMENSIONS }, (_, i) => (i % 3) / 10).join(',')}]`,
        limit: 10,
        exact: false,
        efSearch: 40,
        maxScanTuples: 20000,
      },
      related: null,
    });
    const [role, plan] = await t.db.withTenant(tenant, async (tx) => {
      // A few rows would be sorted faster than walked: price the sort out, as for a big scope.
      await tx.query('SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off');
      const [{ current_user }] = await tx.query<{ current_user: string }>('SELECT current_user');
      const rows = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, values);
      return [current_user, rows[0]['QUERY PLAN'][0].Plan] as const;
    });
    expect(role).toBe('engram_app');
    return planNodes(plan).filter((node) => node['Relation Name'] === 'memory_embeddings');
  };

  it('creates the index with the namespace, and the HNSW search plans on it', async () => {
    expect(await indexDefinitions()).toEqual([]);
    const tenant = await newTenant(t);
    const created = await t.request('POST', '/api/v1/namespaces', {
      tenant_id: tenant,
      name: 'wide',
      embedding_model: MODEL,
    });
    expect([created.status, created.body.embedding_model]).toEqual([201, MODEL]);
    expect(await indexDefinitions()).toEqual([
      expect.stringMatching(
        /USING hnsw \(\(\(embedding\)::vector\(16\)\) vector_cosine_ops\) WHERE \(model = 'openai:wide'/,
      ),
    ]);

    const batch = await t.request('POST', '/api/v1/memories/batch', {
      tenant_id: tenant,
      namespace: 'wide',
      memories: Array.from({ length: 30 }, (_, i) => ({ content: `walrus fact number ${i}` })),
    });
    expect(batch.status).toBe(201);
    await eventually(async () => {
      const rows = await ownerQuery<{ count: number }>(
        t,
        `SELECT count(*)::int AS count FROM memory_embeddings WHERE tenant_id = $1 AND model = $2`,
        [tenant, MODEL],
      );
      return rows[0].count === 30;
    });
    expect((await vectorScan(tenant, 'wide')).map((node) => [node['Node Type'], node['Index Name']])).toContainEqual([
      'Index Scan',
      INDEX,
    ]);
  });

  it('puts back at boot the index of a model namespaces already use', async () => {
    const tenant = await newTenant(t);
    expect(
      (await t.request('POST', '/api/v1/namespaces', { tenant_id: tenant, name: 'kept', embedding_model: MODEL }))
        .status,
    ).toBe(201);
    // As on a database whose namespaces predate the index being made at creation.
    await ownerQuery(t, `DROP INDEX ${INDEX}`);
    expect(await vectorScan(tenant, 'kept')).not.toContainEqual(expect.objectContaining({ 'Index Name': INDEX }));

    const second = await startTestApp({ database_: t.database, queue: 'bullmq', env, worker: false });
    try {
      await eventually(async () => (await indexDefinitions()).length === 1);
    } finally {
      await second.close();
    }
    expect((await vectorScan(tenant, 'kept')).map((node) => node['Index Name'])).toContain(INDEX);
  });

  it('embeds a repeated query once for search and context, per tenant', async () => {
    const [first, second] = [await newTenant(t), await newTenant(t)];
    for (const tenant of [first, second]) {
      const namespace = { tenant_id: tenant, name: 'asked', embedding_model: MODEL };
      expect((await t.request('POST', '/api/v1/namespaces', namespace)).status).toBe(201);
      const memory = { tenant_id: tenant, namespace: 'asked', content: 'walruses sleep on ice floes' };
      expect((await t.request('POST', '/api/v1/memories', memory)).status).toBe(201);
    }
    const query = `where do walruses sleep ${first}`;
    const asked = () => server.requests.filter((request) => request.input.includes(query)).length;
    const search = (tenant: string) =>
      t.request('POST', '/api/v1/memories/search', { tenant_id: tenant, namespace: 'asked', query });
    expect((await search(first)).body.lexical_only).toBe(false);
    expect((await search(first)).status).toBe(200);
    const context = await t.request('POST', '/api/v1/context', { tenant_id: first, namespace: 'asked', query });
    expect(context.status).toBe(200);
    expect(asked()).toBe(1);
    expect((await search(second)).status).toBe(200);
    expect(asked()).toBe(2);
  });
});
