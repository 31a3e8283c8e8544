import { ScoredDoc } from '../lib/retrieval-metrics';
import { SciFactDoc } from './scifact';

/**
 * The product's search path over HTTP: SciFact loaded through `POST /api/v1/memories/batch`
 * into namespace `scifact` (doc id in metadata), queried through `POST /api/v1/memories/search`.
 */
export interface ApiTarget {
  base: string;
  token?: string;
  namespace: string;
}

async function call<T>(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const response = await fetch(new URL(path, target.base), {
    method,
    headers: {
      'content-type': 'application/json',
      ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as T };
}

/** Creates the namespace (an existing one is fine) and loads the corpus in batches of 1000. */
export async function loadViaApi(target: ApiTarget, docs: readonly SciFactDoc[]): Promise<number[]> {
  const created = await call(target, 'POST', '/api/v1/namespaces', { name: target.namespace });
  if (created.status >= 400 && created.status !== 409) {
    throw new Error(`creating namespace ${target.namespace}: HTTP ${created.status} ${JSON.stringify(created.json)}`);
  }
  const timings: number[] = [];
  for (let start = 0; start < docs.length; start += 1000) {
    const chunk = docs.slice(start, start + 1000);
    const began = performance.now();
    const response = await call(target, 'POST', '/api/v1/memories/batch', {
      namespace: target.namespace,
      memories: chunk.map((doc) => ({ content: doc.content, type: 'semantic', metadata: { doc_id: doc.id } })),
    });
    timings.push(performance.now() - began);
    if (response.status >= 300) {
      throw new Error(`batch at ${start}: HTTP ${response.status} ${JSON.stringify(response.json)}`);
    }
  }
  return timings;
}

interface MemoryPage {
  memories: { embedding_status: 'pending' | 'ready' | 'failed' }[];
  next_cursor: string | null;
}

/**
 * Waits until no memory of the namespace is `pending`: a model that embeds through jobs makes
 * memories searchable by meaning only then. Returns the counts by status at the end.
 */
export async function waitForVectors(target: ApiTarget, timeoutMs = 3_600_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts: Record<string, number> = {};
    let cursor: string | null = null;
    do {
      const query: URLSearchParams = new URLSearchParams({
        namespace: target.namespace,
        limit: '200',
        ...(cursor ? { cursor } : {}),
      });
      let page = await call<MemoryPage>(target, 'GET', `/api/v1/memories?${query}`);
      // The embedded database may be busy storing vectors: the service says so (503); ask again.
      while (page.status === 503) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        page = await call<MemoryPage>(target, 'GET', `/api/v1/memories?${query}`);
      }
      if (page.status !== 200) {
        throw new Error(`listing memories answered ${page.status}: ${JSON.stringify(page.json)}`);
      }
      for (const memory of page.json.memories) {
        counts[memory.embedding_status] = (counts[memory.embedding_status] ?? 0) + 1;
      }
      cursor = page.json.next_cursor;
    } while (cursor !== null);
    if (!counts.pending) {
      return counts;
    }
    if (Date.now() > deadline) {
      throw new Error(`vectors not ready in time: ${JSON.stringify(counts)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

interface SearchResponse {
  results: { memory: { id: string; metadata?: { doc_id?: string } }; score: number }[];
}

export async function searchViaApi(target: ApiTarget, query: string, k = 100): Promise<ScoredDoc[]> {
  const response = await call<SearchResponse>(target, 'POST', '/api/v1/memories/search', {
    query,
    namespace: target.namespace,
    k,
  });
  if (response.status !== 200) {
    throw new Error(`search: HTTP ${response.status} ${JSON.stringify(response.json)}`);
  }
  // The API's order is kept (scores may tie after rounding); rank stands in for the score.
  return response.json.results.map((result, rank) => ({
    docId: result.memory.metadata?.doc_id ?? `memory:${result.memory.id}`,
    score: -rank,
  }));
}
