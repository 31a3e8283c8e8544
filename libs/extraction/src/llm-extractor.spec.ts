import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FakeOpenAiUpstream,
  UpstreamBehaviour,
  completionWith,
  startFakeOpenAiUpstream,
} from '@engram/test-support/fake-openai-upstream';
import { EXTRACTION_PROMPT } from './extraction.prompt';
import { TranscriptMessage } from './extraction.dto';
import { LlmFactExtractor, extractionOutputJsonSchema } from './llm-extractor';

const MESSAGES: TranscriptMessage[] = [
  { index: 0, role: 'user', content: 'Hi! I moved to Lisbon last month.' },
  { index: 1, role: 'assistant', content: 'Welcome to Lisbon!' },
  { index: 2, role: 'user', name: 'ana', content: 'Also, I am allergic to\npeanuts.' },
];

const FACTS = {
  facts: [
    { content: 'User lives in Lisbon.', kind: 'fact', key: 'user.location', messages: [0] },
    { content: 'User is allergic to peanuts.', kind: 'fact', key: 'user.allergy.peanuts', messages: [2] },
  ],
};

describe('LlmFactExtractor against a fake chat server', () => {
  let server: FakeOpenAiUpstream;
  beforeEach(async () => {
    server = await startFakeOpenAiUpstream();
  });
  afterEach(async () => {
    await server.close();
  });

  const extractor = (overrides: Partial<ConstructorParameters<typeof LlmFactExtractor>[0]> = {}) =>
    new LlmFactExtractor({
      url: server.url,
      model: 'extractor-model',
      apiKey: 'sk-extract',
      timeoutMs: 400,
      maxRetries: 2,
      backoffMs: 10,
      ...overrides,
    });

  it('sends the prompt, the transcript and the output schema, and returns the facts', async () => {
    server.fallback = completionWith(FACTS);
    const facts = await extractor().extract(MESSAGES);
    expect(facts).toEqual(FACTS.facts);
    expect(server.requests).toHaveLength(1);
    const { body, headers } = server.requests[0];
    const authorization = headers.authorization;
    expect(authorization).toBe('Bearer sk-extract');
    expect(body).toMatchObject({ model: 'extractor-model', temperature: 0 });
    const messages = body.messages as { role: string; content: string }[];
    expect(messages[0]).toEqual({ role: 'system', content: EXTRACTION_PROMPT });
    expect(messages[1].content).toBe(
      '[0] user: Hi! I moved to Lisbon last month.\n[1] assistant: Welcome to Lisbon!\n[2] user (ana): Also, I am allergic to peanuts.',
    );
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'engram_facts', strict: true, schema: extractionOutputJsonSchema() },
    });
  });

  it('asks nothing for an empty exchange', async () => {
    expect(await extractor().extract([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('retries 5xx, 429 and a hanging server, then succeeds', async () => {
    server.next = [
      { kind: 'status', status: 503, body: '{}' },
      { kind: 'status', status: 429, body: '{}' },
    ];
    server.fallback = completionWith(FACTS);
    expect(await extractor().extract(MESSAGES)).toHaveLength(2);
    expect(server.requests).toHaveLength(3);

    server.requests.length = 0;
    server.next = [{ kind: 'hang' }];
    expect(await extractor().extract(MESSAGES)).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after its retries, with a code saying why', async () => {
    server.fallback = { kind: 'status', status: 500, body: '{"error":"down"}' };
    await expect(extractor().extract(MESSAGES)).rejects.toMatchObject({
      code: 'extractor_http_error',
      retryable: true,
    });
    expect(server.requests).toHaveLength(3);

    server.fallback = { kind: 'stream', chunks: 20, everyMs: 1000 };
    await expect(extractor({ maxRetries: 0 }).extract(MESSAGES)).rejects.toMatchObject({ code: 'extractor_timeout' });
  });

  it('does not retry a 4xx, and never echoes the server body', async () => {
    server.fallback = { kind: 'status', status: 401, body: '{"error":"bad key sk-extract"}' };
    const failure = extractor().extract(MESSAGES);
    await expect(failure).rejects.toMatchObject({ code: 'extractor_http_error', retryable: false });
    await expect(failure).rejects.not.toThrow(/sk-extract/);
    expect(server.requests).toHaveLength(1);
  });

  it('reports an unreachable server', async () => {
    const url = server.url;
    await server.close();
    await expect(extractor({ url, maxRetries: 0 }).extract(MESSAGES)).rejects.toMatchObject({
      code: 'extractor_unreachable',
    });
    server = await startFakeOpenAiUpstream();
  });

  const malformed: [string, UpstreamBehaviour, RegExp][] = [
    ['a reply that is not JSON', { kind: 'status', status: 200, body: '<html>' }, /reply is not JSON/],
    ['a reply without choices', { kind: 'status', status: 200, body: '{"choices":[]}' }, /no message content/],
    ['content that is not JSON', completionWith('Sure! Here are the facts: ...'), /content is not JSON/],
    ['a missing field', completionWith({ facts: [{ content: 'x', kind: 'fact', messages: [0] }] }), /facts\.0\.key/],
    ['an extra field', completionWith({ facts: [{ ...FACTS.facts[0], mood: 'happy' }] }), /facts\.0/],
    ['an unknown kind', completionWith({ facts: [{ ...FACTS.facts[0], kind: 'rumour' }] }), /facts\.0\.kind/],
    ['an empty statement', completionWith({ facts: [{ ...FACTS.facts[0], content: '  ' }] }), /facts\.0\.content/],
    ['a bad slot', completionWith({ facts: [{ ...FACTS.facts[0], key: 'User Location' }] }), /facts\.0\.key/],
    [
      'a cited message that does not exist',
      completionWith({ facts: [FACTS.facts[0], { ...FACTS.facts[1], messages: [7] }] }),
      /facts\.1\.messages: no message 7/,
    ],
    ['too many facts', completionWith({ facts: Array.from({ length: 51 }, () => FACTS.facts[0]) }), /facts/],
    ['a reply over 1 MB', completionWith({ facts: [], padding: 'x'.repeat(1024 * 1024) }), /larger than/],
  ];

  it.each(malformed)('rejects %s whole, without retrying', async (_name, reply, message) => {
    server.fallback = reply;
    const failure = extractor().extract(MESSAGES);
    await expect(failure).rejects.toMatchObject({ code: 'extractor_output_invalid', retryable: false });
    await expect(failure).rejects.toThrow(message);
    expect(server.requests).toHaveLength(1);
  });
});

describe('the committed output schema', () => {
  const file = join(__dirname, 'extraction-output.schema.json');

  it('is the one generated from the zod schema (UPDATE_EXTRACTION_SCHEMA=1 rewrites it)', () => {
    const generated = extractionOutputJsonSchema();
    if (process.env.UPDATE_EXTRACTION_SCHEMA === '1') {
      writeFileSync(file, `${JSON.stringify(generated, null, 2)}\n`);
    }
    // Compared as data: the committed file is formatted by prettier.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(generated);
  });

  it('is strict: every property required, no others allowed', () => {
    const schema = extractionOutputJsonSchema() as {
      additionalProperties: boolean;
      properties: { facts: { items: { required: string[]; additionalProperties: boolean } } };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.facts.items.additionalProperties).toBe(false);
    expect(schema.properties.facts.items.required.sort()).toEqual(['content', 'key', 'kind', 'messages']);
  });
});
