import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { FakeOpenAiUpstream, completionWith, startFakeOpenAiUpstream } from '@engram/test-support/fake-openai-upstream';
import { newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';

const EXTRACTIONS = '/api/v1/extractions';
const JOBS = '/api/v1/jobs';

interface Message {
  role: string;
  content: string;
}

async function storeMessages(t: TestApp, tenant: string, namespace: string, messages: Message[]): Promise<string[]> {
  const batch = await t.request('POST', '/api/v1/memories/batch', {
    tenant_id: tenant,
    namespace,
    memories: messages.map((message) => ({
      content: message.content,
      type: 'episodic',
      metadata: { role: message.role },
    })),
  });
  expect(batch.status).toBe(201);
  return (batch.body.memories as { id: string }[]).map((memory) => memory.id);
}

async function finished(t: TestApp, tenant: string, id: string) {
  return eventually(async () => {
    const job = await t.request('GET', `${JOBS}/${id}?tenant_id=${tenant}`);
    return ['succeeded', 'failed'].includes(job.body.status) && job.body;
  }, 20_000);
}

const semanticMemories = (t: TestApp, tenant: string) =>
  ownerQuery<{ id: string; content: string; metadata: Record<string, unknown> }>(
    t,
    `SELECT id, content, metadata FROM memories WHERE tenant_id = $1 AND type = 'semantic' ORDER BY created_at, id`,
    [tenant],
  );

describe('fact extraction with the offline extractor (postgres, BullMQ)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres', queue: 'bullmq' });
  });
  afterAll(() => t.close());

  it('turns user statements into facts derived from their messages, supersedes a slot, and never writes one twice', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const first = await storeMessages(t, tenant, 'chat', [
      { role: 'user', content: 'Hi there. I live in Lisbon.' },
      { role: 'assistant', content: 'I live in the cloud.' },
      { role: 'user', content: "I'm allergic to peanuts. Maybe I like jazz." },
    ]);
    const queued = await t.request('POST', EXTRACTIONS, { tenant_id: tenant, namespace: 'chat', message_ids: first });
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({
      type: 'extraction',
      status: 'queued',
      extractor: 'offline',
      message_ids: first,
    });
    const done = await finished(t, tenant, queued.body.id);
    expect(done).toMatchObject({ status: 'succeeded', error: null, attempts: 1 });
    expect(done.decisions.map((d: { action: string; key: string }) => [d.action, d.key])).toEqual([
      ['add', 'user.location'],
      ['add', 'user.allergy.peanuts'],
    ]);
    const facts = await semanticMemories(t, tenant);
    expect(facts.map((fact) => fact.content)).toEqual(['User lives in Lisbon.', 'User is allergic to peanuts.']);
    const derived = await ownerQuery<{ from_id: string; to_id: string }>(
      t,
      `SELECT from_id, to_id FROM memory_relations WHERE tenant_id = $1 AND relation = 'derived_from' ORDER BY to_id`,
      [tenant],
    );
    expect(derived).toEqual(
      expect.arrayContaining([
        { from_id: facts[0].id, to_id: first[0] },
        { from_id: facts[1].id, to_id: first[2] },
      ]),
    );
    expect(derived).toHaveLength(2);

    // The same messages again: every fact is found as its own duplicate.
    const again = await t.request('POST', EXTRACTIONS, { tenant_id: tenant, namespace: 'chat', message_ids: first });
    const repeated = await finished(t, tenant, again.body.id);
    expect(repeated.decisions.map((d: { action: string; memory_id: string }) => [d.action, d.memory_id])).toEqual([
      ['none', facts[0].id],
      ['none', facts[1].id],
    ]);
    expect(await semanticMemories(t, tenant)).toHaveLength(2);

    // A new home supersedes the old one.
    const moved = await storeMessages(t, tenant, 'chat', [{ role: 'user', content: 'I now live in Porto.' }]);
    const third = await t.request('POST', EXTRACTIONS, { tenant_id: tenant, namespace: 'chat', message_ids: moved });
    const superseding = await finished(t, tenant, third.body.id);
    expect(superseding.decisions).toEqual([
      { action: 'supersede', kind: 'fact', key: 'user.location', memory_id: expect.any(String) },
    ]);
    const states = await ownerQuery<{ id: string; state: string; superseded_by: string | null }>(
      t,
      `SELECT id, state, superseded_by FROM memories WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY created_at`,
      [tenant, [facts[0].id, superseding.decisions[0].memory_id]],
    );
    expect(states).toEqual([
      { id: facts[0].id, state: 'superseded', superseded_by: superseding.decisions[0].memory_id },
      { id: superseding.decisions[0].memory_id, state: 'active', superseded_by: null },
    ]);
    // Search leaves the superseded home out: the slot has one holder.
    const search = await t.request('POST', '/api/v1/memories/search', {
      tenant_id: tenant,
      namespace: 'chat',
      query: 'where does the user live',
      filters: { types: ['semantic'] },
    });
    expect(search.body.results.map((r: { memory: { content: string } }) => r.memory.content)).not.toContain(
      'User lives in Lisbon.',
    );
  });

  it('refuses bad requests with stable codes and queues nothing', async () => {
    const tenant = await newTenant(t);
    const other = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    await newNamespace(t, tenant, 'elsewhere');
    await newNamespace(t, other, 'chat');
    const [mine] = await storeMessages(t, tenant, 'chat', [{ role: 'user', content: 'I live in Oslo.' }]);
    const [elsewhere] = await storeMessages(t, tenant, 'elsewhere', [{ role: 'user', content: 'I live in Rome.' }]);
    const [theirs] = await storeMessages(t, other, 'chat', [{ role: 'user', content: 'I live in Bergen.' }]);
    const cases: [unknown, number, string][] = [
      [{ tenant_id: tenant, namespace: 'chat', message_ids: [] }, 400, 'invalid_message_ids'],
      [{ tenant_id: tenant, namespace: 'chat', message_ids: [mine, mine] }, 400, 'invalid_message_ids'],
      [{ tenant_id: tenant, namespace: 'chat', message_ids: ['not-a-uuid'] }, 400, 'invalid_message_ids'],
      [{ tenant_id: tenant, namespace: 'chat' }, 400, 'missing_message_ids'],
      [{ tenant_id: tenant, namespace: 'chat', message_ids: [mine], extra: 1 }, 400, 'invalid_body'],
      [{ tenant_id: tenant, namespace: 'chat', message_ids: [theirs] }, 404, 'messages_not_found'],
      [{ tenant_id: tenant, namespace: 'chat', message_ids: [mine, elsewhere] }, 404, 'messages_not_found'],
    ];
    for (const [body, status, code] of cases) {
      const response = await t.request('POST', EXTRACTIONS, body);
      expect([JSON.stringify(body), response.status, response.body.error?.code]).toEqual([
        JSON.stringify(body),
        status,
        code,
      ]);
    }
    const rows = await ownerQuery(t, `SELECT id FROM memory_extractions WHERE tenant_id IN ($1, $2)`, [tenant, other]);
    expect(rows).toEqual([]);

    const queued = await t.request('POST', EXTRACTIONS, { tenant_id: tenant, namespace: 'chat', message_ids: [mine] });
    expect((await t.request('GET', `${JOBS}/${queued.body.id}?tenant_id=${other}`)).body.error.code).toBe(
      'job_not_found',
    );
    expect((await t.request('GET', `${JOBS}/00000000-0000-4000-8000-000000000000?tenant_id=${tenant}`)).status).toBe(
      404,
    );
    expect((await t.request('GET', `${JOBS}/nope?tenant_id=${tenant}`)).body.error.code).toBe('invalid_id');
  });
});

describe('fact extraction with an LLM (a fake chat server, PGlite, in-process queue)', () => {
  let t: TestApp;
  let server: FakeOpenAiUpstream;
  beforeAll(async () => {
    server = await startFakeOpenAiUpstream();
    t = await startTestApp({
      database: 'pglite',
      queue: 'inline',
      env: { EXTRACTION_LLM_URL: server.url, EXTRACTION_LLM_API_KEY: 'sk-llm', EXTRACTION_LLM_MAX_RETRIES: '0' },
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('stores what the model extracted, and fails whole on malformed output with nothing written', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const ids = await storeMessages(t, tenant, 'chat', [
      { role: 'user', content: 'We adopted a beagle called Rex.' },
      { role: 'assistant', content: 'Congratulations!' },
    ]);

    server.fallback = completionWith({
      facts: [
        { content: 'User has a beagle named Rex.', kind: 'fact', key: null, messages: [0] },
        { content: 'User', kind: 'fact', key: 'Not A Slot', messages: [0] },
      ],
    });
    const bad = await t.request('POST', EXTRACTIONS, { tenant_id: tenant, namespace: 'chat', message_ids: ids });
    expect(bad.body.extractor).toBe('llm');
    const failed = await finished(t, tenant, bad.body.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, decisions: [] });
    expect(failed.error.code).toBe('extractor_output_invalid');
    expect(await semanticMemories(t, tenant)).toEqual([]);

    server.fallback = completionWith({
      facts: [{ content: 'User has a beagle named Rex.', kind: 'fact', key: null, messages: [0] }],
    });
    const good = await t.request('POST', EXTRACTIONS, { tenant_id: tenant, namespace: 'chat', message_ids: ids });
    const done = await finished(t, tenant, good.body.id);
    expect(done).toMatchObject({ status: 'succeeded', error: null });
    expect((await semanticMemories(t, tenant)).map((m) => [m.content, m.metadata.extractor])).toEqual([
      ['User has a beagle named Rex.', 'llm'],
    ]);
    const sent = server.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sk-llm');
    expect((sent.body.messages as { content: string }[])[1].content).toBe(
      '[0] user: We adopted a beagle called Rex.\n[1] assistant: Congratulations!',
    );
  });

  it('retries a failing server, then leaves failed with the reason after the last attempt', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const ids = await storeMessages(t, tenant, 'chat', [{ role: 'user', content: 'I live in Oslo.' }]);
    const before = server.requests.length;
    server.fallback = { kind: 'status', status: 503, body: '{"error":"overloaded"}' };
    const queued = await t.request('POST', EXTRACTIONS, { tenant_id: tenant, namespace: 'chat', message_ids: ids });
    const failed = await finished(t, tenant, queued.body.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'extractor_http_error' } });
    expect(server.requests.length - before).toBe(3);
    expect(await semanticMemories(t, tenant)).toEqual([]);
  });
});
