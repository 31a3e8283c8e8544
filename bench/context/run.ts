import { Client } from 'pg';
import { createApi } from '../../apps/api/src/bootstrap';
import { parseConfig } from '@engram/config';
import { migrateUp } from '@engram/migrations';
import { embedText, toVectorLiteral } from '@engram/embeddings';
import { SearchRepository, SearchService } from '@engram/search';
import { latencyStats } from '../lib/latency';
import { loadAverage, postgresVersion, printMachine } from '../lib/machine';
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
import { zipfNote, zipfQuery } from '../lib/synthetic';

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
const HASH_INDEX: ModelIndex = {
  name: 'memory_embeddings_hnsw_local_hash_384',
  model: 'local-hash-384',
  dimensions: 384,
};
const hashVector = (n: number) => toVectorLiteral(embedText(zipfNote(n)).map((v) => Math.round(v * 1e5) / 1e5));

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
    await createTenant(db, TENANT, NAMESPACE, 'local-hash-384');
    await dropModelIndexes(db, [HASH_INDEX]);
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
      await dropModelIndexes(db, [HASH_INDEX]);
      await loadTenant(db, {
        tenant: TENANT,
        namespace: NAMESPACE,
        model: 'local-hash-384',
        from: loaded,
        to: size,
        vector: hashVector,
      });
      loaded = size;
      // The graph of 1M 384-d vectors (~1.6 GB) builds several times faster when it fits in memory.
      await indexAndSettle(db, [HASH_INDEX], OTHER_TOTAL > 0 ? '3GB' : '512MB');
      console.error(`size ${size}: loaded and indexed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

      console.error(`size ${size}: load average ${loadAverage()} before measuring`);
      const app = await createApi(config, { databaseUrl, embeddedDatabase: false, worker: true });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = await app.getUrl();
      const search = app.get(SearchService);
      const queries = Array.from({ length: QUERIES }, (_, i) => zipfQuery(i));
      const post = timedPost(base);
      const timings = await measureQueries({
        post,
        db,
        repository: app.get(SearchRepository),
        config,
        tenant: TENANT,
        namespace: NAMESPACE,
        model: 'local-hash-384',
        dimensions: 384,
        searchQueries: queries,
        // The same query: context's query vector comes from the cache the search filled.
        contextQueries: queries,
        queryVector: async (q) => toVectorLiteral(embedText(q)),
      });
      const exact = timings.exact;
      const writeTimes: number[] = [];
      for (let i = 0; i < WRITES; i++) {
        writeTimes.push(
          await post('/api/v1/memories', {
            tenant_id: TENANT,
            namespace: 'writes',
            create_namespace: true,
            content: `write ${size} ${i} ${zipfNote(i)}`,
          }),
        );
      }
      const sqlStats = latencyStats(timings.sql);
      const total = size + OTHER_TOTAL;
      for (const [op, times] of [
        ['search', timings.search],
        ['context', timings.context],
      ] as const) {
        const s = latencyStats(times);
        log(
          `| ${size} | ${total} | ${op} (${exact ? 'exact' : 'hnsw'}) | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${sqlStats.p50.toFixed(2)} | ${sqlStats.p99.toFixed(2)} | ${(s.p50 / sqlStats.p50).toFixed(2)}x |`,
        );
      }
      const w = latencyStats(writeTimes);
      log(`| ${size} | ${total} | create (single) | ${w.p50.toFixed(2)} | ${w.p99.toFixed(2)} | | | |`);
      const sample = await search.rank(TENANT, { query: queries[0], namespaces: [NAMESPACE], k: 10 });
      console.error(`sample top result for "${queries[0]}": ${sample.results[0]?.memory.content}`);
      if (process.env.BENCH_EXPLAIN) {
        await explainFirstAndSlowest(db, timings, queries);
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
