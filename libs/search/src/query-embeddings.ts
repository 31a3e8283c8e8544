import type { EmbeddingProvider } from '@engram/embeddings';

interface Entry {
  vector: Promise<number[]>;
  expiresAt: number;
}

/**
 * Query vectors, kept briefly: an agent repeats the same question across search and context
 * calls, and a real model costs milliseconds per query where a map lookup costs nothing.
 * Concurrent requests for the same query share one embedding call. Entries are per tenant, so
 * how fast an answer comes cannot tell one tenant what another asked. A failed embedding is not
 * kept; the caller decides what a failure means.
 */
export class QueryEmbeddingCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number; now?: () => number },
    private readonly onLookup: (outcome: 'hit' | 'miss') => void = () => undefined,
  ) {}

  embed(tenantId: string, provider: EmbeddingProvider, query: string): Promise<number[]> {
    if (this.options.ttlMs <= 0 || this.options.maxEntries <= 0) {
      return provider.embed([query]).then(([vector]) => vector);
    }
    const now = (this.options.now ?? Date.now)();
    // NUL cannot appear in a tenant id or a model name, so the key is unambiguous.
    const key = `${tenantId}\0${provider.model}\0${query}`;
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) {
      // Re-inserted so the Map's order stays least recently used first.
      this.entries.delete(key);
      this.entries.set(key, cached);
      this.onLookup('hit');
      return cached.vector;
    }
    this.onLookup('miss');
    const vector = provider.embed([query]).then(([first]) => first);
    const entry: Entry = { vector, expiresAt: now + this.options.ttlMs };
    this.entries.delete(key);
    this.entries.set(key, entry);
    vector.catch(() => {
      if (this.entries.get(key) === entry) {
        this.entries.delete(key);
      }
    });
    while (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return vector;
  }

  get size(): number {
    return this.entries.size;
  }
}
