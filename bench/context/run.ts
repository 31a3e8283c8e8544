import { Client } from 'pg';
import { createApi } from '../../apps/api/src/bootstrap';
import { parseConfig } from '@engram/config';
import { migrateUp } from '@engram/migrations';
import { embedText, toVectorLiteral } from '@engram/embeddings';
import { SearchRepository, SearchService } from '@engram/search';
import { loadAverage, postgresVersion, printMachine } from '../lib/machine';

/**
 * Search and context latency over HTTP at growing tenant sizes, next to the bare SQL of the same
 * candidate stage in the same run, plus single-memory write latency. Sequential requests (one
 * at a time): this measures latency, not throughput. Not part of `npm test`.
 *
 *   npm run build:bench && BENCH_SIZES=10000,100000 node dist/bench/context/run.js
 *
 * Env: BENCH_DATABASE_URL (a Postgres with pgvector; a scratch database is created on it),
 * BENCH_SIZES (memories in the queried tenant, ascending), BENCH_OTHER_TENANTS_TOTAL (memories
 * spread over other tenants, random vectors), BENCH_QUERIES (requests per measurement).
 */
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const OTHER_TOTAL = Number(process.env.BENCH_OTHER_TENANTS_TOTAL ?? '0');
const QUERIES = Number(process.env.BENCH_QUERIES ?? '200');
const WRITES = Number(process.env.BENCH_WRITES ?? '300');
const TENANT = 'bench-main';
const NAMESPACE = 'main';
/** What Database.withTenant opens: the app role (row-level security applies) and the tenant. */
const APP_TRANSACTION = `BEGIN; SET LOCAL ROLE engram_app; SELECT set_config('app.tenant_id', '${TENANT}', true)`;

/**
 * Synthetic text with a Zipf-like vocabulary (a few very common words, a long tail of rare
 * ones), like natural language: a uniform small vocabulary would make every query match half
 * the corpus, a huge uniform one would make every word rare.
 */
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'shi', 'den', 'par', 'qua', 'zel'];
  let word = '';
  for (let n = i + 7; n > 0; n = Math.floor(n / 12)) {
    word += syllables[n % 12];
  }
  return word;
});

function rng(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** Rank r is drawn with probability ~ 1/r (Zipf, s = 1) by inverting the harmonic CDF. */
function zipfWord(random: () => number): string {
  const rank = Math.floor(Math.exp(random() * Math.log(VOCABULARY.length)));
  return VOCABULARY[Math.min(VOCABULARY.length - 1, rank - 1)];
}

function content(n: number): string {
  const random = rng(n + 1);
  return `Note ${n}: ${Array.from({ length: 14 }, () => zipfWord(random)).join(' ')}.`;
}

function queryText(i: number): string {
  const random = rng(1_000_003 + i);
  return Array.from({ length: 4 }, () => zipfWord(random)).join(' ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function stats(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function loadTenant(db: Client, from: number, to: number): Promise<void> {
  const batch = 2000;
  for (let start = from; start < to; start += batch) {
    const end = Math.min(to, start + batch);
    const contents: string[] = [];
    const vectors: string[] = [];
    for (let n = start; n < end; n++) {
      contents.push(content(n));
      vectors.push(toVectorLiteral(embedText(content(n)).map((v) => Math.round(v * 1e5) / 1e5)));
    }
    // created_at spread over 30 days so recency and the 24 h zone have something to work on.
    await db.query(
      `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(content, vector, ord)),
       inserted AS (
         INSERT INTO memories (tenant_id, namespace, content, type, importance, embedding_status, created_at, updated_at)
         SELECT $3, $4, content, CASE WHEN ord % 20 = 0 THEN 'working' ELSE 'semantic' END, (ord % 10) / 10.0, 'ready',
                now() - make_interval(secs => (ord * 7919) % (30 * 86400)), now()
         FROM input
         RETURNING id, content
       )
       INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding)
       SELECT $3, i.id, 'local-hash-384', $4, x.vector::vector FROM inserted i JOIN input x ON x.content = i.content`,
      [contents, vectors, TENANT, NAMESPACE],
    );
  }
}

async function loadOtherTenants(db: Client, total: number): Promise<void> {
  const perTenant = 10_000;
  for (let t = 0; t * perTenant < total; t++) {
    const tenant = `bench-other-${t}`;
    await db.query(`INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [tenant]);
    await db.query(
      `INSERT INTO namespaces (tenant_id, name, embedding_model) VALUES ($1, $2, 'local-hash-384') ON CONFLICT DO NOTHING`,
      [tenant, NAMESPACE],
    );
    await db.query(
      `WITH inserted AS (
         INSERT INTO memories (tenant_id, namespace, content, type, embedding_status)
         SELECT $1, $2, 'other tenant note ' || g || ' about ' || (ARRAY['invoice','deploy','meeting','travel'])[1 + g % 4], 'semantic', 'ready'
         FROM generate_series(1, $3) g
         RETURNING id
       )
       INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding)
       SELECT $1, id, 'local-hash-384', $2, (SELECT array_agg(random() - 0.5)::vector FROM generate_series(1, 384) WHERE id IS NOT NULL)
       FROM inserted`,
      [tenant, NAMESPACE, Math.min(perTenant, total - t * perTenant)],
    );
  }
}

async function main(): Promise<void> {
  const dbName = `engram_bench_context_${process.pid}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  try {
    await migrateUp(databaseUrl);
    printMachine({ database: await postgresVersion(databaseUrl) });
    const db = new Client({ connectionString: databaseUrl });
    // The scratch database is dropped WITH (FORCE) on the way out, which ends this connection.
    db.on('error', () => undefined);
    await db.connect();
    // Memories belong to a registered tenant: the API answers 404 for any other.
    await db.query(`INSERT INTO tenants (id, name, plan) VALUES ($1, $1, 'premium')`, [TENANT]);
    await db.query(`INSERT INTO tenant_usage (tenant_id) VALUES ($1)`, [TENANT]);
    await db.query(`INSERT INTO namespaces (tenant_id, name, embedding_model) VALUES ($1, $2, 'local-hash-384')`, [
      TENANT,
      NAMESPACE,
    ]);
    // HNSW inserts cost ~7 ms each: load first, index after.
    await db.query('DROP INDEX memory_embeddings_hnsw_local_hash_384');
    if (OTHER_TOTAL > 0) {
      const started = Date.now();
      await loadOtherTenants(db, OTHER_TOTAL);
      log(`loaded ${OTHER_TOTAL} memories over other tenants in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }

    const config = parseConfig({ LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'false', PORT: '0' });
    log(`| memories in tenant | total | op | HTTP p50 ms | HTTP p99 ms | SQL p50 ms | SQL p99 ms | p50 ratio |`);
    log(`|---|---|---|---|---|---|---|---|`);
    let loaded = 0;
    for (const size of SIZES) {
      const started = Date.now();
      // Dropped before the load, not after: each insert into an HNSW graph costs ~7 ms.
      await db.query('DROP INDEX IF EXISTS memory_embeddings_hnsw_local_hash_384');
      await loadTenant(db, loaded, size);
      loaded = size;
      // The graph of 1M 384-d vectors (~1.6 GB) builds several times faster when it fits in memory.
      await db.query(`SET maintenance_work_mem = '${OTHER_TOTAL > 0 ? '3GB' : '512MB'}'`);
      await db.query(
        `CREATE INDEX memory_embeddings_hnsw_local_hash_384 ON memory_embeddings
         USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE model = 'local-hash-384'`,
      );
      await db.query('VACUUM ANALYZE memories');
      await db.query('VACUUM ANALYZE memory_embeddings');
      await db.query('VACUUM ANALYZE memory_lexical_postings');
      // Flush the load's dirty pages now, so the checkpoint they would cause does not land in
      // the middle of the measurements.
      await db.query('CHECKPOINT');
      console.error(`size ${size}: loaded and indexed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

      console.error(`size ${size}: load average ${loadAverage()} before measuring`);
      const app = await createApi(config, { databaseUrl, embeddedDatabase: false, worker: true });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = await app.getUrl();
      const search = app.get(SearchService);
      const repository = app.get(SearchRepository);
      const queries = Array.from({ length: QUERIES }, (_, i) => queryText(i));
      const post = async (path: string, body: unknown) => {
        const t0 = performance.now();
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        if (response.status >= 300) {
          throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
        }
        return performance.now() - t0;
      };
      for (const q of queries.slice(0, 20)) {
        await post('/api/v1/memories/search', { tenant_id: TENANT, namespace: NAMESPACE, query: q, k: 10 });
      }
      const exact =
        (await repository.scopeSize(TENANT, 'local-hash-384', [NAMESPACE])) <= config.SEARCH_EXACT_SCAN_MAX_ROWS;
      // What SearchService plans for k 10 (a pool of 100) and SearchRepository sets for HNSW.
      const candidateSql = (q: string) =>
        repository.buildSql(TENANT, {
          namespaces: [NAMESPACE],
          query: q,
          lexicalLimit: 100,
          vector: {
            model: 'local-hash-384',
            dimensions: 384,
            namespaces: [NAMESPACE],
            literal: toVectorLiteral(embedText(q)),
            limit: 100,
            exact,
            efSearch: config.SEARCH_HNSW_EF_SEARCH,
            maxScanTuples: config.SEARCH_HNSW_MAX_SCAN_TUPLES,
          },
          related: null,
        });
      const begin = exact
        ? APP_TRANSACTION
        : `${APP_TRANSACTION}; SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ${config.SEARCH_HNSW_EF_SEARCH}; SET LOCAL hnsw.max_scan_tuples = ${config.SEARCH_HNSW_MAX_SCAN_TUPLES}`;
      const sqlTimes: number[] = [];
      const searchTimes: number[] = [];
      const contextTimes: number[] = [];
      for (const q of queries) {
        searchTimes.push(
          await post('/api/v1/memories/search', { tenant_id: TENANT, namespace: NAMESPACE, query: q, k: 10 }),
        );
        contextTimes.push(
          await post('/api/v1/context', { tenant_id: TENANT, namespace: NAMESPACE, query: q, token_budget: 4000 }),
        );
        // The same candidate SQL the search path runs, on a bare connection, timed from BEGIN to
        // COMMIT as the app runs it: as the app role, under row-level security.
        const { sql, values } = candidateSql(q);
        const t0 = performance.now();
        await db.query(begin);
        await db.query(sql, values);
        await db.query('COMMIT');
        sqlTimes.push(performance.now() - t0);
      }
      const writeTimes: number[] = [];
      for (let i = 0; i < WRITES; i++) {
        writeTimes.push(
          await post('/api/v1/memories', {
            tenant_id: TENANT,
            namespace: 'writes',
            create_namespace: true,
            content: `write ${size} ${i} ${content(i)}`,
          }),
        );
      }
      const sqlStats = stats(sqlTimes);
      const total = size + OTHER_TOTAL;
      for (const [op, times] of [
        ['search', searchTimes],
        ['context', contextTimes],
      ] as const) {
        const s = stats(times);
        log(
          `| ${size} | ${total} | ${op} (${exact ? 'exact' : 'hnsw'}) | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${sqlStats.p50.toFixed(2)} | ${sqlStats.p99.toFixed(2)} | ${(s.p50 / sqlStats.p50).toFixed(2)}x |`,
        );
      }
      const w = stats(writeTimes);
      log(`| ${size} | ${total} | create (single) | ${w.p50.toFixed(2)} | ${w.p99.toFixed(2)} | | | |`);
      const sample = await search.rank(TENANT, { query: queries[0], namespaces: [NAMESPACE], k: 10 });
      console.error(`sample top result for "${queries[0]}": ${sample.results[0]?.memory.content}`);
      if (process.env.BENCH_EXPLAIN) {
        // The first query's plan, and the slowest one's: the tail is where a plan goes wrong.
        const slowest = sqlTimes.indexOf(Math.max(...sqlTimes));
        for (const [label, index] of [
          ['first', 0],
          [`slowest (${sqlTimes[slowest].toFixed(1)} ms when measured)`, slowest],
        ] as const) {
          const { sql, values } = candidateSql(queries[index]);
          await db.query(begin);
          const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, values);
          await db.query('COMMIT');
          // The probe vector is 384 numbers: elided so the plan stays readable.
          console.error(`\nEXPLAIN, ${label} query "${queries[index]}":`);
          console.error(
            plan.rows
              .map((row: Record<string, string>) => row['QUERY PLAN'].replace(/'\[[^\]]*\]'/g, "'[…]'"))
              .join('\n'),
          );
        }
      }
      await app.close();
    }
    await db.end();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
