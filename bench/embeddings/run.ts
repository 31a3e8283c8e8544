import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createApi } from '../../apps/api/src/bootstrap';
import { parseConfig } from '@engram/config';
import {
  LOCAL_HASH_MODEL,
  LocalHashEmbeddingProvider,
  MINILM_MODEL,
  MINILM_PRECISIONS,
  MiniLmEmbeddingProvider,
  defaultMiniLmDir,
  embedText,
  toVectorLiteral,
} from '@engram/embeddings';
import { modelIndexName } from '@engram/memories';
import { migrateUp } from '@engram/migrations';
import { SearchRepository } from '@engram/search';
import { LatencyStats, latencyStats } from '../lib/latency';
import { formatBlock, loadAverage, pgliteVersion, postgresVersion, printMachine } from '../lib/machine';
import { list, numberOption, readOptions } from '../lib/options';
import { createScratchDatabase } from '../lib/postgres';
import { ServerProcess, freePort, startServer } from '../lib/processes';
import { deleteRedisKeys, redisVersion, workerListening } from '../lib/redis';
import { formatTable, ratio, writeResults } from '../lib/report';
import {
  ModelIndex,
  createTenant,
  dropModelIndexes,
  explainFirstAndSlowest,
  indexAndSettle,
  loadTenant,
  measureQueries,
  timedPost,
} from '../lib/search-bench';
import { ZIPF_NOTES_GENERATOR, englishNotes, zipfNote, zipfQuery } from '../lib/synthetic';
import { cachedVectors, modelBuildFingerprint } from '../lib/vector-cache';

/**
 * The in-process sentence model (minilm-l6-v2) against the hash model, in one run:
 *
 * - throughput: the model alone, per precision and onnxruntime thread count;
 * - ingest: the real service (`engram serve` embedded, and `engram api` + `engram worker` on
 *   Postgres + BullMQ) as child processes; ~50-word texts written through the batch route until
 *   every memory is `embedding_status: ready`, and single creates one at a time;
 * - search: search and context latency at 100k memories per model on Postgres (bulk-loaded by
 *   SQL, the model's vectors cached on disk), over HTTP through the app in process, next to the
 *   bare candidate SQL.
 *
 * See bench/README.md ("embeddings").
 */
const PARTS = ['throughput', 'ingest', 'vectors', 'search'] as const;
const INGEST_PATHS = ['embedded', 'postgres'] as const;
const MODELS = [MINILM_MODEL, LOCAL_HASH_MODEL] as const;
type Model = (typeof MODELS)[number];

const raw = readOptions('bench:embeddings', {
  parts: {
    env: 'BENCH_PARTS',
    default: 'throughput,ingest,search',
    description: `what to run: ${PARTS.join(', ')} (vectors: only compute the cached ones)`,
  },
  texts: { env: 'BENCH_TEXTS', default: '200', description: 'throughput: texts per measurement' },
  words: { env: 'BENCH_WORDS', default: '50', description: 'throughput and ingest: words per text' },
  threads: { env: 'BENCH_THREADS', default: '1,2', description: 'throughput: onnxruntime thread counts' },
  precisions: {
    env: 'BENCH_PRECISIONS',
    default: MINILM_PRECISIONS.join(','),
    description: 'throughput: model precisions',
  },
  'ingest-paths': {
    env: 'BENCH_INGEST_PATHS',
    default: INGEST_PATHS.join(','),
    description: 'ingest: embedded (serve on PGlite) and/or postgres (api + worker, BullMQ)',
  },
  'ingest-docs': { env: 'BENCH_INGEST_DOCS', default: '2000', description: 'ingest: memories per model' },
  'ingest-batch': { env: 'BENCH_INGEST_BATCH', default: '100', description: 'ingest: memories per batch request' },
  'ingest-concurrency': {
    env: 'BENCH_INGEST_CONCURRENCY',
    default: '4',
    description: 'ingest: batch requests in flight',
  },
  'single-writes': {
    env: 'BENCH_SINGLE_WRITES',
    default: '200',
    description: 'ingest: single creates per model, one at a time',
  },
  'service-threads': {
    env: 'BENCH_SERVICE_THREADS',
    default: '1',
    description: 'ingest and search: EMBEDDING_MINILM_THREADS of the service (its default: 1)',
  },
  memories: { env: 'BENCH_MEMORIES', default: '100000', description: 'search: memories per model' },
  queries: { env: 'BENCH_QUERIES', default: '200', description: 'search: requests per measurement' },
  'cache-threads': {
    env: 'BENCH_CACHE_THREADS',
    default: '2',
    description: 'search: onnxruntime threads computing the cached vectors',
  },
  explain: { env: 'BENCH_EXPLAIN', default: '', description: 'search: any value prints EXPLAIN of first/slowest' },
  'database-url': {
    env: 'BENCH_DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    description: 'Postgres to create scratch databases on (needs CREATEDB)',
  },
  'redis-url': { env: 'BENCH_REDIS_URL', default: 'redis://127.0.0.1:6379', description: 'Redis for BullMQ' },
  dir: { env: 'EMBEDDING_MINILM_DIR', default: defaultMiniLmDir(), description: 'the built model' },
});
const options = {
  parts: list('parts', raw.parts, PARTS),
  texts: numberOption('texts', raw.texts),
  words: numberOption('words', raw.words),
  threads: raw.threads
    .split(',')
    .filter((value) => value.trim() !== '')
    .map((value) => numberOption('threads', value.trim())),
  precisions: list('precisions', raw.precisions, MINILM_PRECISIONS),
  ingestPaths: list('ingest-paths', raw['ingest-paths'], INGEST_PATHS),
  ingestDocs: numberOption('ingest-docs', raw['ingest-docs']),
  ingestBatch: numberOption('ingest-batch', raw['ingest-batch']),
  ingestConcurrency: numberOption('ingest-concurrency', raw['ingest-concurrency']),
  singleWrites: numberOption('single-writes', raw['single-writes']),
  serviceThreads: numberOption('service-threads', raw['service-threads']),
  memories: numberOption('memories', raw.memories),
  queries: numberOption('queries', raw.queries),
  cacheThreads: numberOption('cache-threads', raw['cache-threads']),
  explain: raw.explain !== '',
  databaseUrl: raw['database-url'],
  redisUrl: raw['redis-url'],
  dir: raw.dir,
};

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'src', 'main.js');
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const results: Record<string, unknown> = { options };

function section(title: string): void {
  console.log(`\n## ${title} (load avg ${loadAverage()})`);
}

const ms = (value: number) => value.toFixed(2);

// ---------------------------------------------------------------------------------------------
// Model throughput

interface Measurement {
  seconds: number;
  cpuSeconds: number;
}

async function measure(run: () => Promise<void>): Promise<Measurement> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function throughputRow(label: string, count: number, m: Measurement): string[] {
  return [
    label,
    (count / m.seconds).toFixed(1),
    (count / m.cpuSeconds).toFixed(1),
    ((m.seconds / count) * 1000).toFixed(1),
  ];
}

async function throughput(): Promise<void> {
  section('Model throughput');
  const corpus = englishNotes(options.texts, options.words);
  console.log(formatBlock('Input', { texts: options.texts, 'words per text': options.words, model: options.dir }));
  const rows: string[][] = [];
  const notes: string[] = [];
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

  const hash = new LocalHashEmbeddingProvider();
  rows.push(throughputRow(LOCAL_HASH_MODEL, options.texts, await measure(() => hash.embed(corpus).then(() => {}))));

  for (const precision of options.precisions) {
    for (const threads of options.threads) {
      const rssBefore = process.memoryUsage().rss;
      const provider = new MiniLmEmbeddingProvider({ dir: options.dir, threads, precision });
      const loadStarted = performance.now();
      const loadMs = await provider.load();
      const bootMs = performance.now() - loadStarted;
      // Warm-up: onnxruntime plans its first shapes lazily.
      await provider.embed(corpus.slice(0, 16));
      // 16 texts per call to the worker, as a job sends them; the int8 session still runs one
      // text per forward pass inside it (minilm-session.js), fp32 batches the 16.
      const batched = await measure(async () => {
        await provider.embed(corpus);
      });
      const single = await measure(async () => {
        for (const text of corpus) {
          await provider.embed([text]);
        }
      });
      const rssAfter = process.memoryUsage().rss;
      await provider.close();
      const passes = precision === 'int8' ? '1 per pass' : '16 per pass';
      rows.push(
        throughputRow(`minilm ${precision}, ${threads} thread(s), 16 per call (${passes})`, options.texts, batched),
      );
      rows.push(throughputRow(`minilm ${precision}, ${threads} thread(s), 1 per call`, options.texts, single));
      notes.push(
        `minilm ${precision}, ${threads} thread(s): load ${Math.round(loadMs)} ms in the worker, ${Math.round(bootMs)} ms from start; ` +
          `process RSS +${mib(rssAfter - rssBefore)} (${mib(rssAfter)} total)`,
      );
    }
  }
  console.log(formatTable(['model', 'texts/s', 'texts/CPU-s', 'ms/text'], rows));
  console.log(notes.join('\n'));
  results.throughput = { rows, notes };
}

// ---------------------------------------------------------------------------------------------
// Ingest through the service

interface Service {
  label: string;
  url: string;
  /** The processes that embed (serve, or the worker), for their CPU time. */
  pids: number[];
  stop(): Promise<void>;
}

async function startEmbedded(env: Record<string, string>): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-bench-embeddings-'));
  const server = await startServer({
    name: 'engram serve (embedded)',
    script: CLI,
    args: ['serve'],
    env: { ...env, ENGRAM_DATA_DIR: dataDir },
    port: await freePort(),
    readyPath: '/ready',
    readyTimeoutMs: 120_000,
  });
  return {
    label: `embedded: engram serve (PGlite, in-process queue), ${await pgliteVersion()}`,
    url: server.url,
    pids: [server.pid],
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startSplit(env: Record<string, string>): Promise<Service> {
  const database = await createScratchDatabase(options.databaseUrl, 'engram_bench_embeddings');
  await migrateUp(database.url);
  const prefix = `engram-bench-embeddings-${randomBytes(4).toString('hex')}`;
  const shared = {
    ...env,
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: prefix,
    MIGRATE_ON_START: 'false',
  };
  const started: ServerProcess[] = [];
  try {
    started.push(
      await startServer({
        name: 'engram worker',
        script: CLI,
        args: ['worker'],
        env: shared,
        port: await freePort(),
        ready: () => workerListening(options.redisUrl, prefix),
        readyTimeoutMs: 120_000,
      }),
    );
    started.push(
      await startServer({
        name: 'engram api',
        script: CLI,
        args: ['api'],
        env: shared,
        port: await freePort(),
        readyPath: '/ready',
        readyTimeoutMs: 120_000,
      }),
    );
  } catch (error) {
    for (const server of started) {
      await server.stop();
    }
    await database.drop();
    throw error;
  }
  const [worker, api] = started;
  return {
    label: `postgres: engram api + engram worker, BullMQ, ${await postgresVersion(database.url)}, ${await redisVersion(options.redisUrl)}`,
    url: api.url,
    pids: [worker.pid],
    async stop() {
      await api.stop();
      await worker.stop();
      await database.drop();
      await deleteRedisKeys(options.redisUrl, prefix);
    },
  };
}

/** User + system seconds of a process so far (Linux /proc; clock ticks at 100 Hz). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface ApiClient {
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  timed(method: string, path: string, body: unknown): Promise<number>;
}

function apiClient(base: string, headers: Record<string, string>): ApiClient {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    }
    return (text ? JSON.parse(text) : {}) as T;
  };
  const post = timedPost(base, headers);
  return { call, timed: (_method, path, body) => post(path, body) };
}

/** A tenant and a machine key through the admin API, as an operator would make them. */
async function tenantClient(service: Service, tenant: string): Promise<ApiClient> {
  const admin = apiClient(service.url, { authorization: `Bearer ${ADMIN_TOKEN}` });
  // Room for the whole run: the point is the write path, not the limits.
  await admin.call('POST', '/api/v1/admin/tenants', {
    id: tenant,
    name: tenant,
    plan: 'premium',
    quotas: { requests_per_minute: 1_000_000_000 },
  });
  const key = await admin.call<{ key: string }>('POST', `/api/v1/admin/tenants/${tenant}/api-keys`, {
    name: 'bench',
    role: 'machine',
  });
  return apiClient(service.url, { 'x-api-key': key.key });
}

interface MemoryPage {
  memories: { embedding_status: 'pending' | 'ready' | 'failed' }[];
  next_cursor: string | null;
}

async function statusCounts(client: ApiClient, namespace: string, pages = Infinity): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let cursor: string | null = null;
  for (let page = 0; page < pages; page++) {
    const query = new URLSearchParams({ namespace, limit: '200', ...(cursor ? { cursor } : {}) });
    const body: MemoryPage = await client.call<MemoryPage>('GET', `/api/v1/memories?${query}`);
    for (const memory of body.memories) {
      counts[memory.embedding_status] = (counts[memory.embedding_status] ?? 0) + 1;
    }
    cursor = body.next_cursor;
    if (cursor === null) {
      break;
    }
  }
  return counts;
}

/**
 * Resolves at the moment no memory of the namespace is pending. Jobs run in write order, so the
 * newest page (the list's first, 200 memories) is the last to turn ready: one request per poll,
 * and the whole namespace is read only to confirm.
 */
async function waitReady(
  client: ApiClient,
  namespace: string,
  expected: number,
  timeoutMs = 1_800_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const newest = await statusCounts(client, namespace, 1);
    if (!newest.pending) {
      const at = performance.now();
      const all = await statusCounts(client, namespace);
      const total = Object.values(all).reduce((a, b) => a + b, 0);
      if (!all.pending && total >= expected) {
        if (all.failed) {
          throw new Error(`${namespace}: ${all.failed} memories failed to embed`);
        }
        return at;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${namespace}: vectors not ready in time: ${JSON.stringify(await statusCounts(client, namespace))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface IngestResult {
  docsPerSecond: number;
  writeSeconds: number;
  readySeconds: number;
  batch: LatencyStats;
  single: LatencyStats;
  singleReadySeconds: number;
  workerCpuSeconds: number;
}

async function ingestModel(service: Service, client: ApiClient, model: Model): Promise<IngestResult> {
  const namespace = `ingest-${model}`;
  const singles = `single-${model}`;
  for (const name of [namespace, singles]) {
    await client.call('POST', '/api/v1/namespaces', { name, embedding_model: model });
  }
  const texts = englishNotes(options.ingestDocs + options.singleWrites, options.words);
  const batches: string[][] = [];
  for (let start = 0; start < options.ingestDocs; start += options.ingestBatch) {
    batches.push(texts.slice(start, Math.min(options.ingestDocs, start + options.ingestBatch)));
  }
  console.log(`ingest ${model}: load avg ${loadAverage()} before writing`);
  const cpuBefore = await Promise.all(service.pids.map(cpuSecondsOf));
  const batchTimes: number[] = [];
  const started = performance.now();
  let next = 0;
  const writer = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      batchTimes.push(
        await client.timed('POST', '/api/v1/memories/batch', {
          namespace,
          memories: batch.map((content) => ({ content, type: 'semantic' })),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: options.ingestConcurrency }, writer));
  const written = performance.now();
  const ready = await waitReady(client, namespace, options.ingestDocs);
  const cpuAfter = await Promise.all(service.pids.map(cpuSecondsOf));

  // One at a time, each its own job: the request must not wait for the model.
  const singleTimes: number[] = [];
  for (const content of texts.slice(options.ingestDocs)) {
    singleTimes.push(await client.timed('POST', '/api/v1/memories', { namespace: singles, content, type: 'semantic' }));
  }
  const singlesWritten = performance.now();
  const singlesReady = await waitReady(client, singles, options.singleWrites);
  return {
    docsPerSecond: options.ingestDocs / ((ready - started) / 1000),
    writeSeconds: (written - started) / 1000,
    readySeconds: (ready - started) / 1000,
    batch: latencyStats(batchTimes),
    single: latencyStats(singleTimes),
    singleReadySeconds: (singlesReady - singlesWritten) / 1000,
    workerCpuSeconds: cpuAfter.reduce((a, b) => a + b, 0) - cpuBefore.reduce((a, b) => a + b, 0),
  };
}

async function ingest(): Promise<void> {
  const env = {
    ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    EMBEDDING_MINILM_THREADS: String(options.serviceThreads),
  };
  const all: Record<string, Record<Model, IngestResult>> = {};
  for (const path of options.ingestPaths) {
    section(`Ingest with vectors, ${path}`);
    const service = path === 'embedded' ? await startEmbedded(env) : await startSplit(env);
    try {
      console.log(service.label);
      console.log(
        `${options.ingestDocs} texts of ~${options.words} words per model, POST /api/v1/memories/batch of ` +
          `${options.ingestBatch}, ${options.ingestConcurrency} in flight; then ${options.singleWrites} single creates ` +
          `one at a time; EMBEDDING_MINILM_THREADS=${options.serviceThreads}`,
      );
      const client = await tenantClient(service, 'bench-ingest');
      const byModel = {} as Record<Model, IngestResult>;
      for (const model of MODELS) {
        byModel[model] = await ingestModel(service, client, model);
      }
      all[path] = byModel;
      const [m, h] = [byModel[MINILM_MODEL], byModel[LOCAL_HASH_MODEL]];
      const row = (label: string, r: IngestResult) => [
        label,
        r.docsPerSecond.toFixed(1),
        r.writeSeconds.toFixed(1),
        r.readySeconds.toFixed(1),
        ms(r.batch.p50),
        ms(r.batch.p99),
        ms(r.single.p50),
        ms(r.single.p99),
        r.singleReadySeconds.toFixed(1),
        r.workerCpuSeconds.toFixed(1),
      ];
      console.log(
        formatTable(
          [
            'model',
            'docs/s (all ready)',
            'writes s',
            'ready s',
            'batch p50 ms',
            'batch p99 ms',
            'single p50 ms',
            'single p99 ms',
            'singles ready s',
            'CPU s',
          ],
          [
            row(MINILM_MODEL, m),
            row(LOCAL_HASH_MODEL, h),
            [
              'minilm / hash',
              ratio(m.docsPerSecond, h.docsPerSecond),
              ratio(m.writeSeconds, h.writeSeconds),
              ratio(m.readySeconds, h.readySeconds),
              ratio(m.batch.p50, h.batch.p50),
              ratio(m.batch.p99, h.batch.p99),
              ratio(m.single.p50, h.single.p50),
              ratio(m.single.p99, h.single.p99),
              '',
              ratio(m.workerCpuSeconds, h.workerCpuSeconds),
            ],
          ],
        ),
      );
      console.log(
        `targets: ingest with vectors ≥ 80 docs/s: ${m.docsPerSecond >= 80 ? 'met' : 'NOT met'} (${m.docsPerSecond.toFixed(1)}); ` +
          `single create p99 < 20 ms with the model: ${m.single.p99 < 20 ? 'met' : 'NOT met'} (${ms(m.single.p99)} ms)`,
      );
    } finally {
      await service.stop();
    }
  }
  results.ingest = all;
}

// ---------------------------------------------------------------------------------------------
// Search and context at 100k memories per model

const TENANTS: Record<Model, string> = { [MINILM_MODEL]: 'bench-minilm', [LOCAL_HASH_MODEL]: 'bench-hash' };
const NAMESPACE = 'main';
const INDEXES: Record<Model, ModelIndex> = {
  [MINILM_MODEL]: { name: modelIndexName(MINILM_MODEL), model: MINILM_MODEL, dimensions: 384 },
  [LOCAL_HASH_MODEL]: { name: 'memory_embeddings_hnsw_local_hash_384', model: LOCAL_HASH_MODEL, dimensions: 384 },
};

/** pgvector text, rounded as the product stores vectors. */
function literal(vector: ArrayLike<number>, digits: number): string {
  const scale = 10 ** digits;
  return toVectorLiteral(Array.from(vector, (value) => Math.round(value * scale) / scale));
}

/** The vectors the service would compute, int8 as it runs by default; cached across runs. */
async function modelVectors(): Promise<{ provider: MiniLmEmbeddingProvider; vectors: Float32Array }> {
  const provider = new MiniLmEmbeddingProvider({ dir: options.dir, threads: options.cacheThreads, precision: 'int8' });
  const started = performance.now();
  const vectors = await cachedVectors({
    generator: ZIPF_NOTES_GENERATOR,
    count: options.memories,
    text: zipfNote,
    provider,
    build: `${modelBuildFingerprint(options.dir)}-int8`,
  });
  console.error(`vectors ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { provider, vectors };
}

async function search(): Promise<void> {
  section('Search and context latency');
  const { provider, vectors } = await modelVectors();
  const dims = provider.dimensions;

  const database = await createScratchDatabase(options.databaseUrl, 'engram_bench_embeddings');
  const db = new Client({ connectionString: database.url });
  // The scratch database is dropped WITH (FORCE) on the way out, which ends this connection.
  db.on('error', () => undefined);
  try {
    await migrateUp(database.url);
    console.log(formatBlock('Database', { server: await postgresVersion(database.url) }));
    await db.connect();
    const loadStarted = performance.now();
    await dropModelIndexes(db, Object.values(INDEXES));
    for (const model of MODELS) {
      await createTenant(db, TENANTS[model], NAMESPACE, model);
      await loadTenant(db, {
        tenant: TENANTS[model],
        namespace: NAMESPACE,
        model,
        from: 0,
        to: options.memories,
        vector:
          model === MINILM_MODEL
            ? (n) => literal(vectors.subarray(n * dims, (n + 1) * dims), 6)
            : (n) => literal(embedText(zipfNote(n)), 5),
      });
      console.log(`loaded ${options.memories} memories on ${model} (load avg ${loadAverage()})`);
    }
    await indexAndSettle(db, Object.values(INDEXES));
    console.log(`loaded and indexed in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

    const config = parseConfig({
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'false',
      PORT: '0',
      EMBEDDING_MINILM_THREADS: String(options.serviceThreads),
    });
    const app = await createApi(config, { databaseUrl: database.url, embeddedDatabase: false, worker: true });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const post = timedPost(await app.getUrl());
      const repository = app.get(SearchRepository);
      const n = options.queries;
      // Distinct texts: searches get 0…n-1, contexts n…2n-1, so every request embeds its query.
      const searchQueries = Array.from({ length: n }, (_, i) => zipfQuery(i));
      const contextQueries = Array.from({ length: n }, (_, i) => zipfQuery(n + i));
      // One query over and over: after the first, its vector comes from the query-vector cache.
      const repeated = Array.from({ length: n }, () => zipfQuery(0));
      const rows: string[][] = [];
      const summary: Record<
        string,
        Record<string, { search: LatencyStats; context: LatencyStats; sql: LatencyStats }>
      > = {};
      for (const [kind, searchList, contextList] of [
        ['distinct queries', searchQueries, contextQueries],
        ['repeated query (cache hits)', repeated, repeated],
      ] as const) {
        // Alternating models per kind: a neighbour's burst of load falls on both alike.
        for (const model of MODELS) {
          console.log(`${model}, ${kind}: load avg ${loadAverage()} before measuring`);
          const timings = await measureQueries({
            post,
            db,
            repository,
            config,
            tenant: TENANTS[model],
            namespace: NAMESPACE,
            model,
            dimensions: 384,
            searchQueries: [...searchList],
            contextQueries: [...contextList],
            queryVector: async (q) =>
              literal(model === MINILM_MODEL ? (await provider.embed([q]))[0] : embedText(q), 6),
          });
          const s = latencyStats(timings.search);
          const c = latencyStats(timings.context);
          const q = latencyStats(timings.sql);
          (summary[kind] ??= {})[model] = { search: s, context: c, sql: q };
          const mode = timings.exact ? 'exact' : 'hnsw';
          rows.push([
            `${model}, ${kind}, search (${mode})`,
            ms(s.p50),
            ms(s.p99),
            ms(q.p50),
            ms(q.p99),
            ratio(s.p50, q.p50),
          ]);
          rows.push([
            `${model}, ${kind}, context (${mode})`,
            ms(c.p50),
            ms(c.p99),
            ms(q.p50),
            ms(q.p99),
            ratio(c.p50, q.p50),
          ]);
          if (options.explain) {
            await explainFirstAndSlowest(db, timings, [...searchList]);
          }
        }
        const m = summary[kind][MINILM_MODEL];
        const h = summary[kind][LOCAL_HASH_MODEL];
        rows.push([
          `minilm / hash, ${kind}, search`,
          ratio(m.search.p50, h.search.p50),
          ratio(m.search.p99, h.search.p99),
          ratio(m.sql.p50, h.sql.p50),
          ratio(m.sql.p99, h.sql.p99),
          '',
        ]);
        rows.push([
          `minilm / hash, ${kind}, context`,
          ratio(m.context.p50, h.context.p50),
          ratio(m.context.p99, h.context.p99),
          '',
          '',
          '',
        ]);
      }
      console.log(`${options.memories} memories per model, each in its own tenant; ${n} sequential requests per row`);
      console.log(formatTable(['row', 'HTTP p50 ms', 'HTTP p99 ms', 'SQL p50 ms', 'SQL p99 ms', 'p50 / SQL'], rows));
      const p99 = summary['distinct queries'][MINILM_MODEL].context.p99;
      console.log(
        `target: context p99 < 50 ms at ${options.memories} memories with the model: ${p99 < 50 ? 'met' : 'NOT met'} (${ms(p99)} ms, distinct queries)`,
      );
      results.search = summary;
    } finally {
      await app.close();
    }
  } finally {
    await provider.close();
    await db.end().catch(() => undefined);
    await database.drop();
  }
}

async function main(): Promise<void> {
  printMachine();
  if (options.parts.includes('throughput')) {
    await throughput();
  }
  if (options.parts.includes('ingest')) {
    await ingest();
  }
  if (options.parts.includes('search')) {
    await search();
  } else if (options.parts.includes('vectors')) {
    await (await modelVectors()).provider.close();
  }
  console.error(`results: ${writeResults('embeddings', results)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
