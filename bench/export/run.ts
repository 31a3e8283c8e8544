import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Database, Queryable } from '@engram/db';
import { migrateUp } from '@engram/migrations';
import { exportTenant, importTenant } from '@engram/transfer';
import { postgresVersion, printMachine } from '../lib/machine';
import { numberOption, readOptions } from '../lib/options';
import { createScratchDatabase } from '../lib/postgres';
import { writeResults } from '../lib/report';

/**
 * `engram export` / `engram import` at scale: a tenant of N memories (one namespace, short
 * texts, optionally a 384-d vector each) exported to a file and imported into a second tenant
 * on the same scratch database, as the app role under row-level security. Reports rows/s, file
 * size, peak RSS and heap, and the time per statement kind (`--profile=1`).
 */
const options = readOptions('bench/export', {
  memories: { env: 'BENCH_MEMORIES', default: '1000000', description: 'memories in the source tenant' },
  vectors: { env: 'BENCH_VECTORS', default: '1', description: '1: each memory has a vector, exported and kept' },
  batch: { env: 'BENCH_BATCH', default: '1000', description: 'records per import transaction / rows per export fetch' },
  database: {
    env: 'BENCH_DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    description: 'a role that may create databases',
  },
  profile: { env: 'BENCH_PROFILE', default: '0', description: '1: time each statement kind' },
});
const MEMORIES = numberOption('memories', options.memories);
const BATCH = numberOption('batch', options.batch);
const VECTORS = options.vectors === '1';
const MODEL = 'bench-unindexed-384';
const SEED_CHUNK = 50_000;

/** Statement time by its first words, when profiling. */
const profile = new Map<string, { calls: number; ms: number }>();
function profiled(db: Database): Database {
  if (options.profile !== '1') {
    return db;
  }
  const wrap = (tx: Queryable): Queryable => ({
    async query(sql, params, name) {
      const started = performance.now();
      try {
        return await tx.query(sql, params, name);
      } finally {
        const key = sql.trim().replace(/\s+/g, ' ').slice(0, 48);
        const entry = profile.get(key) ?? { calls: 0, ms: 0 };
        entry.calls += 1;
        entry.ms += performance.now() - started;
        profile.set(key, entry);
      }
    },
  });
  const withTenant = db.withTenant.bind(db);
  db.withTenant = ((tenantId, work, settings, opts) =>
    withTenant(tenantId, (tx) => work(wrap(tx)), settings, opts)) as Database['withTenant'];
  return db;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(options.database);
  const dir = mkdtempSync(join(tmpdir(), 'engram-bench-export-'));
  const owner = new Database({ url: scratch.url, poolMax: 1, statementTimeoutMs: 0, preparedStatements: false });
  const app = profiled(
    new Database({
      url: scratch.url,
      poolMax: 2,
      statementTimeoutMs: 0,
      preparedStatements: false,
      appRole: 'engram_app',
    }),
  );
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 100);
  try {
    await migrateUp(scratch.url);
    const machine = printMachine({ postgres: await postgresVersion(scratch.url) });
    let started = Date.now();
    await owner.query(`INSERT INTO tenants (id, name) VALUES ('source', 'Source'), ('copy', 'Copy')`);
    await owner.query(`INSERT INTO tenant_usage (tenant_id) VALUES ('source'), ('copy')`);
    await owner.query(`INSERT INTO namespaces (tenant_id, name, embedding_model) VALUES ('source', 'bulk', $1)`, [
      MODEL,
    ]);
    for (let from = 1; from <= MEMORIES; from += SEED_CHUNK) {
      const to = Math.min(from + SEED_CHUNK - 1, MEMORIES);
      await owner.query(
        `INSERT INTO memories (tenant_id, namespace, content, type, embedding_status, metadata, tags)
         SELECT 'source', 'bulk', 'memory number ' || i || ' of the bench', 'semantic', 'ready',
                jsonb_build_object('i', i), ARRAY['t' || (i % 7)]
           FROM generate_series($1::int, $2::int) AS i`,
        [from, to],
      );
      process.stderr.write(`\rseeded ${to} memories`);
    }
    if (VECTORS) {
      await owner.query(
        `INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding)
         SELECT tenant_id, id, $1, namespace,
                (SELECT array_agg(round(random()::numeric, 6)::real) FROM generate_series(1, 384) WHERE m.id IS NOT NULL)::vector
           FROM memories m`,
        [MODEL],
      );
    }
    await owner.query('ANALYZE');
    const seedMs = Date.now() - started;
    process.stderr.write(`\nseeded in ${(seedMs / 1000).toFixed(1)} s\n`);

    const file = join(dir, 'export.jsonl');
    started = Date.now();
    const out = createWriteStream(file);
    await exportTenant(
      app,
      { tenantId: 'source', namespaces: null, pins: true, vectors: VECTORS, engramVersion: 'bench', batchSize: BATCH },
      out,
    );
    out.end();
    await finished(out);
    const exportMs = Date.now() - started;
    const exportPeak = { rss: peakRss, heap: peakHeap };
    const bytes = statSync(file).size;
    process.stderr.write(`exported in ${(exportMs / 1000).toFixed(1)} s\n`);

    peakRss = 0;
    peakHeap = 0;
    started = Date.now();
    const result = await importTenant(
      app,
      {
        tenantId: 'copy',
        createTenant: false,
        batchSize: BATCH,
        embedder: { inline: () => null, queue: async () => undefined },
        onBatch: (progress) => process.stderr.write(`\rimported ${progress.records.memory}`),
      },
      createReadStream(file),
    );
    const importMs = Date.now() - started;
    const importPeak = { rss: peakRss, heap: peakHeap };
    process.stderr.write(`\n`);

    const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
    const rate = (ms: number) => `${Math.round(MEMORIES / (ms / 1000))}/s`;
    const rows = [
      ['phase', 'time', 'memories/s', 'peak RSS', 'peak heap'],
      ['seed (SQL)', `${(seedMs / 1000).toFixed(1)} s`, rate(seedMs), '', ''],
      ['export', `${(exportMs / 1000).toFixed(1)} s`, rate(exportMs), mb(exportPeak.rss), mb(exportPeak.heap)],
      ['import', `${(importMs / 1000).toFixed(1)} s`, rate(importMs), mb(importPeak.rss), mb(importPeak.heap)],
    ];
    console.log(`\n${MEMORIES} memories${VECTORS ? ' with 384-d vectors' : ''}, batch ${BATCH}, file ${mb(bytes)}`);
    console.log(rows.map((row) => row.map((cell) => cell.padEnd(14)).join('')).join('\n'));
    if (profile.size > 0) {
      console.log('\nstatement time (import and export):');
      for (const [sql, { calls, ms }] of [...profile].sort((a, b) => b[1].ms - a[1].ms)) {
        console.log(`  ${(ms / 1000).toFixed(1).padStart(7)} s  ${String(calls).padStart(6)}×  ${sql}`);
      }
    }
    writeResults('export', {
      machine,
      memories: MEMORIES,
      vectors: VECTORS,
      batch: BATCH,
      bytes,
      seedMs,
      exportMs,
      importMs,
      exportPeak,
      importPeak,
      inserted: result.inserted,
      profile: Object.fromEntries(profile),
    });
  } finally {
    clearInterval(sampler);
    await app.close();
    await owner.close();
    await scratch.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
