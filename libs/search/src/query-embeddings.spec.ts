import type { EmbeddingProvider } from '@engram/embeddings';
import { QueryEmbeddingCache } from './query-embeddings';

/** A provider that counts its calls and can be told to fail or to wait. */
function countingProvider(model = 'm') {
  const calls: string[] = [];
  let fail = false;
  let gate: Promise<void> = Promise.resolve();
  const provider: EmbeddingProvider = {
    model,
    dimensions: 2,
    inline: false,
    async embed(texts) {
      calls.push(...texts);
      await gate;
      if (fail) {
        throw new Error('model down');
      }
      return texts.map((text) => [text.length, calls.length]);
    },
  };
  return {
    provider,
    calls,
    failing: (value: boolean) => (fail = value),
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

describe('QueryEmbeddingCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('embeds a repeated query once per tenant and model until it expires', async () => {
    const outcomes: string[] = [];
    const cache = new QueryEmbeddingCache({ ttlMs: 60_000, maxEntries: 10, now: clock }, (o) => outcomes.push(o));
    const { provider, calls } = countingProvider();
    const first = await cache.embed('a', provider, 'what does Alice eat');
    expect(await cache.embed('a', provider, 'what does Alice eat')).toEqual(first);
    expect(calls).toHaveLength(1);
    // Another tenant's identical query is its own entry: timing cannot tell it what others asked.
    await cache.embed('b', provider, 'what does Alice eat');
    await cache.embed('a', countingProvider('other-model').provider, 'what does Alice eat');
    expect(calls).toHaveLength(2);
    now += 60_001;
    await cache.embed('a', provider, 'what does Alice eat');
    expect(calls).toHaveLength(3);
    expect(outcomes).toEqual(['miss', 'hit', 'miss', 'miss', 'miss']);
  });

  it('shares one call between concurrent requests for the same query', async () => {
    const cache = new QueryEmbeddingCache({ ttlMs: 60_000, maxEntries: 10, now: clock });
    const { provider, calls, hold } = countingProvider();
    const release = hold();
    const both = Promise.all([cache.embed('a', provider, 'q'), cache.embed('a', provider, 'q')]);
    release();
    const [one, two] = await both;
    expect(one).toBe(two);
    expect(calls).toEqual(['q']);
  });

  it('keeps no failure: the next request tries the model again', async () => {
    const cache = new QueryEmbeddingCache({ ttlMs: 60_000, maxEntries: 10, now: clock });
    const { provider, calls, failing } = countingProvider();
    failing(true);
    await expect(cache.embed('a', provider, 'q')).rejects.toThrow('model down');
    failing(false);
    await expect(cache.embed('a', provider, 'q')).resolves.toHaveLength(2);
    expect(calls).toEqual(['q', 'q']);
  });

  it('holds at most maxEntries, evicting the least recently used', async () => {
    const cache = new QueryEmbeddingCache({ ttlMs: 60_000, maxEntries: 2, now: clock });
    const { provider, calls } = countingProvider();
    await cache.embed('a', provider, 'one');
    await cache.embed('a', provider, 'two');
    await cache.embed('a', provider, 'one');
    await cache.embed('a', provider, 'three');
    expect(cache.size).toBe(2);
    await cache.embed('a', provider, 'one');
    expect(calls).toEqual(['one', 'two', 'three']);
    await cache.embed('a', provider, 'two');
    expect(calls).toEqual(['one', 'two', 'three', 'two']);
  });

  it('with a TTL of 0 always asks the model', async () => {
    const cache = new QueryEmbeddingCache({ ttlMs: 0, maxEntries: 10, now: clock });
    const { provider, calls } = countingProvider();
    await cache.embed('a', provider, 'q');
    await cache.embed('a', provider, 'q');
    expect(calls).toHaveLength(2);
    expect(cache.size).toBe(0);
  });
});
