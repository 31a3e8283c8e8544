import { Client } from 'pg';
import type { EngramConfig } from '@engram/config';
import type { SearchRepository } from '@engram/search';
import { zipfNote, zipfQuery } from './synthetic';

/**
 * Pieces of the search/context latency benches (bench/context, bench/embeddings): a tenant
 * bulk-loaded by SQL, indexes built after the load, and sequential HTTP requests timed next to
 * the bare candidate statement as the app runs it.
 */

/** What Database.withTenant opens: the app role (row-level security applies) and the tenant. */
export function appTransaction(tenant: string): string {
  return `BEGIN; SET LOCAL ROLE engram_app; SELECT set_config('app.tenant_id', '${tenant}', true)`;
}

/** A registered tenant (the API answers 404 for any other) with one namespace on `model`. */
export async function createTenant(db: Client, tenant: string, namespace: string, model: string): Promise<void> {
  await db.query(`INSERT INTO tenants (id, name, plan) VALUES ($1, $1, 'premium')`, [tenant]);
  await db.query(`INSERT INTO tenant_usage (tenant_id) VALUES ($1)`, [tenant]);
  await db.query(`INSERT INTO namespaces (tenant_id, name, embedding_model) VALUES ($1, $2, $3)`, [
    tenant,
    namespace,
    model,
  ]);
}

export interface TenantLoad {
  tenant: string;
  namespace: string;
  model: string;
  /** Memories `from`…`to`-1 get `zipfNote(n)` as content. */
  from: number;
  to: number;
  /** pgvector text of memory n's vector. */
  vector: (n: number) => string;
}

/** Bulk insert as the owner, 2000 memories per statement, with their vectors already `ready`. */
export async function loadTenant(db: Client, load: TenantLoad): Promise<void> {
  const batch = 2000;
  for (let start = load.from; start < load.to; start += batch) {
    const end = Math.min(load.to, start + batch);
    const contents: string[] = [];
    const vectors: string[] = [];
    for (let n = start; n < end; n++) {
      contents.push(zipfNote(n));
      vectors.push(load.vector(n));
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
       SELECT $3, i.id, $5, $4, x.vector::vector FROM inserted i JOIN input x ON x.content = i.content`,
      [contents, vectors, load.tenant, load.namespace, load.model],
    );
  }
}

export interface ModelIndex {
  name: string;
  model: string;
  dimensions: number;
}

/** HNSW inserts cost ~7 ms each: drop before a load, build after it. */
export async function dropModelIndexes(db: Client, indexes: ModelIndex[]): Promise<void> {
  for (const index of indexes) {
    await db.query(`DROP INDEX IF EXISTS ${index.name}`);
  }
}

/**
 * Builds the HNSW indexes (the definition migrations and NamespacesRepository.ensureModelIndex
 * use), then VACUUM ANALYZE and a CHECKPOINT, so the load's writes do not land in the measurements.
 */
export async function indexAndSettle(db: Client, indexes: ModelIndex[], maintenanceWorkMem = '512MB'): Promise<void> {
  await db.query(`SET maintenance_work_mem = '${maintenanceWorkMem}'`);
  for (const index of indexes) {
    await db.query(
      `CREATE INDEX ${index.name} ON memory_embeddings
       USING hnsw ((embedding::vector(${index.dimensions})) vector_cosine_ops) WHERE model = '${index.model}'`,
    );
  }
  await db.query('VACUUM ANALYZE memories');
  await db.query('VACUUM ANALYZE memory_embeddings');
  await db.query('VACUUM ANALYZE memory_lexical_postings');
  await db.query('CHECKPOINT');
}

/** POSTs JSON and returns the milliseconds to the whole answer; a non-2xx answer throws. */
export function timedPost(base: string, headers: Record<string, string> = {}) {
  return async (path: string, body: unknown): Promise<number> => {
    const t0 = performance.now();
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) {
      throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
    }
    return performance.now() - t0;
  };
}

export interface QueryBench {
  post: (path: string, body: unknown) => Promise<number>;
  db: Client;
  repository: SearchRepository;
  config: EngramConfig;
  tenant: string;
  namespace: string;
  model: string;
  dimensions: number;
  /** Search i sends searchQueries[i]; context i sends contextQueries[i] (the same list or others). */
  searchQueries: string[];
  contextQueries: string[];
  /** The query vector the bare SQL uses (pgvector text); computed before timing starts. */
  queryVector: (query: string) => Promise<string>;
  warmup?: number;
}

export interface QueryTimings {
  exact: boolean;
  search: number[];
  context: number[];
  /** The candidate statement of each search query, as the app runs it, on a bare connection. */
  sql: number[];
  /** Builds the candidate statement for a query (for EXPLAIN). */
  candidateSql: (query: string) => { sql: string; values: unknown[] };
  begin: string;
}

/**
 * Sequential requests, one at a time: search (k 10), then context (token_budget 4000), then the
 * bare candidate SQL of the search query, per query. Measures latency, not throughput.
 */
export async function measureQueries(bench: QueryBench): Promise<QueryTimings> {
  const { post, db, repository, config, tenant, namespace, model } = bench;
  const vectors = new Map<string, string>();
  for (const query of bench.searchQueries) {
    vectors.set(query, await bench.queryVector(query));
  }
  // Queries of the same distribution that are not measured: a warm-up does not fill the
  // query-vector cache for the measured ones.
  for (let i = 0; i < (bench.warmup ?? 20); i++) {
    await post('/api/v1/memories/search', { tenant_id: tenant, namespace, query: zipfQuery(900_000 + i), k: 10 });
  }
  const exact = (await repository.scopeSize(tenant, model, [namespace])) <= config.SEARCH_EXACT_SCAN_MAX_ROWS;
  // What SearchService plans for k 10 (a pool of 100) and SearchRepository sets for HNSW.
  const candidateSql = (query: string) =>
    repository.buildSql(tenant, {
      namespaces: [namespace],
      query,
      lexicalLimit: 100,
      vector: {
        model,
        dimensions: bench.dimensions,
        namespaces: [namespace],
        literal: vectors.get(query)!,
        limit: 100,
        exact,
        efSearch: config.SEARCH_HNSW_EF_SEARCH,
        maxScanTuples: config.SEARCH_HNSW_MAX_SCAN_TUPLES,
      },
      related: null,
    });
  const begin = exact
    ? appTransaction(tenant)
    : `${appTransaction(tenant)}; SET LOCAL hnsw.iterative_scan = relaxed_order; SET LOCAL hnsw.ef_search = ${config.SEARCH_HNSW_EF_SEARCH}; SET LOCAL hnsw.max_scan_tuples = ${config.SEARCH_HNSW_MAX_SCAN_TUPLES}`;
  const timings: QueryTimings = { exact, search: [], context: [], sql: [], candidateSql, begin };
  for (let i = 0; i < bench.searchQueries.length; i++) {
    const query = bench.searchQueries[i];
    timings.search.push(await post('/api/v1/memories/search', { tenant_id: tenant, namespace, query, k: 10 }));
    timings.context.push(
      await post('/api/v1/context', {
        tenant_id: tenant,
        namespace,
        query: bench.contextQueries[i],
        token_budget: 4000,
      }),
    );
    // The same candidate SQL the search path runs, on a bare connection, timed from BEGIN to
    // COMMIT as the app runs it: as the app role, under row-level security.
    const { sql, values } = candidateSql(query);
    const t0 = performance.now();
    await db.query(begin);
    await db.query(sql, values);
    await db.query('COMMIT');
    timings.sql.push(performance.now() - t0);
  }
  return timings;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the first query and the slowest: the tail is where a plan goes wrong. */
export async function explainFirstAndSlowest(db: Client, timings: QueryTimings, queries: string[]): Promise<void> {
  const slowest = timings.sql.indexOf(Math.max(...timings.sql));
  for (const [label, index] of [
    ['first', 0],
    [`slowest (${timings.sql[slowest].toFixed(1)} ms when measured)`, slowest],
  ] as const) {
    const { sql, values } = timings.candidateSql(queries[index]);
    await db.query(timings.begin);
    const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, values);
    await db.query('COMMIT');
    // The probe vector is 384 numbers: elided so the plan stays readable.
    console.error(`\nEXPLAIN, ${label} query "${queries[index]}":`);
    console.error(
      plan.rows.map((row: Record<string, string>) => row['QUERY PLAN'].replace(/'\[[^\]]*\]'/g, "'[…]'")).join('\n'),
    );
  }
}
