import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newApiKey, newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { FakeOpenAiUpstream, fakeReply, startFakeOpenAiUpstream } from '@engram/test-support/fake-openai-upstream';

/** The proxy on embedded PGlite: context injected from real retrieval, the streamed exchange stored. */
describe('the proxy on PGlite', () => {
  let fake: FakeOpenAiUpstream;
  let t: TestApp;

  beforeAll(async () => {
    fake = await startFakeOpenAiUpstream();
    t = await startTestApp({
      database: 'pglite',
      queue: 'inline',
      env: {
        ENGRAM_ADMIN_TOKEN: 'proxy-pglite-admin-token-0123456789',
        PROXY_UPSTREAM_URL: fake.url,
        PROXY_MEMORY_TIMEOUT_MS: '5000',
        MEMORY_CONTEXT_INJECTION: 'true',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('injects context and stores a streamed exchange', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant);
    await newNamespace(t, tenant, 'notes');
    const created = await t.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'notes', content: 'The user has a cat called Pixel.' },
      key.headers,
    );
    expect(created.status).toBe(201);
    const question = 'What is my cat called?';
    const response = await t.request(
      'POST',
      '/v1/chat/completions',
      { model: 'm', stream: true, messages: [{ role: 'user', content: question }] },
      { ...key.headers, 'x-engram-namespace': 'notes', 'x-engram-session': 'pg-1' },
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    const sent = fake.requests[fake.requests.length - 1].body.messages;
    expect(sent[0].role).toBe('system');
    expect(sent[0].content).toContain('Pixel');
    const rows = await eventually(async () => {
      const found = await ownerQuery<{ content: string; metadata: { session?: string } }>(
        t,
        "SELECT content, metadata FROM memories WHERE tenant_id = $1 AND namespace = 'notes' AND source = 'proxy'",
        [tenant],
      );
      return found.length === 2 ? found : undefined;
    });
    expect(rows.map((row) => row.content).sort()).toEqual([question, fakeReply(question)].sort());
    expect(rows.every((row) => row.metadata.session === 'pg-1')).toBe(true);
  });
});
