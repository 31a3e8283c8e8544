import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { LOCAL_HASH_MODEL } from './local-hash.provider';
import { MINILM_MODEL } from './minilm.provider';

const MEMORIES = '/api/v1/memories';

async function availability(t: TestApp): Promise<string | undefined> {
  const text = await t.app.get(MetricsService).registry.metrics();
  return text.match(/^engram_embedding_model_available\{model="minilm-l6-v2"\} (\d)$/m)?.[1];
}

it('new namespaces default to the sentence model', () => {
  expect(parseConfig({}).EMBEDDING_DEFAULT_MODEL).toBe(MINILM_MODEL);
});

describe('the sentence model as the default (embedded: pglite, inline queue)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database: 'pglite', queue: 'inline', env: { EMBEDDING_DEFAULT_MODEL: MINILM_MODEL } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is loaded at boot and reported by /ready and the gauge', async () => {
    const ready = await t.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.embeddings).toEqual({
      status: 'up',
      model: MINILM_MODEL,
      configured: MINILM_MODEL,
      fallback: false,
    });
    expect(await availability(t)).toBe('1');
    const indexes = await ownerQuery<{ indexdef: string }>(
      t,
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'memory_embeddings' AND indexdef LIKE '%hnsw%'`,
    );
    expect(indexes.map((row) => row.indexdef).filter((def) => def.includes(`'${MINILM_MODEL}'`))).toHaveLength(1);
  });

  it('embeds a new namespace by meaning: a query sharing no word with the memory finds it', async () => {
    const tenant = await newTenant(t);
    const contents = [
      'A feline is resting on a rug',
      'Stock markets fell sharply today',
      'The quarterly report is due on Friday',
    ];
    const ids: string[] = [];
    for (const content of contents) {
      const created = await t.request('POST', MEMORIES, {
        tenant_id: tenant,
        namespace: 'pets',
        content,
        create_namespace: true,
      });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const namespace = await t.request('GET', `/api/v1/namespaces/pets?tenant_id=${tenant}`);
    expect(namespace.body.embedding_model).toBe(MINILM_MODEL);
    await t.settle();
    const vectors = await ownerQuery<{ model: string; dims: number }>(
      t,
      'SELECT model, vector_dims(embedding) AS dims FROM memory_embeddings WHERE tenant_id = $1',
      [tenant],
    );
    expect(vectors).toEqual(contents.map(() => ({ model: MINILM_MODEL, dims: 384 })));

    const found = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: tenant,
      namespace: 'pets',
      query: 'where is the cat sleeping?',
      explain: true,
    });
    expect(found.status).toBe(200);
    expect(found.body.lexical_only).toBe(false);
    expect(found.body.results[0].memory.id).toBe(ids[0]);
    const vectorScores = found.body.results.map((r: { components: { vector: number } }) => r.components.vector);
    expect(vectorScores[0]).toBeGreaterThan(Math.max(...vectorScores.slice(1)) + 0.2);
  });

  it('finds a long memory by a meaning that only its later passages hold', async () => {
    const tenant = await newTenant(t);
    // ~330 words of release notes, then the one sentence about the pet: past the first 256-token window.
    const filler = Array.from(
      { length: 30 },
      (_, i) => `Release ${i} changed the build pipeline, the deployment scripts and the database migrations.`,
    ).join(' ');
    const long = `Project log. ${filler} Unrelated to the releases, my dog Rex sleeps on the sofa every afternoon.`;
    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'log',
      content: long,
      create_namespace: true,
    });
    expect(created.status).toBe(201);
    const short = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'log',
      content: 'The deployment scripts were rewritten in release 31',
    });
    await t.settle();
    const passages = await ownerQuery<{ memory_id: string; passage: number }>(
      t,
      'SELECT memory_id, passage FROM memory_embeddings WHERE tenant_id = $1 ORDER BY memory_id, passage',
      [tenant],
    );
    const longPassages = passages.filter((row) => row.memory_id === created.body.id).map((row) => row.passage);
    expect(longPassages.length).toBeGreaterThan(1);
    expect(longPassages).toEqual(longPassages.map((_, i) => i));
    expect(passages.filter((row) => row.memory_id === short.body.id).map((row) => row.passage)).toEqual([0]);

    const vectorScore = async () => {
      const found = await t.request('POST', `${MEMORIES}/search`, {
        tenant_id: tenant,
        namespace: 'log',
        query: 'where does the dog sleep?',
        explain: true,
      });
      expect(found.status).toBe(200);
      return found.body.results.find((r: { memory: { id: string } }) => r.memory.id === created.body.id).components
        .vector as number;
    };
    const best = await vectorScore();
    // The same search with only the first window left (releases, no dog): the memory scores lower.
    await ownerQuery(t, 'DELETE FROM memory_embeddings WHERE tenant_id = $1 AND memory_id = $2 AND passage > 0', [
      tenant,
      created.body.id,
    ]);
    const firstOnly = await vectorScore();
    expect(best).toBeGreaterThan(firstOnly + 0.05);
  });
});

describe('re-embedding from the hash model to the sentence model (embedded: pglite, inline queue)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The hash model is the default here, as for namespaces made before the sentence model was.
    t = await startTestApp({ database: 'pglite', queue: 'inline', env: { EMBEDDING_DEFAULT_MODEL: LOCAL_HASH_MODEL } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('switches an existing namespace while search keeps answering, then finds by meaning', async () => {
    const tenant = await newTenant(t);
    const contents = [
      'A feline is resting on a rug',
      'Stock markets fell sharply today',
      'The printer is out of toner',
    ];
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'home',
      create_namespace: true,
      memories: contents.map((content) => ({ content })),
    });
    expect(batch.status).toBe(201);
    const feline = batch.body.memories[0].id as string;
    const search = (query: string) =>
      t.request('POST', `${MEMORIES}/search`, { tenant_id: tenant, namespace: 'home', query, explain: true });

    const patched = await t.request('PATCH', '/api/v1/namespaces/home', {
      tenant_id: tenant,
      embedding_model: MINILM_MODEL,
    });
    expect(patched.status).toBe(200);
    // Until the job is done the namespace searches with the vectors it has.
    const during = await search('stock markets');
    expect(during.status).toBe(200);
    expect(during.body.results[0].memory.content).toBe('Stock markets fell sharply today');

    await t.settle();
    const namespace = await t.request('GET', `/api/v1/namespaces/home?tenant_id=${tenant}`);
    expect(namespace.body).toMatchObject({ embedding_model: MINILM_MODEL, pending_embedding_model: null });
    const vectors = await ownerQuery<{ model: string; dims: number }>(
      t,
      'SELECT model, vector_dims(embedding) AS dims FROM memory_embeddings WHERE tenant_id = $1',
      [tenant],
    );
    expect(vectors).toEqual(contents.map(() => ({ model: MINILM_MODEL, dims: 384 })));
    const after = await search('where is the cat sleeping?');
    expect(after.body.lexical_only).toBe(false);
    expect(after.body.results[0].memory.id).toBe(feline);
  });
});

describe('the sentence model missing (postgres, inline queue)', () => {
  let t: TestApp;
  const missing = mkdtempSync(join(tmpdir(), 'engram-no-minilm-'));

  beforeAll(async () => {
    t = await startTestApp({
      queue: 'inline',
      env: { EMBEDDING_DEFAULT_MODEL: MINILM_MODEL, EMBEDDING_MINILM_DIR: missing },
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(missing, { recursive: true, force: true });
  });

  it('boots, stays ready, and says new namespaces fall back to the hash model', async () => {
    const ready = await t.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.embeddings).toEqual({
      status: 'up',
      model: LOCAL_HASH_MODEL,
      configured: MINILM_MODEL,
      fallback: true,
      reason: expect.stringContaining(`model.int8.onnx and tokenizer.json not found in ${missing}`),
    });
    expect(await availability(t)).toBe('0');
    const indexes = await ownerQuery<{ indexdef: string }>(
      t,
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'memory_embeddings' AND indexdef LIKE '%${MINILM_MODEL}%'`,
    );
    expect(indexes).toEqual([]);
  });

  it('gives a new namespace the hash model, embedded at once', async () => {
    const tenant = await newTenant(t);
    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'notes',
      create_namespace: true,
      content: 'The cat sits on the mat',
    });
    expect(created.status).toBe(201);
    expect(created.body.embedding_status).toBe('ready');
    const namespace = await t.request('GET', `/api/v1/namespaces/notes?tenant_id=${tenant}`);
    expect(namespace.body.embedding_model).toBe(LOCAL_HASH_MODEL);
  });
});
