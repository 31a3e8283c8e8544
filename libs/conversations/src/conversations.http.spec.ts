import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { adminHeaders, newApiKey, newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';

const CONVERSATIONS = '/api/v1/conversations';

const exchange = (n: number, prefix = 'turn') =>
  Array.from({ length: n }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: i % 4 === 3 ? 'ok' : `${prefix} ${i}: the deploy moved to friday`,
  }));

async function count(t: TestApp, tenant: string): Promise<number> {
  const rows = await ownerQuery<{ n: number }>(t, 'SELECT count(*)::int AS n FROM memories WHERE tenant_id = $1', [
    tenant,
  ]);
  return rows[0].n;
}

describe('conversations over HTTP (postgres, bullmq)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres', queue: 'bullmq' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores each message as an episodic memory of its session, in order, and a retry stores nothing twice', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const body = {
      tenant_id: tenant,
      namespace: 'chat',
      user_id: 'alice',
      agent_id: 'helper',
      session_id: 'run-1',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'ok', name: 'Alice', occurred_at: '2026-05-01T10:00:00Z' },
        { role: 'assistant', content: 'ok' },
        { role: 'tool', content: '{"temp": 21}', name: 'weather' },
      ],
    };
    const first = await t.request('POST', CONVERSATIONS, body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      namespace: 'chat',
      session_id: 'run-1',
      created: 4,
      duplicates: 0,
      extraction: { status: 'not_requested' },
    });
    const ids = first.body.messages.map((m: { id: string }) => m.id);
    // Repeated words ("ok") are two messages, not one deduplicated memory.
    expect(new Set(ids).size).toBe(4);
    expect(first.body.messages.map((m: { index: number; role: string }) => [m.index, m.role])).toEqual([
      [0, 'system'],
      [1, 'user'],
      [2, 'assistant'],
      [3, 'tool'],
    ]);

    const retry = await t.request('POST', CONVERSATIONS, body);
    expect(retry.status).toBe(200);
    expect(retry.body.messages.map((m: { id: string }) => m.id)).toEqual(ids);
    expect(retry.body).toMatchObject({ created: 0, duplicates: 4 });
    expect(await count(t, tenant)).toBe(4);

    const got = await t.request('GET', `${CONVERSATIONS}/run-1?tenant_id=${tenant}&limit=3`);
    expect(got.status).toBe(200);
    expect(got.body.session_id).toBe('run-1');
    expect(got.body.has_more).toBe(true);
    const rest = await t.request(
      'GET',
      `${CONVERSATIONS}/run-1?tenant_id=${tenant}&limit=3&cursor=${encodeURIComponent(got.body.next_cursor)}`,
    );
    const messages = [...got.body.memories, ...rest.body.memories];
    expect(rest.body.has_more).toBe(false);
    expect(messages).toHaveLength(4);
    // Oldest event first: the user turn was said on 1 May, before the others were stored.
    expect(messages[0]).toMatchObject({
      content: 'ok',
      type: 'episodic',
      metadata: { role: 'user', name: 'Alice' },
      user_id: 'alice',
      agent_id: 'helper',
      session_id: 'run-1',
      occurred_at: '2026-05-01T10:00:00.000Z',
      provenance: { source: 'conversation' },
    });
    expect(messages.slice(1).map((m: { metadata: { role: string } }) => m.metadata.role)).toEqual([
      'system',
      'assistant',
      'tool',
    ]);
  });

  it('keys messages by client id or by session position (start_index for exchanges sent one by one)', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const base = { tenant_id: tenant, namespace: 'chat', session_id: 's' };
    const a = await t.request('POST', CONVERSATIONS, { ...base, messages: exchange(2, 'a') });
    const b = await t.request('POST', CONVERSATIONS, { ...base, start_index: 2, messages: exchange(2, 'b') });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.messages.map((m: { index: number }) => m.index)).toEqual([2, 3]);
    // Without start_index the second exchange would be positions 0..1 again: a retry of the first.
    const again = await t.request('POST', CONVERSATIONS, { ...base, messages: exchange(2, 'c') });
    expect(again.body.messages.map((m: { id: string }) => m.id)).toEqual(
      a.body.messages.map((m: { id: string }) => m.id),
    );
    const withIds = { tenant_id: tenant, namespace: 'chat', messages: [{ role: 'user', content: 'hi', id: 'm-1' }] };
    const one = await t.request('POST', CONVERSATIONS, withIds);
    expect(one.status).toBe(201);
    expect(one.body.session_id).toMatch(/^[0-9a-f-]{36}$/);
    const two = await t.request('POST', CONVERSATIONS, withIds);
    expect(two.body.messages[0]).toMatchObject({ id: one.body.messages[0].id, duplicate: true });
    expect(await count(t, tenant)).toBe(5);
  });

  it('refuses bad exchanges with stable codes and writes nothing', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const base = { tenant_id: tenant, namespace: 'chat', session_id: 'bad' };
    const cases: [unknown, number, string][] = [
      [{ ...base, messages: [] }, 400, 'empty_messages'],
      [{ ...base, messages: exchange(501) }, 400, 'too_many_messages'],
      [{ ...base, messages: [...exchange(3), { role: 'narrator', content: 'x' }] }, 400, 'invalid_messages_role'],
      [{ ...base, messages: [...exchange(3), { role: 'user', content: '' }] }, 400, 'invalid_messages_content'],
      [
        {
          ...base,
          messages: [
            { role: 'user', content: 'a', id: 'x' },
            { role: 'user', content: 'b', id: 'x' },
          ],
        },
        400,
        'invalid_messages_id',
      ],
      [
        { ...base, messages: [...exchange(3), { role: 'user', content: 'x'.repeat(70 * 1024) }] },
        413,
        'content_too_large',
      ],
      [{ ...base, namespace: 'absent', messages: exchange(2) }, 404, 'namespace_not_found'],
    ];
    for (const [body, status, code] of cases) {
      const response = await t.request('POST', CONVERSATIONS, body);
      expect([response.status, response.body.error.code]).toEqual([status, code]);
    }
    const huge = await t.request('POST', CONVERSATIONS, {
      ...base,
      messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024) }],
    });
    expect(huge.status).toBe(413);
    expect(['content_too_large', 'payload_too_large']).toContain(huge.body.error.code);
    expect(await count(t, tenant)).toBe(0);
  });

  it("extracts facts from the new messages in a job, in the speaker's scope, and queues nothing on a retry", async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const say = (user: string, sessionId: string, content: string) =>
      t.request('POST', CONVERSATIONS, {
        tenant_id: tenant,
        namespace: 'chat',
        user_id: user,
        session_id: sessionId,
        extract: true,
        messages: [
          { role: 'user', content },
          { role: 'assistant', content: 'Noted.' },
        ],
      });
    const finished = (jobId: string) =>
      eventually(async () => {
        const job = await t.request('GET', `/api/v1/jobs/${jobId}?tenant_id=${tenant}`);
        return job.body.status === 'succeeded' && job.body;
      }, 20_000);
    const facts = () =>
      ownerQuery<{ content: string; user_id: string; state: string }>(
        t,
        `SELECT content, user_id, state FROM memories WHERE tenant_id = $1 AND type = 'semantic' ORDER BY created_at`,
        [tenant],
      );

    const alice = await say('alice', 's-alice', 'I live in Lisbon.');
    expect(alice.status).toBe(201);
    expect(alice.body.extraction).toEqual({ status: 'queued', job_id: expect.any(String) });
    expect((await finished(alice.body.extraction.job_id)).decisions).toMatchObject([{ action: 'add' }]);
    // Another user's home is another slot: it supersedes nothing of alice's.
    const bob = await say('bob', 's-bob', 'I live in Porto.');
    expect((await finished(bob.body.extraction.job_id)).decisions).toMatchObject([{ action: 'add' }]);
    const moved = await say('alice', 's-alice-2', 'I now live in Madrid.');
    expect((await finished(moved.body.extraction.job_id)).decisions).toMatchObject([{ action: 'supersede' }]);
    expect(await facts()).toEqual([
      { content: 'User lives in Lisbon.', user_id: 'alice', state: 'superseded' },
      { content: 'User lives in Porto.', user_id: 'bob', state: 'active' },
      { content: 'User lives in Madrid.', user_id: 'alice', state: 'active' },
    ]);

    // The same request again stores nothing and queues nothing.
    const retry = await say('alice', 's-alice-2', 'I now live in Madrid.');
    expect(retry.body).toMatchObject({ created: 0, extraction: { status: 'nothing_new' } });
  });

  it('filters list, search and context by scope and occurred_at, inside the candidate SQL', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'n');
    // Many matching memories of one user, one of another: the other's must still be found.
    await t.request('POST', '/api/v1/memories/batch', {
      tenant_id: tenant,
      namespace: 'n',
      memories: Array.from({ length: 150 }, (_, i) => ({
        content: `coffee order number ${i}`,
        user_id: 'many',
        occurred_at: '2026-01-10T12:00:00Z',
      })),
    });
    await t.request('POST', '/api/v1/memories', {
      tenant_id: tenant,
      namespace: 'n',
      content: 'coffee order for the rare user',
      user_id: 'rare',
      session_id: 'sess',
      occurred_at: '2026-03-05T09:00:00Z',
    });
    const search = await t.request('POST', '/api/v1/memories/search', {
      tenant_id: tenant,
      namespace: 'n',
      query: 'coffee order number',
      k: 5,
      filters: { user_id: 'rare' },
    });
    expect(search.body.results.map((r: { memory: { user_id: string } }) => r.memory.user_id)).toEqual(['rare']);
    const window = await t.request('POST', '/api/v1/memories/search', {
      tenant_id: tenant,
      namespace: 'n',
      query: 'coffee order number',
      filters: { occurred_after: '2026-03-01T00:00:00Z', occurred_before: '2026-04-01T00:00:00Z' },
    });
    expect(window.body.results.map((r: { memory: { content: string } }) => r.memory.content)).toEqual([
      'coffee order for the rare user',
    ]);
    const list = await t.request(
      'GET',
      `/api/v1/memories?tenant_id=${tenant}&namespace=n&session_id=sess&occurred_after=2026-03-01T00:00:00Z`,
    );
    expect(list.body.memories).toHaveLength(1);
    const context = await t.request('POST', '/api/v1/context', {
      tenant_id: tenant,
      namespace: 'n',
      query: 'coffee order',
      occurred_before: '2026-02-01T00:00:00Z',
    });
    expect(context.body.blocks.length).toBeGreaterThan(0);
    expect(context.body.text).not.toContain('rare user');
    expect(context.body.text).toContain('2026-01-10');
  });

  it('reads a relative-time phrase as an occurred_at window only when asked', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'n');
    const day = 86_400_000;
    const now = Date.now();
    await t.request('POST', '/api/v1/memories/batch', {
      tenant_id: tenant,
      namespace: 'n',
      memories: [
        { content: 'we talked about the budget', occurred_at: new Date(now - day).toISOString() },
        { content: 'we talked about the budget again and again', occurred_at: new Date(now - 40 * day).toISOString() },
      ],
    });
    const ask = (relative_time?: boolean) =>
      t.request('POST', '/api/v1/memories/search', {
        tenant_id: tenant,
        namespace: 'n',
        query: 'what did we say about the budget yesterday',
        ...(relative_time === undefined ? {} : { relative_time }),
      });
    const off = await ask();
    expect(off.body.results).toHaveLength(2);
    expect(off.body.time_window).toBeNull();
    const on = await ask(true);
    expect(on.body.time_window.phrase).toBe('yesterday');
    expect(on.body.results.map((r: { memory: { content: string } }) => r.memory.content)).toEqual([
      'we talked about the budget',
    ]);
  });
});

describe('conversations with keys bound to a user (postgres)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      database: 'postgres',
      queue: 'bullmq',
      env: { ENGRAM_ADMIN_TOKEN: 'conversations-admin-token-0123456789' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('binds a key to its user: reads filtered, writes forced, another user is 403 scope_mismatch', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const alice = await newApiKey(t, tenant, { user_id: 'alice', name: 'alice agent', role: 'agent' });
    const bob = await newApiKey(t, tenant, { user_id: 'bob', name: 'bob agent', role: 'agent' });
    const open = await newApiKey(t, tenant);
    const mine = await t.request(
      'POST',
      CONVERSATIONS,
      { namespace: 'chat', session_id: 'a1', messages: [{ role: 'user', content: 'alice likes jazz' }] },
      alice.headers,
    );
    expect(mine.status).toBe(201);
    const other = await t.request(
      'POST',
      CONVERSATIONS,
      { namespace: 'chat', user_id: 'bob', messages: exchange(1) },
      alice.headers,
    );
    expect([other.status, other.body.error.code]).toEqual([403, 'scope_mismatch']);
    const memory = await t.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'chat', content: 'bob likes metal', user_id: 'bob' },
      bob.headers,
    );
    expect(memory.body.user_id).toBe('bob');
    // The same words as Bob's memory are Alice's own memory, never Bob's returned as "the duplicate".
    const same = await t.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'chat', content: 'bob likes metal' },
      alice.headers,
    );
    expect(same.status).toBe(201);
    expect(same.body).toMatchObject({ user_id: 'alice', duplicate: false });
    expect(same.body.id).not.toBe(memory.body.id);
    expect((await t.request('DELETE', `/api/v1/memories/${same.body.id}`, undefined, alice.headers)).status).toBe(204);
    const forced = await t.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'chat', content: 'alice note' },
      alice.headers,
    );
    expect(forced.body.user_id).toBe('alice');

    // Alice's key sees none of Bob's memories, by any read.
    const list = await t.request('GET', '/api/v1/memories?namespace=chat', undefined, alice.headers);
    expect(list.body.memories.map((m: { user_id: string }) => m.user_id)).toEqual(['alice', 'alice']);
    expect((await t.request('GET', `/api/v1/memories/${memory.body.id}`, undefined, alice.headers)).status).toBe(404);
    expect((await t.request('DELETE', `/api/v1/memories/${memory.body.id}`, undefined, alice.headers)).status).toBe(
      404,
    );
    const patch = await t.request('PATCH', `/api/v1/memories/${memory.body.id}`, { tags: ['x'] }, alice.headers);
    expect(patch.status).toBe(404);
    const move = await t.request('PATCH', `/api/v1/memories/${forced.body.id}`, { user_id: 'bob' }, alice.headers);
    expect([move.status, move.body.error.code]).toEqual([403, 'scope_mismatch']);
    const search = await t.request(
      'POST',
      '/api/v1/memories/search',
      { namespace: 'chat', query: 'likes metal jazz' },
      alice.headers,
    );
    const users = search.body.results.map((r: { memory: { user_id: string } }) => r.memory.user_id);
    expect(users.length).toBeGreaterThan(0);
    expect(new Set(users)).toEqual(new Set(['alice']));
    const named = await t.request(
      'POST',
      '/api/v1/memories/search',
      { namespace: 'chat', query: 'likes', filters: { user_id: 'bob' } },
      alice.headers,
    );
    expect([named.status, named.body.error.code]).toEqual([403, 'scope_mismatch']);
    const context = await t.request(
      'POST',
      '/api/v1/context',
      { namespace: 'chat', query: 'likes metal' },
      alice.headers,
    );
    expect(context.body.text).not.toContain('metal');
    expect((await t.request('GET', `${CONVERSATIONS}/a1`, undefined, bob.headers)).body.memories).toEqual([]);
    // The unbound key sees both users, and filters by one.
    const bobs = await t.request('GET', '/api/v1/memories?namespace=chat&user_id=bob', undefined, open.headers);
    expect(bobs.body.memories.map((m: { content: string }) => m.content)).toEqual(['bob likes metal']);
    const keys = await t.request('GET', `/api/v1/admin/tenants/${tenant}/api-keys`, undefined, adminHeaders(t));
    expect(keys.body.api_keys.find((k: { id: string }) => k.id === alice.id)).toMatchObject({ user_id: 'alice' });
  });
  it('holds over MCP too: remember is stored as the bound user, recall sees only that user', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const carol = await newApiKey(t, tenant, { user_id: 'carol', role: 'agent', name: 'carol agent' });
    const open = await newApiKey(t, tenant);
    const dave = await t.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'chat', content: 'dave keeps bees', user_id: 'dave', session_id: 'd1' },
      open.headers,
    );
    expect(dave.status).toBe(201);
    const base = await t.listen();
    const client = new Client({ name: 'scope-probe', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: carol.headers } }),
    );
    try {
      const remembered = await client.callTool({
        name: 'remember',
        arguments: { namespace: 'chat', content: 'carol keeps bees too', session_id: 'c1' },
      });
      expect(remembered.structuredContent).toMatchObject({ user_id: 'carol', session_id: 'c1' });
      const refused = await client.callTool({
        name: 'remember',
        arguments: { namespace: 'chat', content: 'probe', user_id: 'dave' },
      });
      expect({ isError: refused.isError, code: (refused.structuredContent as { code?: string })?.code }).toEqual({
        isError: true,
        code: 'scope_mismatch',
      });
      const recalled = await client.callTool({ name: 'recall', arguments: { namespace: 'chat', query: 'keeps bees' } });
      const found = (recalled.structuredContent as { results: { memory: { user_id: string } }[] }).results;
      expect(found.map((r) => r.memory.user_id)).toEqual(['carol']);
      expect(JSON.stringify(recalled)).not.toContain('dave keeps bees');
    } finally {
      await client.close();
    }
  });
});

describe('conversations on PGlite', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database: 'pglite' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('ingests an exchange, dedupes a retry and lists the session', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'chat');
    const body = { tenant_id: tenant, namespace: 'chat', session_id: 'p1', user_id: 'u', messages: exchange(10) };
    const first = await t.request('POST', CONVERSATIONS, body);
    expect(first.status).toBe(201);
    expect(first.body.created).toBe(10);
    const retry = await t.request('POST', CONVERSATIONS, body);
    expect(retry.status).toBe(200);
    expect(retry.body.messages.map((m: { id: string }) => m.id)).toEqual(
      first.body.messages.map((m: { id: string }) => m.id),
    );
    const got = await t.request('GET', `${CONVERSATIONS}/p1?tenant_id=${tenant}`);
    expect(got.body.memories.map((m: { content: string }) => m.content)).toEqual(body.messages.map((m) => m.content));
  });
});
