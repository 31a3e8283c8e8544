import { TestApp, startTestApp } from '@engram/test-support/app';
import { newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { MemoryExpiryHandler } from './memories.jobs';

const MEMORIES = '/api/v1/memories';

describe('memories over HTTP (postgres)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres', queue: 'bullmq' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a memory with provenance and an inline vector, and reads it back', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'notes');
    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'notes',
      content: 'Alice prefers green tea in the morning',
      type: 'semantic',
      metadata: { person: 'alice' },
      tags: ['prefs'],
      importance: 0.8,
      source: 'chat:42',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tenant_id: tenant,
      namespace: 'notes',
      type: 'semantic',
      importance: 0.8,
      tags: ['prefs'],
      metadata: { person: 'alice' },
      provenance: { source: 'chat:42', actor: 'local', created_by_key: null },
      embedding_status: 'ready',
      duplicate: false,
    });
    const got = await t.request('GET', `${MEMORIES}/${created.body.id}?tenant_id=${tenant}`);
    expect(got.status).toBe(200);
    expect(got.body.content).toBe('Alice prefers green tea in the morning');
    const vectors = await ownerQuery<{ model: string; dims: number }>(
      t,
      'SELECT model, vector_dims(embedding) AS dims FROM memory_embeddings WHERE tenant_id = $1 AND memory_id = $2',
      [tenant, created.body.id],
    );
    expect(vectors).toEqual([{ model: 'local-hash-384', dims: 384 }]);
  });

  it('returns the existing memory for exact duplicate content, with duplicate: true and 200', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'n');
    await newNamespace(t, tenant, 'other');
    const body = { tenant_id: tenant, namespace: 'n', content: 'the build uses node 24' };
    const first = await t.request('POST', MEMORIES, body);
    const second = await t.request('POST', MEMORIES, body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, duplicate: true });
    const other = await t.request('POST', MEMORIES, { ...body, namespace: 'other' });
    expect(other.status).toBe(201);
    const rows = await ownerQuery(t, 'SELECT id FROM memories WHERE tenant_id = $1', [tenant]);
    expect(rows).toHaveLength(2);
  });

  it('stores one edge when repeated content in a batch carries the same relation twice', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'n');
    const target = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'n', content: 'the target' });
    const item = { content: 'said twice', relations: [{ to: target.body.id, relation: 'about', weight: 0.5 }] };
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'n',
      memories: [item, { content: 'between' }, { ...item, relations: [{ ...item.relations[0], weight: 0.25 }] }],
    });
    expect(batch.status).toBe(201);
    expect(batch.body.created).toBe(2);
    const edges = await ownerQuery<{ weight: number }>(
      t,
      'SELECT weight FROM memory_relations WHERE tenant_id = $1 AND from_id = $2',
      [tenant, batch.body.memories[0].id],
    );
    expect(edges).toEqual([{ weight: 0.25 }]);
  });

  it('creates a batch in one go, marking duplicates within and across batches', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'n');
    await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'n', content: 'already here' });
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'n',
      memories: [
        { content: 'one' },
        { content: 'two', type: 'episodic' },
        { content: 'one' },
        { content: 'already here' },
      ],
    });
    expect(batch.status).toBe(201);
    expect(batch.body.created).toBe(2);
    expect(batch.body.duplicates).toBe(2);
    expect(batch.body.memories.map((m: { content: string; duplicate: boolean }) => [m.content, m.duplicate])).toEqual([
      ['one', false],
      ['two', false],
      ['one', true],
      ['already here', true],
    ]);
    expect(batch.body.memories[0].id).toBe(batch.body.memories[2].id);
  });

  it('rejects a whole batch when one item is invalid, writing nothing', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'n');
    const tooBig = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'n',
      memories: [{ content: 'fine' }, { content: 'x'.repeat(64 * 1024 + 1) }],
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('content_too_large');
    const badRelation = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'n',
      memories: [
        { content: 'fine' },
        { content: 'linked', relations: [{ to: '00000000-0000-4000-8000-000000000000', relation: 'about' }] },
      ],
    });
    expect(badRelation.status).toBe(404);
    expect(badRelation.body.error.code).toBe('relation_target_not_found');
    expect(await ownerQuery(t, 'SELECT 1 FROM memories WHERE tenant_id = $1', [tenant])).toHaveLength(0);
    const tooMany = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'n',
      memories: Array.from({ length: 1001 }, (_, i) => ({ content: `m${i}` })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('invalid_memories');
  });

  it('answers bad input with stable codes', async () => {
    const cases: [unknown, number, string][] = [
      [{ namespace: 'n' }, 400, 'missing_content'],
      [{ namespace: 'n', content: 'x', type: 'dream' }, 400, 'invalid_type'],
      [{ namespace: 'n', content: 'x', importance: 2 }, 400, 'invalid_importance'],
      [{ namespace: 'bad name!', content: 'x' }, 400, 'invalid_namespace'],
      [{ namespace: 'n', content: 'x', extra: 1 }, 400, 'invalid_body'],
      [{ namespace: 'n', content: 'x'.repeat(70_000) }, 413, 'content_too_large'],
    ];
    for (const [body, status, code] of cases) {
      const response = await t.request('POST', MEMORIES, body);
      expect([response.status, response.body.error.code]).toEqual([status, code]);
    }
    const badId = await t.request('GET', `${MEMORIES}/not-a-uuid`);
    expect([badId.status, badId.body.error.code]).toEqual([400, 'invalid_id']);
    const missing = await t.request('GET', `${MEMORIES}/00000000-0000-4000-8000-000000000000`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'memory_not_found']);
  });

  it('updates fields and re-embeds new content; refuses content another memory has', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'n');
    const a = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'n', content: 'first text' });
    const b = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'n', content: 'second text' });
    const patched = await t.request('PATCH', `${MEMORIES}/${a.body.id}`, {
      tenant_id: tenant,
      content: 'first text, revised',
      tags: ['x'],
      importance: 0.1,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      content: 'first text, revised',
      tags: ['x'],
      importance: expect.closeTo(0.1, 5),
    });
    expect(Date.parse(patched.body.updated_at)).toBeGreaterThan(Date.parse(a.body.updated_at));
    const clash = await t.request('PATCH', `${MEMORIES}/${a.body.id}`, { tenant_id: tenant, content: 'second text' });
    expect([clash.status, clash.body.error.code]).toEqual([409, 'duplicate_content']);
    expect(clash.body.error.details.id).toBe(b.body.id);
  });

  it('lists with filters and cursor pages', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'a');
    await newNamespace(t, tenant, 'b');
    const contents = Array.from({ length: 7 }, (_, i) => `note number ${i}`);
    for (const [i, content] of contents.entries()) {
      await t.request('POST', MEMORIES, {
        tenant_id: tenant,
        namespace: i < 5 ? 'a' : 'b',
        content,
        type: i % 2 === 0 ? 'episodic' : 'semantic',
        tags: i % 3 === 0 ? ['three'] : [],
        metadata: { i, even: i % 2 === 0 },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { memories: { content: string }[]; next_cursor: string | null } } =
        await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.memories.map((m) => m.content));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...contents].reverse());

    const filtered = async (query: string) =>
      (await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&${query}`)).body.memories
        .map((m: { content: string }) => m.content)
        .sort();
    expect(await filtered('namespace=b')).toEqual(['note number 5', 'note number 6']);
    expect(await filtered('type=episodic&namespace=a')).toEqual(['note number 0', 'note number 2', 'note number 4']);
    expect(await filtered('tags=three')).toEqual(['note number 0', 'note number 3', 'note number 6']);
    expect(await filtered(`metadata=${encodeURIComponent('{"even":false}')}`)).toEqual([
      'note number 1',
      'note number 3',
      'note number 5',
    ]);
    expect(await filtered(`created_after=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual(
      [],
    );
    const bad = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&cursor=garbage`);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_cursor']);
    const badMeta = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&metadata=nope`);
    expect([badMeta.status, badMeta.body.error.code]).toEqual([400, 'invalid_metadata']);
  });

  it('traverses relations by depth and type, both directions', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'g');
    const make = async (content: string) =>
      (await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'g', content })).body.id as string;
    const a = await make('A');
    const b = await make('B');
    const c = await make('C');
    const d = await make('D');
    const e = (
      await t.request('POST', MEMORIES, {
        tenant_id: tenant,
        namespace: 'g',
        content: 'E',
        relations: [{ to: a, relation: 'cites', weight: 0.5 }],
      })
    ).body.id;
    expect(
      (
        await t.request('POST', `${MEMORIES}/${a}/relations`, {
          tenant_id: tenant,
          relations: [{ to: b, relation: 'about' }],
        })
      ).status,
    ).toBe(204);
    await t.request('POST', `${MEMORIES}/${b}/relations`, {
      tenant_id: tenant,
      relations: [
        { to: c, relation: 'about' },
        { to: a, relation: 'about' },
      ],
    });
    await t.request('POST', `${MEMORIES}/${c}/relations`, {
      tenant_id: tenant,
      relations: [{ to: d, relation: 'about' }],
    });
    const related = async (query: string) =>
      (await t.request('GET', `${MEMORIES}/${a}/related?tenant_id=${tenant}&${query}`)).body.related.map(
        (r: { memory: { content: string }; depth: number }) => `${r.memory.content}${r.depth}`,
      );
    expect((await related('depth=1')).sort()).toEqual(['B1', 'E1']);
    expect((await related('depth=2')).sort()).toEqual(['B1', 'C2', 'E1']);
    expect((await related('depth=3&relation=about')).sort()).toEqual(['B1', 'C2', 'D3']);
    expect(await related('depth=2&relation=cites')).toEqual(['E1']);
    void e;
  });

  it('hard-deletes a memory with its vectors and relations', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'n');
    const a = (await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'n', content: 'doomed fact' })).body
      .id;
    const b = (
      await t.request('POST', MEMORIES, {
        tenant_id: tenant,
        namespace: 'n',
        content: 'other fact',
        relations: [{ to: a, relation: 'about' }],
      })
    ).body.id;
    expect((await t.request('DELETE', `${MEMORIES}/${a}?tenant_id=${tenant}`)).status).toBe(204);
    expect((await t.request('GET', `${MEMORIES}/${a}?tenant_id=${tenant}`)).status).toBe(404);
    expect((await t.request('DELETE', `${MEMORIES}/${a}?tenant_id=${tenant}`)).status).toBe(404);
    expect(
      await ownerQuery(t, 'SELECT 1 FROM memory_embeddings WHERE tenant_id = $1 AND memory_id = $2', [tenant, a]),
    ).toHaveLength(0);
    expect(await ownerQuery(t, 'SELECT 1 FROM memory_relations WHERE tenant_id = $1', [tenant])).toHaveLength(0);
    expect((await t.request('GET', `${MEMORIES}/${b}?tenant_id=${tenant}`)).status).toBe(200);
  });

  it('hides expired memories at once and deletes them, and memories past retention, in the expiry job', async () => {
    const tenant = await newTenant(t);
    const short = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'n',
      create_namespace: true,
      content: 'short-lived',
      ttl_seconds: 1,
    });
    await t.request('POST', '/api/v1/namespaces', { tenant_id: tenant, name: 'kept', retention_days: 1 });
    const old = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'kept', content: 'old news' });
    const fresh = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'kept', content: 'fresh news' });
    await ownerQuery(t, `UPDATE memories SET created_at = now() - interval '2 days' WHERE tenant_id = $1 AND id = $2`, [
      tenant,
      old.body.id,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await t.request('GET', `${MEMORIES}/${short.body.id}?tenant_id=${tenant}`)).status).toBe(404);
    await t.app.get(MemoryExpiryHandler).handle();
    const left = await ownerQuery<{ content: string }>(t, 'SELECT content FROM memories WHERE tenant_id = $1', [
      tenant,
    ]);
    expect(left.map((row) => row.content)).toEqual(['fresh news']);
    expect(fresh.status).toBe(201);
  });

  it('counts memories against max_memories exactly, under concurrency, and gives the count back on delete', async () => {
    const tenant = await newTenant(t, { quotas: { max_memories: 3 } });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        // Eight first writes race to create the namespace: one creates it, all insert.
        t.request('POST', MEMORIES, {
          tenant_id: tenant,
          namespace: 'q',
          create_namespace: true,
          content: `fact ${i}`,
        }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 403);
    expect(created).toHaveLength(3);
    expect(refused).toHaveLength(5);
    expect(refused[0].body.error).toMatchObject({
      code: 'quota_exceeded',
      details: { quota: 'max_memories', limit: 3 },
    });
    const stored = await ownerQuery<{ count: number }>(
      t,
      'SELECT count(*)::int AS count FROM memories WHERE tenant_id = $1',
      [tenant],
    );
    expect(stored[0].count).toBe(3);
    // A duplicate costs nothing; a batch past the quota writes nothing.
    expect(
      (await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'q', content: created[0].body.content }))
        .status,
    ).toBe(200);
    expect((await t.request('DELETE', `${MEMORIES}/${created[0].body.id}?tenant_id=${tenant}`)).status).toBe(204);
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'q',
      memories: [{ content: 'x1' }, { content: 'x2' }],
    });
    expect(batch.status).toBe(403);
    expect(
      (await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'q', content: 'fits again' })).status,
    ).toBe(201);
  });
});
