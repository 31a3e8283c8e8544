import { MemoryAccessTracker, MemoryExpiryHandler } from '@engram/memories';
import { SearchRepository } from './search.repository';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { adminHeaders, newTenant, ownerQuery } from '@engram/test-support/fixtures';

const MEMORIES = '/api/v1/memories';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];
const SEARCH = '/api/v1/memories/search';

const FACTS = [
  'Alice drinks green tea every morning before work',
  'The deployment pipeline runs on Fridays at noon',
  'Bob is allergic to peanuts and shellfish',
  'The database backups are stored in the eu-west bucket',
  'Alice moved to Lisbon in 2023',
];

describe.each(['postgres', 'pglite'] as const)('search over HTTP (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database, queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function seed(tenant: string, namespace = 'facts'): Promise<Record<string, string>> {
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace,
      create_namespace: true,
      memories: FACTS.map((content) => ({ content })),
    });
    expect(batch.status).toBe(201);
    return Object.fromEntries(batch.body.memories.map((m: { id: string; content: string }) => [m.content, m.id]));
  }

  it('finds memories by words and ranks the best match first, with components on explain', async () => {
    const tenant = await newTenant(t);
    await seed(tenant);
    const response = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'what tea does Alice drink?',
      explain: true,
    });
    expect(response.status).toBe(200);
    expect(response.body.fusion).toBe('weighted');
    const [top] = response.body.results;
    expect(top.memory.content).toBe(FACTS[0]);
    expect(top.components).toMatchObject({ vector_rank: 1, lexical_rank: 1 });
    // Default with the local model: 0.8 × BM25 / best + 0.2 × cosine.
    expect(top.components.relevance).toBeCloseTo(0.8 + 0.2 * top.components.vector, 5);
    const rrf = await t.request('POST', SEARCH, { tenant_id: tenant, namespace: 'facts', query: 'tea', fusion: 'rrf' });
    expect(rrf.body.fusion).toBe('rrf');
    expect(rrf.body.results[0].memory.content).toBe(FACTS[0]);
    expect(top.score).toBeGreaterThan(0.7);
    const scores = response.body.results.map((r: { score: number }) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const plain = await t.request('POST', SEARCH, { tenant_id: tenant, namespace: 'facts', query: 'alice' });
    expect(plain.body.results[0].components).toBeUndefined();
  });

  it('applies k, filters and min_score, and weighted fusion on request', async () => {
    const tenant = await newTenant(t);
    await seed(tenant);
    await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'facts',
      content: 'Alice likes hiking',
      type: 'episodic',
      tags: ['hobby'],
    });
    const k1 = await t.request('POST', SEARCH, { tenant_id: tenant, namespace: 'facts', query: 'alice', k: 1 });
    expect(k1.body.results).toHaveLength(1);
    const filtered = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'alice',
      filters: { types: ['episodic'], tags: ['hobby'] },
    });
    expect(filtered.body.results.map((r: { memory: { content: string } }) => r.memory.content)).toEqual([
      'Alice likes hiking',
    ]);
    const strict = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'alice',
      min_score: 0.99,
    });
    expect(strict.body.results).toEqual([]);
    const weighted = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'peanut allergy',
      fusion: 'weighted',
    });
    expect(weighted.body.fusion).toBe('weighted');
    expect(weighted.body.results[0].memory.content).toBe(FACTS[2]);
  });

  it('boosts or restricts to the neighbours of related_to', async () => {
    const tenant = await newTenant(t);
    const ids = await seed(tenant);
    await t.request('POST', `${MEMORIES}/${ids[FACTS[4]]}/relations`, {
      tenant_id: tenant,
      relations: [{ to: ids[FACTS[1]], relation: 'about' }],
    });
    const restricted = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'alice',
      related_to: ids[FACTS[4]],
      related_mode: 'restrict',
      explain: true,
    });
    expect(restricted.body.results.map((r: { memory: { id: string } }) => r.memory.id)).toEqual([ids[FACTS[1]]]);
    expect(restricted.body.results[0].components.relation).toBe(1);
  });

  it('answers bad input with stable codes', async () => {
    const cases: [unknown, string][] = [
      [{ namespace: 'n' }, 'missing_query'],
      [{ query: 'x' }, 'missing_namespace'],
      [{ query: 'x', namespace: 'n', namespaces: ['n'] }, 'invalid_namespace'],
      [{ query: 'x', namespace: 'n', k: 201 }, 'invalid_k'],
      [{ query: 'x', namespace: 'n', k: 0 }, 'invalid_k'],
      [{ query: 'x', namespace: 'n', min_score: 3 }, 'invalid_min_score'],
      [{ query: 'x', namespace: 'n', filters: { types: ['semantic', 'nope'] } }, 'invalid_filters_types'],
    ];
    for (const [body, code] of cases) {
      const response = await t.request('POST', SEARCH, body);
      expect([response.status, response.body.error.code]).toEqual([400, code]);
    }
  });

  it('names a field without array indices in the code and gives its exact place in details.path', async () => {
    const response = await t.request('POST', SEARCH, {
      query: 'x',
      namespace: 'n',
      filters: { types: ['semantic', 'nope'] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_filters_types');
    expect(response.body.error.details.path).toEqual(['filters', 'types', 1]);
  });

  it('never returns a deleted or expired memory, and counts accesses off the request path', async () => {
    const tenant = await newTenant(t);
    const ids = await seed(tenant);
    await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'facts',
      content: 'Alice had a short-lived note',
      ttl_seconds: 1,
    });
    expect((await t.request('DELETE', `${MEMORIES}/${ids[FACTS[0]]}?tenant_id=${tenant}`)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const response = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'Alice green tea morning short-lived note',
      k: 50,
    });
    const contents = response.body.results.map((r: { memory: { content: string } }) => r.memory.content);
    expect(contents).toContain(FACTS[4]);
    expect(contents).not.toContain(FACTS[0]);
    expect(contents).not.toContain('Alice had a short-lived note');
    await t.app.get(MemoryAccessTracker).flush();
    const got = await t.request('GET', `${MEMORIES}/${ids[FACTS[4]]}?tenant_id=${tenant}`);
    expect(got.body.access_count).toBe(1);
    expect(got.body.last_accessed_at).not.toBeNull();
  });

  it('searches across several namespaces, and answers 404 for an unknown one', async () => {
    const tenant = await newTenant(t);
    await seed(tenant, 'a');
    await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'b',
      create_namespace: true,
      content: 'Alice owns a cat',
    });
    const both = await t.request('POST', SEARCH, { tenant_id: tenant, namespaces: ['a', 'b'], query: 'alice cat' });
    expect(both.body.results[0].memory.content).toBe('Alice owns a cat');
    expect(new Set(both.body.results.map((r: { memory: { namespace: string } }) => r.memory.namespace))).toEqual(
      new Set(['a', 'b']),
    );
    const none = await t.request('POST', SEARCH, { tenant_id: tenant, namespace: 'nope', query: 'alice' });
    expect([none.status, none.body.error.code, none.body.error.details]).toEqual([
      404,
      'namespace_not_found',
      { namespace: 'nope' },
    ]);
    const some = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespaces: ['a', 'x', 'b', 'y'],
      query: 'alice',
    });
    expect([some.status, some.body.error.code, some.body.error.details]).toEqual([
      404,
      'namespace_not_found',
      { namespace: 'x', missing: ['x', 'y'] },
    ]);
  });
  it('ranks by BM25: a rare word outranks a common one, and a question matching some of its words finds the memory', async () => {
    const tenant = await newTenant(t);
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'bm25',
      create_namespace: true,
      memories: [
        { content: 'The project meeting is on Monday' },
        { content: 'The project budget was approved' },
        { content: 'The project wiki moved' },
        { content: 'Quarterly project review' },
        { content: 'Zanzibar trip planned for the project team' },
      ],
    });
    expect(batch.status).toBe(201);
    const rare = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'bm25',
      query: 'project zanzibar',
      explain: true,
    });
    expect(rare.body.results[0].memory.content).toBe('Zanzibar trip planned for the project team');
    expect(rare.body.results[0].components.lexical_rank).toBe(1);
    // Every memory matches "project"; only one matches "zanzibar": BM25 gives it far more.
    expect(rare.body.results[1].components.lexical).toBeLessThan(rare.body.results[0].components.lexical / 2);

    // An all-words match would need "when", "approve", "spend" and "money" in one memory: none has them.
    const question = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'bm25',
      query: 'when was the budget for spending money approved?',
      explain: true,
    });
    expect(question.body.results[0].memory.content).toBe('The project budget was approved');
    expect(question.body.results[0].components.lexical).toBeGreaterThan(0);
  });

  it('plans the lexical stage on the postings index as the app role under row-level security', async () => {
    const tenant = await newTenant(t);
    await seed(tenant);
    const { sql, values } = t.app.get(SearchRepository).buildSql(tenant, {
      namespaces: ['facts'],
      query: 'what tea does Alice drink?',
      lexicalLimit: 100,
      vector: null,
      related: null,
    });
    // With sequential scans priced out, a plan that still scans `memories` has no usable index:
    // what happened when the probe was `tsv @@ query`, which is not leakproof, under a policy.
    const [role, plan] = await t.db.withTenant(tenant, async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const [{ current_user }] = await tx.query<{ current_user: string }>('SELECT current_user');
      const rows = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql}`, values);
      return [current_user, rows[0]['QUERY PLAN'][0].Plan] as const;
    });
    expect(role).toBe('engram_app');
    const scans = planNodes(plan).filter((node) => node['Relation Name'] !== undefined);
    const on = (relation: string) => scans.filter((node) => node['Relation Name'] === relation);
    expect(on('memory_lexical_postings').length).toBeGreaterThan(0);
    for (const node of on('memory_lexical_postings')) {
      expect(node).toMatchObject({ 'Node Type': 'Index Only Scan', 'Index Name': 'memory_lexical_postings_pkey' });
    }
    expect(on('memories').map((node) => node['Node Type'])).not.toContain('Seq Scan');
  });

  it('keeps the lexical statistics equal to a recount through every write path, and under RLS', async () => {
    const tenant = await newTenant(t);
    const stored = (sql: string) => ownerQuery(t, sql, [tenant]);
    const expectExact = async () => {
      expect(
        await stored(
          `SELECT namespace, doc_count::int, total_lexemes::int, total_tokens::int FROM memory_lexical_stats
           WHERE tenant_id = $1 ORDER BY namespace`,
        ),
      ).toEqual(
        await stored(
          `SELECT namespace, count(*)::int AS doc_count, sum(length(tsv))::int AS total_lexemes,
                  sum(tsvector_token_count(tsv))::int AS total_tokens
           FROM memories WHERE tenant_id = $1 GROUP BY namespace ORDER BY namespace`,
        ),
      );
      expect(
        await stored(
          `SELECT namespace, lexeme, doc_freq FROM memory_lexical_terms WHERE tenant_id = $1 ORDER BY namespace, lexeme`,
        ),
      ).toEqual(
        await stored(
          `SELECT m.namespace, l.lexeme, count(*)::int AS doc_freq FROM memories m, unnest(m.tsv) l
           WHERE m.tenant_id = $1 GROUP BY m.namespace, l.lexeme ORDER BY m.namespace, l.lexeme`,
        ),
      );
      expect(
        await stored(
          `SELECT namespace, lexeme, memory_id, tf, dl, expires_at FROM memory_lexical_postings
           WHERE tenant_id = $1 ORDER BY namespace, lexeme, memory_id`,
        ),
      ).toEqual(
        await stored(
          `SELECT m.namespace, l.lexeme, m.id AS memory_id, coalesce(array_length(l.positions, 1), 1)::smallint AS tf,
                  length(m.tsv) AS dl, m.expires_at
           FROM memories m, unnest(m.tsv) l WHERE m.tenant_id = $1 ORDER BY m.namespace, l.lexeme, m.id`,
        ),
      );
    };
    const ids = await seed(tenant, 'a');
    await seed(tenant, 'b');
    const single = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'a',
      content: 'A note that will expire soon',
      ttl_seconds: 1,
    });
    expect(single.status).toBe(201);
    await expectExact();
    expect((await stored('SELECT 1 FROM memory_lexical_stats WHERE tenant_id = $1')).length).toBe(2);

    const patched = await t.request('PATCH', `${MEMORIES}/${ids[FACTS[0]]}`, {
      tenant_id: tenant,
      content: 'Alice drinks black coffee at night',
    });
    expect(patched.status).toBe(200);
    expect(
      (await t.request('PATCH', `${MEMORIES}/${ids[FACTS[1]]}`, { tenant_id: tenant, importance: 0.9 })).status,
    ).toBe(200);
    await expectExact();

    expect((await t.request('DELETE', `${MEMORIES}/${ids[FACTS[2]]}?tenant_id=${tenant}`)).status).toBe(204);
    await expectExact();

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await t.app.get(MemoryExpiryHandler).handle();
    expect(await stored(`SELECT 1 FROM memories WHERE tenant_id = $1 AND content LIKE 'A note%'`)).toEqual([]);
    await expectExact();

    expect((await t.request('DELETE', `/api/v1/namespaces/b?tenant_id=${tenant}`)).status).toBe(204);
    await expectExact();
    expect(await stored(`SELECT 1 FROM memory_lexical_terms WHERE tenant_id = $1 AND namespace = 'b'`)).toEqual([]);

    // RLS: the app role sees only the tenant's own statistics.
    const other = await newTenant(t);
    await seed(other, 'a');
    for (const table of ['memory_lexical_terms', 'memory_lexical_postings']) {
      const visible = await t.db.withTenant(tenant, (tx) =>
        tx.query<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM ${table}`),
      );
      expect(visible).toEqual([{ tenant_id: tenant }]);
    }

    const erased = await t.request('DELETE', `/api/v1/admin/tenants/${tenant}`, undefined, adminHeaders(t));
    expect(erased.status).toBe(202);
    await eventually(async () => (await stored('SELECT 1 FROM tenants WHERE id = $1')).length === 0, 10_000);
    expect(await stored('SELECT 1 FROM memory_lexical_stats WHERE tenant_id = $1')).toEqual([]);
    expect(await stored('SELECT 1 FROM memory_lexical_terms WHERE tenant_id = $1')).toEqual([]);
    expect(await stored('SELECT 1 FROM memory_lexical_postings WHERE tenant_id = $1')).toEqual([]);
    expect(await ownerQuery(t, 'SELECT 1 FROM memory_lexical_stats WHERE tenant_id = $1', [other])).toHaveLength(1);
  });
});

describe.each(['postgres', 'pglite'] as const)('search through the HNSW index (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    // Every scope is "large": the vector stage walks the HNSW graph with an iterative scan.
    t = await startTestApp({
      database,
      queue: 'inline',
      env: { SEARCH_EXACT_SCAN_MAX_ROWS: '0', SEARCH_HNSW_MAX_SCAN_TUPLES: '100' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds by vector and by words with the scan bounded, and counts the mode', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    for (const owner of [tenant, other]) {
      const batch = await t.request('POST', `${MEMORIES}/batch`, {
        tenant_id: owner,
        namespace: 'facts',
        create_namespace: true,
        memories: FACTS.map((content) => ({ content: `${content} (${owner})` })),
      });
      expect(batch.status).toBe(201);
    }
    const response = await t.request('POST', SEARCH, {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'what tea does Alice drink?',
      explain: true,
    });
    expect(response.status).toBe(200);
    expect(response.body.results[0].memory.content).toBe(`${FACTS[0]} (${tenant})`);
    expect(response.body.results[0].components.vector_rank).toBe(1);
    expect(response.body.results.map((r: { memory: { tenant_id: string } }) => r.memory.tenant_id)).toEqual(
      response.body.results.map(() => tenant),
    );
    const metrics = await t.request('GET', '/metrics', undefined, adminHeaders(t));
    expect(metrics.text).toMatch(/memory_search_latency_seconds_count\{mode="hnsw"\} [1-9]/);
  });
});
