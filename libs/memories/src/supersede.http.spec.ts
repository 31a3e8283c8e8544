import { TestApp, startTestApp } from '@engram/test-support/app';
import { newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { MemoriesService } from './memories.service';

const MEMORIES = '/api/v1/memories';

/** The database's clock as ISO 8601 with microseconds: versions are stamped by it. */
async function dbNow(t: TestApp): Promise<string> {
  const [row] = await ownerQuery<{ now: string }>(
    t,
    `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`,
  );
  return row.now;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function count(t: TestApp, tenant: string): Promise<{ memories: number; versions: number }> {
  const [row] = await ownerQuery<{ memories: number; versions: number }>(
    t,
    `SELECT (SELECT count(*)::int FROM memories WHERE tenant_id = $1) AS memories,
            (SELECT count(*)::int FROM memory_versions WHERE tenant_id = $1) AS versions`,
    [tenant],
  );
  return row;
}

describe.each(['postgres', 'pglite'] as const)('supersede, history and as_of (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database, queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function store(tenant: string, namespace: string, content: string, extra: Record<string, unknown> = {}) {
    const created = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace, content, ...extra });
    expect(created.status).toBe(201);
    return created.body as { id: string; created_at: string };
  }

  const search = (tenant: string, body: Record<string, unknown>) =>
    t.request('POST', `${MEMORIES}/search`, { tenant_id: tenant, namespace: 'facts', k: 20, ...body });

  it('supersedes atomically; search, context and list leave the old memory out unless asked', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'facts');
    const old = await store(tenant, 'facts', 'Alice lives in Lisbon', { tags: ['home'], importance: 0.9 });

    const res = await t.request('POST', `${MEMORIES}/${old.id}/supersede`, {
      tenant_id: tenant,
      content: 'Alice lives in Porto',
    });
    expect(res.status).toBe(201);
    const successor = res.body.memory;
    expect(successor).toMatchObject({
      content: 'Alice lives in Porto',
      state: 'active',
      supersedes: old.id,
      superseded_by: null,
      namespace: 'facts',
      tags: ['home'],
      importance: 0.9,
    });
    expect(res.body.superseded).toMatchObject({ id: old.id, state: 'superseded', superseded_by: successor.id });
    expect(res.body.superseded.superseded_at).toBe(successor.created_at);
    const got = await t.request('GET', `${MEMORIES}/${old.id}?tenant_id=${tenant}`);
    expect(got.body).toMatchObject({ state: 'superseded', superseded_by: successor.id, supersedes: null });

    const hits = await search(tenant, { query: 'Alice lives' });
    expect(hits.status).toBe(200);
    expect(hits.body.results.map((r: { memory: { id: string } }) => r.memory.id)).toEqual([successor.id]);
    const all = await search(tenant, { query: 'Alice lives', include_superseded: true });
    const oldHit = all.body.results.find((r: { memory: { id: string } }) => r.memory.id === old.id);
    expect(oldHit.memory).toMatchObject({ state: 'superseded', superseded_by: successor.id });
    expect(all.body.results).toHaveLength(2);

    const list = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&namespace=facts`);
    expect(list.body.memories.map((m: { id: string }) => m.id)).toEqual([successor.id]);
    const listAll = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&namespace=facts&include_superseded=true`);
    expect(listAll.body.memories.map((m: { id: string }) => m.id).sort()).toEqual([old.id, successor.id].sort());

    const context = await t.request('POST', '/api/v1/context', {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'Where does Alice live?',
    });
    expect(context.status).toBe(200);
    expect(context.body.blocks.map((b: { memory_id: string }) => b.memory_id)).toEqual([successor.id]);
    expect(context.body.blocks[0].supersedes).toBe(old.id);
    expect(context.body.text).not.toContain('Lisbon');
    const contextAll = await t.request('POST', '/api/v1/context', {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'Where does Alice live?',
      include_superseded: true,
    });
    const oldBlock = contextAll.body.blocks.find((b: { memory_id: string }) => b.memory_id === old.id);
    expect(oldBlock.superseded_by).toBe(successor.id);
    expect(contextAll.body.text).toContain('(superseded) Alice lives in Lisbon');
  });

  it('refuses with stable codes and writes nothing: superseded, unknown, other namespace, duplicate, cycle', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'facts');
    await newNamespace(t, tenant, 'other');
    const a = await store(tenant, 'facts', 'the build uses node 20');
    const b = (
      await t.request('POST', `${MEMORIES}/${a.id}/supersede`, { tenant_id: tenant, content: 'the build uses node 22' })
    ).body.memory;
    const elsewhere = await store(tenant, 'other', 'the deploy runs on fridays');
    const before = await count(t, tenant);

    const again = await t.request('POST', `${MEMORIES}/${a.id}/supersede`, {
      tenant_id: tenant,
      content: 'the build uses node 24',
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'memory_already_superseded', details: { superseded_by: b.id } });

    const unknown = await t.request('POST', `${MEMORIES}/00000000-0000-4000-8000-000000000000/supersede`, {
      tenant_id: tenant,
      content: 'x',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('memory_not_found');

    // Back to A's content would make the superseded memory the successor of its own successor.
    const cycle = await t.request('POST', `${MEMORIES}/${b.id}/supersede`, {
      tenant_id: tenant,
      content: 'the build uses node 20',
    });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error).toMatchObject({ code: 'duplicate_content', details: { id: a.id } });

    const create = (body: Record<string, unknown>) =>
      t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'facts', ...body });
    const onCreateSuperseded = await create({ content: 'node 26', supersedes: a.id });
    expect(onCreateSuperseded.status).toBe(409);
    expect(onCreateSuperseded.body.error.code).toBe('memory_already_superseded');
    const onCreateUnknown = await create({ content: 'node 26', supersedes: '00000000-0000-4000-8000-000000000000' });
    expect(onCreateUnknown.status).toBe(404);
    expect(onCreateUnknown.body.error.code).toBe('supersede_target_not_found');
    const onCreateOther = await create({ content: 'node 26', supersedes: elsewhere.id });
    expect(onCreateOther.status).toBe(409);
    expect(onCreateOther.body.error).toMatchObject({
      code: 'supersede_namespace_mismatch',
      details: { namespace: 'other' },
    });
    const onCreateDuplicate = await create({ content: 'the build uses node 20', supersedes: b.id });
    expect(onCreateDuplicate.status).toBe(409);
    expect(onCreateDuplicate.body.error.code).toBe('duplicate_content');

    const batchTwice = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'facts',
      memories: [
        { content: 'one', supersedes: b.id },
        { content: 'two', supersedes: b.id },
      ],
    });
    expect(batchTwice.status).toBe(400);
    const batchMixed = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'facts',
      memories: [{ content: 'fresh and fine' }, { content: 'node 26', supersedes: a.id }],
    });
    expect(batchMixed.status).toBe(409);
    expect(batchMixed.body.error.code).toBe('memory_already_superseded');

    const batchRepeated = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'facts',
      memories: [{ content: 'node 26 it is' }, { content: 'node 26 it is', supersedes: b.id }],
    });
    expect(batchRepeated.status).toBe(409);
    expect(batchRepeated.body.error).toMatchObject({ code: 'duplicate_content', details: { index: 1 } });

    const badReason = t.app.get(MemoriesService).supersede(tenant, b.id, { content: 'node 28' }, 'Not A Reason');
    await expect(badReason).rejects.toThrow(/change reason/);
    expect(await count(t, tenant)).toEqual(before);
    const stillB = await t.request('GET', `${MEMORIES}/${b.id}?tenant_id=${tenant}`);
    expect(stillB.body).toMatchObject({ state: 'active', superseded_by: null });
  });

  it('supersedes on create and in a batch, all or nothing', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'facts');
    const a = await store(tenant, 'facts', 'meeting on monday');
    const b = await store(tenant, 'facts', 'meeting in room 1');
    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'facts',
      content: 'meeting on tuesday',
      supersedes: a.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ supersedes: a.id, duplicate: false, state: 'active' });
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'facts',
      memories: [{ content: 'bring slides' }, { content: 'meeting in room 2', supersedes: b.id }],
    });
    expect(batch.status).toBe(201);
    expect(batch.body.memories[1]).toMatchObject({ supersedes: b.id });
    const [oldA, oldB] = await Promise.all(
      [a.id, b.id].map(async (id) => (await t.request('GET', `${MEMORIES}/${id}?tenant_id=${tenant}`)).body),
    );
    expect(oldA).toMatchObject({ state: 'superseded', superseded_by: created.body.id });
    expect(oldB).toMatchObject({ state: 'superseded', superseded_by: batch.body.memories[1].id });
  });

  it('lets exactly one of two concurrent supersedes of one memory win; the other gets 409', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'facts');
    const a = await store(tenant, 'facts', 'the office is on floor 3');
    const results = await Promise.all(
      ['floor 4', 'floor 5', 'floor 6'].map((floor) =>
        t.request('POST', `${MEMORIES}/${a.id}/supersede`, { tenant_id: tenant, content: `the office is on ${floor}` }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.body.error.code).toBe('memory_already_superseded');
    }
    const successors = await ownerQuery<{ id: string }>(
      t,
      'SELECT id FROM memories WHERE tenant_id = $1 AND supersedes = $2',
      [tenant, a.id],
    );
    expect(successors).toEqual([{ id: results.find((r) => r.status === 201)!.body.memory.id }]);
    expect((await count(t, tenant)).memories).toBe(2);
  });

  it('keeps a version for every change, with who and why; a status or vector change is none', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'facts');
    const a = await store(tenant, 'facts', 'the cat is called Tom');
    expect(
      (await t.request('PATCH', `${MEMORIES}/${a.id}`, { tenant_id: tenant, content: 'the cat is called Tim' })).status,
    ).toBe(200);
    expect((await t.request('PATCH', `${MEMORIES}/${a.id}`, { tenant_id: tenant, tags: ['pets'] })).status).toBe(200);
    await ownerQuery(
      t,
      `UPDATE memories SET embedding_status = 'failed', access_count = access_count + 1 WHERE tenant_id = $1 AND id = $2`,
      [tenant, a.id],
    );
    const ruled = await t.app
      .get(MemoriesService)
      .supersede(tenant, a.id, { content: 'the cat is called Tam' }, 'rule');

    const history = await t.request('GET', `${MEMORIES}/${a.id}/history?tenant_id=${tenant}`);
    expect(history.status).toBe(200);
    expect(history.body.memory_id).toBe(a.id);
    const versions = history.body.versions as Record<string, unknown>[];
    expect(versions.map((v) => [v.version, v.change, v.reason, v.content, v.state])).toEqual([
      [1, 'create', 'api', 'the cat is called Tom', 'active'],
      [2, 'update', 'api', 'the cat is called Tim', 'active'],
      [3, 'update', 'api', 'the cat is called Tim', 'active'],
      [4, 'superseded', 'rule', 'the cat is called Tim', 'superseded'],
    ]);
    expect(versions[0]).toMatchObject({ actor: 'local', tags: [] });
    expect(versions[1]).toMatchObject({ actor: 'local' });
    expect(versions[2]).toMatchObject({ tags: ['pets'] });
    expect(versions[3]).toMatchObject({ superseded_by: ruled.memory.id, actor: null });
    const times = versions.map((v) => Date.parse(v.at as string));
    expect([...times].sort((x, y) => x - y)).toEqual(times);

    const successor = await t.request('GET', `${MEMORIES}/${ruled.memory.id}/history?tenant_id=${tenant}`);
    expect(successor.body.versions).toEqual([
      expect.objectContaining({ version: 1, change: 'create', reason: 'rule', supersedes: a.id, tags: ['pets'] }),
    ]);
    const unknown = await t.request(
      'GET',
      `${MEMORIES}/00000000-0000-4000-8000-000000000000/history?tenant_id=${tenant}`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('memory_not_found');
  });

  it('answers as_of with the memories as they stood then, and hard delete leaves nothing behind', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'facts');
    const beforeAll = await dbNow(t);
    await pause(5);
    const a = await store(tenant, 'facts', 'the wifi password is swordfish');
    const doomed = await store(tenant, 'facts', 'the wifi router is in the hall', { ttl_seconds: 3600 });
    await pause(5);
    const afterCreate = await dbNow(t);
    await pause(5);
    await t.request('PATCH', `${MEMORIES}/${a.id}`, { tenant_id: tenant, content: 'the wifi password is marlin' });
    await pause(5);
    const afterPatch = await dbNow(t);
    await pause(5);
    const b = (
      await t.request('POST', `${MEMORIES}/${a.id}/supersede`, {
        tenant_id: tenant,
        content: 'the wifi password is tuna',
      })
    ).body.memory;
    // Expired since: invisible now, not yet purged by the expiry job.
    await ownerQuery(t, `UPDATE memories SET expires_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2`, [
      tenant,
      doomed.id,
    ]);
    await pause(5);
    const afterAll = await dbNow(t);

    const at = async (asOf: string) => {
      const hits = await search(tenant, { query: 'wifi password router', as_of: asOf });
      expect(hits.status).toBe(200);
      const list = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&namespace=facts&as_of=${asOf}`);
      expect(list.status).toBe(200);
      const context = await t.request('POST', '/api/v1/context', {
        tenant_id: tenant,
        namespace: 'facts',
        query: 'wifi password router',
        as_of: asOf,
      });
      expect(context.status).toBe(200);
      const byId = (rows: { id: string; content: string; state: string }[]) =>
        Object.fromEntries(rows.map((m) => [m.id, `${m.state}: ${m.content}`]));
      const listed = byId(list.body.memories);
      expect(byId(hits.body.results.map((r: { memory: never }) => r.memory))).toEqual(listed);
      expect(
        Object.fromEntries(
          context.body.blocks.map((b: { memory_id: string; content: string }) => [b.memory_id, b.content]),
        ),
      ).toEqual(Object.fromEntries(Object.entries(listed).map(([id, text]) => [id, text.replace(/^active: /, '')])));
      return listed;
    };

    expect(await at(beforeAll)).toEqual({});
    expect(await at(afterCreate)).toEqual({
      [a.id]: 'active: the wifi password is swordfish',
      [doomed.id]: 'active: the wifi router is in the hall',
    });
    expect(await at(afterPatch)).toEqual({
      [a.id]: 'active: the wifi password is marlin',
      [doomed.id]: 'active: the wifi router is in the hall',
    });
    expect(await at(afterAll)).toEqual({ [b.id]: 'active: the wifi password is tuna' });
    const superseded = await t.request(
      'GET',
      `${MEMORIES}?tenant_id=${tenant}&namespace=facts&as_of=${afterPatch}&include_superseded=true`,
    );
    expect(superseded.body.memories).toHaveLength(2);
    expect(superseded.body.memories.find((m: { id: string }) => m.id === a.id)).toMatchObject({
      state: 'active',
      superseded_by: null,
    });

    for (const bad of ['yesterday', '2026-13-01T00:00:00Z', '2026-01-01T00:00:00']) {
      const list = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}&as_of=${bad}`);
      expect(list.status).toBe(400);
      expect(list.body.error.code).toBe('invalid_as_of');
      const hits = await search(tenant, { query: 'wifi', as_of: bad });
      expect(hits.status).toBe(400);
      expect(hits.body.error.code).toBe('invalid_as_of');
    }

    // Hard delete: every version goes with the memory, and no as_of brings it back.
    for (const id of [a.id, b.id]) {
      expect((await t.request('DELETE', `${MEMORIES}/${id}?tenant_id=${tenant}`)).status).toBe(204);
    }
    await ownerQuery(t, 'DELETE FROM memories WHERE tenant_id = $1 AND id = $2', [tenant, doomed.id]);
    expect(await count(t, tenant)).toEqual({ memories: 0, versions: 0 });
    expect((await t.request('GET', `${MEMORIES}/${a.id}/history?tenant_id=${tenant}`)).status).toBe(404);
    for (const asOf of [afterCreate, afterPatch, afterAll]) {
      expect(await at(asOf)).toEqual({});
    }
  });
});
