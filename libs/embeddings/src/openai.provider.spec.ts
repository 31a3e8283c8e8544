import { FakeEmbeddingServer, fakeVector, startFakeEmbeddingServer } from '@engram/test-support/fake-embedding-server';
import { LocalHashEmbeddingProvider, embedText } from './local-hash.provider';
import { EmbeddingProviderError, OpenAiEmbeddingProvider } from './openai.provider';

describe('OpenAiEmbeddingProvider against a fake server', () => {
  let server: FakeEmbeddingServer;

  beforeEach(async () => {
    server = await startFakeEmbeddingServer(8);
  });
  afterEach(async () => {
    await server.close();
  });

  const provider = (overrides: Partial<ConstructorParameters<typeof OpenAiEmbeddingProvider>[0]> = {}) =>
    new OpenAiEmbeddingProvider({
      url: server.url,
      model: 'fake',
      apiKey: 'sk-test',
      dimensions: 8,
      batchSize: 2,
      timeoutMs: 300,
      maxRetries: 2,
      backoffMs: 10,
      ...overrides,
    });

  it('sends batches with the key, and returns normalised vectors in input order', async () => {
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const vectors = await provider().embed(texts);
    expect(server.requests.map((r) => r.input)).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    expect(server.requests[0]).toMatchObject({ model: 'fake', authorization: 'Bearer sk-test' });
    expect(vectors).toHaveLength(5);
    for (const [i, vector] of vectors.entries()) {
      const expected = fakeVector(texts[i], 8);
      const norm = Math.hypot(...expected);
      expect(vector.map((v) => v.toFixed(6))).toEqual(expected.map((v) => (v / norm).toFixed(6)));
    }
  });

  it('retries 5xx and 429, then succeeds', async () => {
    server.failures = [500, 429];
    const vectors = await provider().embed(['x']);
    expect(vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries on persistent 5xx', async () => {
    server.failures = [503, 503, 503, 503];
    await expect(provider().embed(['x'])).rejects.toThrow('server answered 503');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry other 4xx', async () => {
    server.failures = [400];
    await expect(provider().embed(['x'])).rejects.toMatchObject({ retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a hanging request and retries it', async () => {
    server.failures = ['hang'];
    const started = Date.now();
    await expect(provider({ maxRetries: 1 }).embed(['x'])).resolves.toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(server.requests).toHaveLength(2);
    server.failures = ['hang', 'hang'];
    await expect(provider({ maxRetries: 1 }).embed(['x'])).rejects.toThrow(/timed out after 300 ms/);
  });

  it('rejects vectors of the wrong dimension', async () => {
    await expect(provider({ dimensions: 16 }).embed(['x'])).rejects.toBeInstanceOf(EmbeddingProviderError);
  });
});

describe('LocalHashEmbeddingProvider', () => {
  const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i], 0);

  it('gives unit vectors of 384 dimensions, equal for equal text', async () => {
    const [a, b] = await new LocalHashEmbeddingProvider().embed(['Memories of cats', 'memories of cats']);
    expect(a).toHaveLength(384);
    expect(Math.hypot(...a)).toBeCloseTo(1, 6);
    expect(a).toEqual(b);
  });

  it('scores word overlap, not meaning', () => {
    const query = embedText('where does the cat sleep');
    expect(cosine(query, embedText('the cat sleeps on the sofa'))).toBeGreaterThan(
      cosine(query, embedText('stock prices fell today')) + 0.3,
    );
    // Synonyms share no words: the local model cannot relate them.
    expect(Math.abs(cosine(embedText('car'), embedText('automobile')))).toBeLessThan(0.3);
  });
});
