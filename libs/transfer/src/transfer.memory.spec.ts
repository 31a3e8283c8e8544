import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Database } from '@engram/db';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { exportTenant } from './tenant-export';
import { importTenant } from './tenant-import';

const MEMORIES = 6_000;
/** Small batches, so that one batch is small next to the tenant (the default is 1000). */
const BATCH = 500;
/**
 * Each memory carries a 384-dimension vector (~4 KB of JSON): a ~24 MB export, cheaply, since
 * vectors of a model without an HNSW index cost no index insert and trigger nothing (text costs
 * ~0.5 ms per memory in the lexical triggers and indexes). Holding the tenant would take more
 * than the file's size; a batch of 500 records is ~2 MB of text. The heap is measured live
 * (after a full collection at every batch), so garbage not yet collected does not count.
 */
const MAX_HEAP_GROWTH_BYTES = 10 * 1024 * 1024;
const MODEL = 'unindexed-test-model';

/**
 * Export and import hold one batch at a time, not the tenant: 6k memories go through a file
 * and into another tenant while the heap is sampled after every batch. (Numbers for a million:
 * bench/export/run.ts.)
 */
setFlagsFromString('--expose-gc');
/** A full collection, from a fresh context (the flag applies to contexts made after it is set). */
const gc = runInNewContext('gc') as () => void;

/** Live heap: what is reachable, after a full collection. */
function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe('tenant export and import in constant memory (postgres)', () => {
  let database: TestDatabase;
  let app: Database;
  let dir: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    app = new Database({
      url: database.url,
      poolMax: 2,
      statementTimeoutMs: 0,
      preparedStatements: false,
      appRole: 'engram_app',
    });
    dir = mkdtempSync(join(tmpdir(), 'engram-export-'));
    // Seeded as the owner in one statement: the path under test is export and import.
    await database.db.query(`INSERT INTO tenants (id, name) VALUES ('big', 'Big'), ('big-copy', 'Big copy')`);
    await database.db.query(`INSERT INTO tenant_usage (tenant_id) VALUES ('big'), ('big-copy')`);
    await database.db.query(`INSERT INTO namespaces (tenant_id, name, embedding_model) VALUES ('big', 'bulk', $1)`, [
      MODEL,
    ]);
    await database.db.query(
      `INSERT INTO memories (tenant_id, namespace, content, type, embedding_status, metadata, tags)
       SELECT 'big', 'bulk', 'memory number ' || i, 'semantic', 'ready', jsonb_build_object('i', i), ARRAY['t' || (i % 7)]
         FROM generate_series(1, $1) AS i`,
      [MEMORIES],
    );
    await database.db.query(
      `INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding)
       SELECT tenant_id, id, $1, namespace, array_fill(0.123457::real, ARRAY[384])::vector FROM memories`,
      [MODEL],
    );
    await database.db.query('ANALYZE');
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams 6k memories with their vectors out and back in with the heap bounded', async () => {
    const file = join(dir, 'big.jsonl');
    const started = Date.now();
    let peak = 0;
    // A full collection costs ~0.15 s here: every other batch is enough to see a heap that grows.
    let batches = 0;
    const sample = () => {
      if (++batches % 2 === 0) {
        peak = Math.max(peak, liveHeap());
      }
    };
    const baseline = liveHeap();

    const out = createWriteStream(file);
    const counts = await exportTenant(
      app,
      {
        tenantId: 'big',
        namespaces: null,
        pins: true,
        vectors: true,
        engramVersion: 'test',
        batchSize: BATCH,
        onBatch: sample,
      },
      out,
    );
    out.end();
    await finished(out);
    expect(counts.memory).toBe(MEMORIES);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(2 * MAX_HEAP_GROWTH_BYTES);
    const exportGrowth = peak - baseline;
    const exportMs = Date.now() - started;

    peak = 0;
    const result = await importTenant(
      app,
      {
        tenantId: 'big-copy',
        createTenant: false,
        batchSize: BATCH,
        embedder: { inline: () => null, queue: async () => undefined },
        onBatch: sample,
      },
      createReadStream(file),
    );
    expect(result.inserted.memory).toBe(MEMORIES);
    expect(result.vectorsKept).toBe(MEMORIES);
    const importGrowth = peak - baseline;
    const [{ n }] = await database.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM memories WHERE tenant_id = 'big-copy'`,
    );
    expect(Number(n)).toBe(MEMORIES);

    process.stderr.write(
      `export ${(size / 1e6).toFixed(0)} MB: heap growth ${(exportGrowth / 1e6).toFixed(1)} MB on export, ` +
        `${(importGrowth / 1e6).toFixed(1)} MB on import; ${exportMs} ms export, ${Date.now() - started - exportMs} ms import\n`,
    );
    expect(exportGrowth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
    expect(importGrowth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  }, 120_000);
});
