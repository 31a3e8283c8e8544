import { request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { NewApiKey, adminHeaders, newApiKey, newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import {
  FakeOpenAiUpstream,
  fakeReply,
  startFakeOpenAiUpstream,
  streamEvents,
} from '@engram/test-support/fake-openai-upstream';

/**
 * The proxy on a real server (Postgres, the inline queue) in front of a fake OpenAI-compatible
 * upstream the test starts: what the upstream receives, what the client gets back, what is stored.
 */

const ADMIN_TOKEN = 'proxy-admin-token-0123456789abcdef';
const SERVER_KEY = 'sk-server-upstream-key-0123456789';
const CHAT = '/v1/chat/completions';
const DOG = 'The user has a dog named Biscuit who loves the beach.';

function metric(scrape: string, line: RegExp): number {
  const match = scrape.split('\n').find((l) => line.test(l));
  return match === undefined ? 0 : Number(match.split(' ').pop());
}

describe('the OpenAI-compatible proxy', () => {
  let fake: FakeOpenAiUpstream;
  let t: TestApp;
  let tenant: string;
  let key: NewApiKey;
  let chat: (body: unknown, headers?: Record<string, string>) => ReturnType<TestApp['request']>;
  let listening: Promise<string> | undefined;
  /** The app on a real socket (once), for what app.inject cannot do: leave mid-way. */
  const baseUrl = () => (listening ??= t.listen());
  const scrape = async () => (await t.request('GET', '/metrics', undefined, adminHeaders(t))).text;
  const lastReceived = () => fake.requests[fake.requests.length - 1];
  const stored = (namespace: string) =>
    ownerQuery<{ content: string; type: string; metadata: Record<string, unknown> }>(
      t,
      'SELECT content, type, metadata FROM memories WHERE tenant_id = $1 AND namespace = $2 ORDER BY created_at, content',
      [tenant, namespace],
    );

  beforeAll(async () => {
    fake = await startFakeOpenAiUpstream();
    t = await startTestApp({
      queue: 'inline',
      env: {
        ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
        PROXY_UPSTREAM_URL: fake.url,
        PROXY_UPSTREAM_API_KEY: SERVER_KEY,
        PROXY_UPSTREAM_TIMEOUT_MS: '1500',
        // Generous for a shared machine; the fail-open tests stall memory well past it.
        PROXY_MEMORY_TIMEOUT_MS: '1500',
        PROXY_MAX_BODY_BYTES: '65536',
        MEMORY_CONTEXT_INJECTION: 'true',
      },
    });
    tenant = await newTenant(t);
    key = await newApiKey(t, tenant, { role: 'machine' });
    await newNamespace(t, tenant, 'notes');
    for (const content of [DOG, 'The user prefers answers in French.']) {
      const created = await t.request('POST', '/api/v1/memories', { namespace: 'notes', content }, key.headers);
      expect(created.status).toBe(201);
    }
    chat = (body, headers = {}) => t.request('POST', CHAT, body, { ...key.headers, ...headers });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const question = { model: 'gpt-test', messages: [{ role: 'user', content: 'What is my dog called?' }] };

  describe('context injection', () => {
    it('puts the assembled context into a system message first and passes the answer back unchanged', async () => {
      const response = await chat(question, { 'x-engram-namespace': 'notes', 'x-engram-skip-extract': 'true' });
      expect(response.status).toBe(200);
      const sent = lastReceived();
      expect(sent.path).toBe('/chat/completions');
      expect(sent.body.messages).toHaveLength(2);
      expect(sent.body.messages[0].role).toBe('system');
      expect(sent.body.messages[0].content).toContain('Biscuit');
      expect(sent.body.messages[1]).toEqual(question.messages[0]);
      expect(sent.body.model).toBe('gpt-test');
      // The answer is the upstream's byte for byte; its request id comes back renamed.
      expect(response.body.choices[0].message.content).toBe(fakeReply('What is my dog called?'));
      expect(response.headers['x-upstream-request-id']).toBe('upstream-completion');
      expect(response.headers['content-type']).toBe('application/json');
      // The server's upstream key went upstream; no Engram key did.
      expect(sent.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
      expect(JSON.stringify(sent.headers)).not.toContain(key.key);
      expect(response.text).not.toContain(SERVER_KEY);
    });

    it('appends to an existing system message', async () => {
      await chat(
        { model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, ...question.messages] },
        { 'x-engram-namespace': 'notes', 'x-engram-skip-extract': '1' },
      );
      const messages = lastReceived().body.messages;
      expect(messages).toHaveLength(2);
      expect(messages[0].content.startsWith('Be brief.\n\n')).toBe(true);
      expect(messages[0].content).toContain('Biscuit');
    });

    it('writes it before the first user message at first_user', async () => {
      const messages = [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hi!' },
        { role: 'user', content: 'What is my dog called?' },
      ];
      await chat(
        { model: 'm', messages },
        { 'x-engram-namespace': 'notes', 'x-engram-context-position': 'first_user', 'x-engram-skip-extract': 'yes' },
      );
      const sent = lastReceived().body.messages;
      expect(sent.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(sent[0].content).toContain('Biscuit');
      expect(sent[0].content.endsWith('\n\nHello')).toBe(true);
      expect(sent[2]).toEqual(messages[2]);
    });

    it('inserts a system message just before the last message at before_last', async () => {
      const messages = [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hi!' },
        { role: 'user', content: 'What is my dog called?' },
      ];
      await chat(
        { model: 'm', messages },
        { 'x-engram-namespace': 'notes', 'x-engram-context-position': 'before_last', 'x-engram-skip-extract': 'on' },
      );
      const sent = lastReceived().body.messages;
      expect(sent.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant', 'system', 'user']);
      expect(sent[0]).toEqual(messages[0]);
      expect(sent[3].content).toContain('Biscuit');
      expect(sent[4]).toEqual(messages[3]);
    });

    it('keeps the injected context within X-Engram-Token-Budget', async () => {
      await newNamespace(t, tenant, 'many');
      const memories = Array.from({ length: 30 }, (_, i) => ({
        content: `Dog fact ${i}: the dog Biscuit likes toy number ${i} and walks on beach ${i} every morning.`,
      }));
      expect(
        (await t.request('POST', '/api/v1/memories/batch', { namespace: 'many', memories }, key.headers)).status,
      ).toBe(201);
      const budget = 200;
      await chat(question, {
        'x-engram-namespace': 'many',
        'x-engram-token-budget': String(budget),
        'x-engram-skip-extract': 'true',
      });
      const injected = lastReceived().body.messages[0].content as string;
      const direct = await t.request(
        'POST',
        '/api/v1/context',
        { namespace: 'many', query: question.messages[0].content, token_budget: budget },
        key.headers,
      );
      expect(direct.body.tokens_used).toBeLessThanOrEqual(budget);
      expect(injected).toBe(direct.body.text);
      const included = memories.filter((m) => injected.includes(m.content)).length;
      expect(included).toBeGreaterThan(0);
      expect(included).toBeLessThan(memories.length);
    });
  });

  describe('going upstream unmodified', () => {
    it('without X-Engram-Namespace: no memory, nothing stored, counted', async () => {
      const before = metric(await scrape(), /^proxy_memory_skipped_total\{reason="no_namespace"\}/);
      const response = await chat(question);
      expect(response.status).toBe(200);
      expect(lastReceived().body).toEqual(question);
      expect(metric(await scrape(), /^proxy_memory_skipped_total\{reason="no_namespace"\}/)).toBe(before + 1);
    });

    it('with X-Engram-Skip-Memory: no context and nothing stored', async () => {
      await chat(
        { ...question, messages: [{ role: 'user', content: 'skip-memory probe' }] },
        {
          'x-engram-namespace': 'skipped',
          'x-engram-skip-memory': 'true',
        },
      );
      expect(lastReceived().body.messages).toEqual([{ role: 'user', content: 'skip-memory probe' }]);
      await t.settle();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await stored('skipped')).toEqual([]);
    });

    it('fails open when the memory lookup is slower than PROXY_MEMORY_TIMEOUT_MS (the table is locked)', async () => {
      const before = metric(await scrape(), /^proxy_memory_fail_open_total\{reason="timeout"\}/);
      const locker = new Client({ connectionString: t.database.url });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE memories IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        const response = await chat(question, { 'x-engram-namespace': 'notes', 'x-engram-skip-extract': 'true' });
        expect(response.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(6000);
        expect(lastReceived().body).toEqual(question);
      } finally {
        await locker.query('ROLLBACK');
        await locker.end();
      }
      expect(metric(await scrape(), /^proxy_memory_fail_open_total\{reason="timeout"\}/)).toBe(before + 1);
    });

    it('fails open when the memory lookup fails (the table is gone)', async () => {
      const before = metric(await scrape(), /^proxy_memory_fail_open_total\{reason="error"\}/);
      const owner = new Client({ connectionString: t.database.url });
      await owner.connect();
      try {
        await owner.query('ALTER TABLE memories RENAME TO memories_away');
        const response = await chat(question, { 'x-engram-namespace': 'notes', 'x-engram-skip-extract': 'true' });
        expect(response.status).toBe(200);
        expect(lastReceived().body).toEqual(question);
      } finally {
        await owner.query('ALTER TABLE memories_away RENAME TO memories');
        await owner.end();
      }
      expect(metric(await scrape(), /^proxy_memory_fail_open_total\{reason="error"\}/)).toBe(before + 1);
    });
  });

  describe('streaming', () => {
    it('relays the event stream chunk for chunk and stores the exchange afterwards', async () => {
      const body = {
        model: 'gpt-test',
        stream: true,
        messages: [{ role: 'user', content: 'Tell me about the beach trip.' }],
      };
      const response = await chat(body, {
        'x-engram-namespace': 'journal',
        'x-engram-user': 'ada',
        'x-engram-session': 'session-1',
      });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/event-stream');
      expect(response.text).toBe(streamEvents(lastReceived().body).join(''));
      const rows = await eventually(async () => {
        const found = await stored('journal');
        return found.length === 2 ? found : undefined;
      });
      const byRole = Object.fromEntries(rows.map((row) => [row.metadata.role, row]));
      expect(byRole.user).toMatchObject({
        content: 'Tell me about the beach trip.',
        type: 'episodic',
        metadata: { user: 'ada', session: 'session-1', channel: 'proxy', model: 'gpt-test' },
      });
      expect(byRole.assistant).toMatchObject({
        content: fakeReply('Tell me about the beach trip.'),
        type: 'episodic',
        metadata: { user: 'ada', session: 'session-1' },
      });
    });

    it('stores a non-streamed exchange too, unless X-Engram-Skip-Extract', async () => {
      await chat(
        { model: 'm', messages: [{ role: 'user', content: 'Remember this one.' }] },
        {
          'x-engram-namespace': 'diary',
        },
      );
      await chat(
        { model: 'm', messages: [{ role: 'user', content: 'Not this one.' }] },
        {
          'x-engram-namespace': 'diary',
          'x-engram-skip-extract': 'true',
        },
      );
      const rows = await eventually(async () => {
        const found = await stored('diary');
        return found.length >= 2 ? found : undefined;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await stored('diary')).map((row) => row.content).sort()).toEqual(
        ['Remember this one.', fakeReply('Remember this one.')].sort(),
      );
      expect(rows).toHaveLength(2);
    });

    it('closes the upstream request when the client leaves mid-stream', async () => {
      const base = await baseUrl();
      fake.next = [{ kind: 'stream', chunks: 200, everyMs: 20 }];
      const abortSeen = fake.waitForAbort();
      const payload = JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'long story' }] });
      await new Promise<void>((resolve, reject) => {
        const request = httpRequest(`${base}${CHAT}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key.key, 'x-engram-namespace': 'left' },
        });
        request.on('response', (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        });
        request.on('error', (error) =>
          (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(error),
        );
        request.end(payload);
      });
      await abortSeen;
      expect(fake.aborted).toBeGreaterThanOrEqual(1);
      // An exchange that did not complete is not stored.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await stored('left')).toEqual([]);
    });
  });

  describe('the upstream going quiet', () => {
    it('ends the stream when the upstream is silent past PROXY_UPSTREAM_TIMEOUT_MS mid-stream, closing it', async () => {
      const base = await baseUrl();
      fake.next = [{ kind: 'stream', chunks: 3, everyMs: 3000 }];
      const abortSeen = fake.waitForAbort(10_000);
      const response = await fetch(`${base}${CHAT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key.key },
        body: JSON.stringify({ ...question, stream: true }),
      });
      expect(response.status).toBe(200);
      let text = '';
      try {
        text = await response.text();
      } catch {
        // The cut stream may surface as a network error: what arrived is all there is.
      }
      await abortSeen;
      expect(text).not.toContain('[DONE]');
      expect(metric(await scrape(), /^proxy_requests_total\{endpoint="chat_completions",outcome="stream_failed"/)).toBe(
        1,
      );
    });

    it('closes the upstream request when the client leaves before the upstream answered', async () => {
      const base = await baseUrl();
      fake.next = [{ kind: 'hang' }];
      const abortSeen = fake.waitForAbort();
      const controller = new AbortController();
      const pending = fetch(`${base}${CHAT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key.key },
        body: JSON.stringify(question),
        signal: controller.signal,
      }).catch(() => undefined);
      await eventually(
        async () =>
          fake.requests.length > 0 && lastReceived().body?.messages?.[0]?.content === question.messages[0].content,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const left = Date.now();
      controller.abort();
      await pending;
      await abortSeen;
      // Well before PROXY_UPSTREAM_TIMEOUT_MS (1500 ms) would have closed it anyway.
      expect(Date.now() - left).toBeLessThan(1000);
    });
  });

  describe('upstream errors and limits', () => {
    it.each([400, 401, 429, 500])('passes an upstream %i through with its body unchanged', async (status) => {
      const body = JSON.stringify({ error: { message: `upstream says ${status}`, type: 'x', code: `c${status}` } });
      fake.next = [{ kind: 'status', status, body, headers: { 'retry-after': '7' } }];
      const response = await chat(question);
      expect(response.status).toBe(status);
      expect(response.text).toBe(body);
      expect(response.headers['retry-after']).toBe('7');
    });

    it('answers 504 upstream_timeout when the upstream is too slow', async () => {
      fake.next = [{ kind: 'hang' }];
      const response = await chat(question);
      expect({ status: response.status, code: response.body?.error?.code }).toEqual({
        status: 504,
        code: 'upstream_timeout',
      });
    });

    it('answers 502 upstream_unreachable when the upstream breaks the connection', async () => {
      fake.next = [{ kind: 'reset' }];
      const response = await chat(question);
      expect({ status: response.status, code: response.body?.error?.code }).toEqual({
        status: 502,
        code: 'upstream_unreachable',
      });
    });

    it.each([
      ['malformed JSON', '{"model": "m", "messages": [', 'invalid_json'],
      ['no messages', { model: 'm' }, 'missing_messages'],
      ['empty messages', { model: 'm', messages: [] }, 'invalid_messages'],
      ['no model', { messages: question.messages }, 'missing_model'],
      ['an array', [question], 'invalid_request'],
    ])('answers 400 for %s, forwarding nothing', async (_label, body, code) => {
      const before = fake.requests.length;
      const response = await chat(body);
      expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status: 400, code });
      expect(fake.requests.length).toBe(before);
    });

    it('answers 400 invalid_engram_header for a bad X-Engram-* header', async () => {
      const bad: Record<string, string>[] = [
        { 'x-engram-token-budget': '12' },
        { 'x-engram-context-position': 'middle' },
        { 'x-engram-namespace': '../etc' },
        { 'x-engram-skip-memory': 'maybe' },
      ];
      for (const headers of bad) {
        const response = await chat(question, headers);
        expect({ status: response.status, code: response.body?.error?.code }).toEqual({
          status: 400,
          code: 'invalid_engram_header',
        });
      }
    });

    it('answers 413 proxy_body_too_large above PROXY_MAX_BODY_BYTES', async () => {
      const response = await chat({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] });
      expect({ status: response.status, code: response.body?.error?.code }).toEqual({
        status: 413,
        code: 'proxy_body_too_large',
      });
    });
  });

  describe('credentials', () => {
    it("forwards the client's own upstream key when Engram's is in X-Engram-Key", async () => {
      const response = await t.request('POST', CHAT, question, {
        'x-engram-key': key.key,
        authorization: 'Bearer sk-client-own-key',
      });
      expect(response.status).toBe(200);
      expect(lastReceived().headers.authorization).toBe('Bearer sk-client-own-key');
    });

    it('uses the server key when the Engram key is the Bearer, and never forwards an Engram key', async () => {
      expect((await t.request('POST', CHAT, question, { authorization: `Bearer ${key.key}` })).status).toBe(200);
      expect(lastReceived().headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
      const other = await newApiKey(t, tenant, { role: 'machine', name: 'second' });
      expect(
        (await t.request('POST', CHAT, question, { 'x-engram-key': key.key, authorization: `Bearer ${other.key}` }))
          .status,
      ).toBe(200);
      expect(lastReceived().headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
    });

    it('refuses without a credential, with an unknown key, and a key of tenant A naming tenant B', async () => {
      expect((await t.request('POST', CHAT, question)).status).toBe(401);
      expect((await t.request('POST', CHAT, question, { 'x-engram-key': `eng_${'0'.repeat(64)}` })).status).toBe(401);
      const other = await newTenant(t);
      const named = await chat(question, { 'x-engram-tenant': other, 'x-engram-namespace': 'notes' });
      expect({ status: named.status, code: named.body?.error?.code }).toEqual({ status: 403, code: 'tenant_mismatch' });
    });

    it('refuses X-API-Key and X-Engram-Key together', async () => {
      const response = await t.request('POST', CHAT, question, { 'x-api-key': key.key, 'x-engram-key': key.key });
      expect({ status: response.status, code: response.body?.error?.code }).toEqual({
        status: 401,
        code: 'malformed_credentials',
      });
    });

    it("counts against the key's requests per minute like any route", async () => {
      const limitedTenant = await newTenant(t, { quotas: { requests_per_minute: 1 } });
      const limited = await newApiKey(t, limitedTenant);
      expect((await t.request('POST', CHAT, question, limited.headers)).status).toBe(200);
      const refused = await t.request('POST', CHAT, question, limited.headers);
      expect({ status: refused.status, code: refused.body?.error?.code }).toEqual({
        status: 429,
        code: 'rate_limited',
      });
    });

    it('needs proxy:write; a readonly key may list models only', async () => {
      const reader = await newApiKey(t, tenant, { role: 'readonly', name: 'reader' });
      const refused = await t.request('POST', CHAT, question, reader.headers);
      expect({ status: refused.status, code: refused.body?.error?.code }).toEqual({ status: 403, code: 'forbidden' });
      const models = await t.request('GET', '/v1/models', undefined, reader.headers);
      expect(models.status).toBe(200);
      expect(models.body.data[0].id).toBe('fake-model');
      expect(lastReceived()).toMatchObject({ method: 'GET', path: '/models' });
    });
  });

  describe('with memory_context_injection off', () => {
    let off: TestApp;
    beforeAll(async () => {
      off = await startTestApp({
        queue: 'inline',
        database_: t.database,
        env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN, PROXY_UPSTREAM_URL: fake.url },
      });
    });
    afterAll(async () => {
      await off?.close();
    });

    it('forwards unmodified, counts it, and still stores the exchange', async () => {
      const body = { model: 'm', messages: [{ role: 'user', content: 'What is my dog called, flag off?' }] };
      const response = await off.request('POST', CHAT, body, { ...key.headers, 'x-engram-namespace': 'notes' });
      expect(response.status).toBe(200);
      expect(lastReceived().body).toEqual(body);
      // No key configured on this server and none from the client: nothing is sent.
      expect(lastReceived().headers.authorization).toBeUndefined();
      const scraped = (await off.request('GET', '/metrics', undefined, adminHeaders(off))).text;
      expect(metric(scraped, /^proxy_memory_skipped_total\{reason="flag_off"\}/)).toBe(1);
      await eventually(async () =>
        (await stored('notes')).some((row) => row.content === fakeReply('What is my dog called, flag off?')),
      );
    });
  });

  it('answers 503 proxy_not_configured without PROXY_UPSTREAM_URL', async () => {
    const bare = await startTestApp({
      queue: 'inline',
      database_: t.database,
      env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    try {
      for (const [method, url] of [
        ['POST', CHAT],
        ['GET', '/v1/models'],
      ] as const) {
        const response = await bare.request(method, url, method === 'POST' ? question : undefined, key.headers);
        expect({ status: response.status, code: response.body?.error?.code }).toEqual({
          status: 503,
          code: 'proxy_not_configured',
        });
      }
    } finally {
      await bare.close();
    }
  });
});
