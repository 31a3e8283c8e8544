import { Client } from 'pg';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { TestDatabase, createPgliteDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { TableAnalyzer, analyzeChangedTables } from './table-analyzer';

const insertTenants = (database: TestDatabase, label: string, count: number) =>
  database.db.crossTenant((tx) =>
    tx.query(`INSERT INTO tenants (id, name) SELECT $1 || g, 'n' FROM generate_series(1, $2::int) g`, [label, count]),
  );

/** Backends publish their table counters at most once a second: poll, with a deadline. */
async function analyzedSoon(database: TestDatabase): Promise<string[]> {
  let analyzed: string[] = [];
  for (const deadline = Date.now() + 10_000; analyzed.length === 0 && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    analyzed = await analyzeChangedTables(database.db, false);
  }
  return analyzed;
}

describe('analyzing PGlite tables (it has no autovacuum)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createPgliteDatabase();
  });
  afterAll(() => database.drop());

  it('analyzes every table on the first pass, then only the tables that changed enough', async () => {
    const first = await analyzeChangedTables(database.db, true);
    expect(first).toEqual(expect.arrayContaining(['public.memories', 'public.memory_lexical_postings']));
    expect(await analyzeChangedTables(database.db, false)).toEqual([]);

    await insertTenants(database, 'analyze-', 200);
    expect(await analyzedSoon(database)).toEqual(['public.tenants']);
    const [{ tuples }] = await database.db.query<{ tuples: number }>(
      `SELECT reltuples AS tuples FROM pg_class WHERE relname = 'tenants'`,
    );
    expect(Number(tuples)).toBeGreaterThanOrEqual(200);
    expect(await analyzeChangedTables(database.db, false)).toEqual([]);
  });
});

describe('analyzing Postgres tables (autovacuum may be off)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createPostgresDatabase();
  });
  afterAll(() => database.drop());

  it('analyzes the tables that changed enough, and skips the pass while another replica holds the lock', async () => {
    await analyzeChangedTables(database.db, true);
    await insertTenants(database, 'pg-analyze-', 300);

    const replica = new Client({ connectionString: database.url });
    await replica.connect();
    try {
      await replica.query(`SELECT pg_advisory_lock(hashtext('engram.analyze'))`);
      // Give the counters time to be published, so an empty answer is the lock's doing.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await analyzeChangedTables(database.db, false)).toEqual([]);
      await replica.query(`SELECT pg_advisory_unlock(hashtext('engram.analyze'))`);
    } finally {
      await replica.end();
    }
    expect(await analyzedSoon(database)).toEqual(['public.tenants']);
    const [{ tuples }] = await database.db.query<{ tuples: number }>(
      `SELECT reltuples AS tuples FROM pg_class WHERE relname = 'tenants'`,
    );
    expect(Number(tuples)).toBeGreaterThanOrEqual(300);
  });

  it('runs a pass shortly after a kick, one for many kicks, and none after stop', async () => {
    await analyzeChangedTables(database.db, true);
    const analyzer = new TableAnalyzer(database.db, { intervalMs: 0, kickDelayMs: 1500 });
    const passes: Promise<string[]>[] = [];
    const pass = analyzer.pass.bind(analyzer);
    analyzer.pass = () => {
      const result = pass();
      passes.push(result);
      return result;
    };
    await insertTenants(database, 'kick-', 400);
    analyzer.kick();
    analyzer.kick();
    analyzer.kick();
    // Counters reach the statistics a moment after the commit: a kicked pass that finds nothing
    // looks again, so one of at most three passes finds the table.
    const found = await eventually(async () => {
      const results = await Promise.all(passes);
      return results.some((tables) => tables.includes('public.tenants')) && results;
    }, 15_000);
    expect(found.length).toBeLessThanOrEqual(3);
    await analyzer.stop();
    const stoppedAt = passes.length;
    analyzer.kick();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(passes).toHaveLength(stoppedAt);
  });
});

describe('a bulk write leaves the statistics the planner needs (Postgres, no autovacuum)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // No timer: only the batch's own request for a pass can analyze.
    t = await startTestApp({ database: 'postgres', queue: 'inline', env: { DB_ANALYZE_INTERVAL_MS: '0' } });
  });
  afterAll(() => t.close());

  it('analyzes memories and postings within seconds of a large batch', async () => {
    const lastAnalyze = async () =>
      ownerQuery<{ relname: string; last_analyze: Date | null; reltuples: number }>(
        t,
        `SELECT s.relname, s.last_analyze, c.reltuples FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
          WHERE s.relname IN ('memories', 'memory_lexical_postings') ORDER BY 1`,
      );
    const before = await lastAnalyze();
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'bulk');
    const memories = Array.from({ length: 200 }, (_, i) => ({ content: `bulk note ${i} about topic ${i % 17}` }));
    const batch = await t.request('POST', '/api/v1/memories/batch', { tenant_id: tenant, namespace: 'bulk', memories });
    expect(batch.status).toBe(201);
    const after = await eventually(async () => {
      const rows = await lastAnalyze();
      return rows.every((row, i) => row.last_analyze !== null && row.last_analyze !== before[i].last_analyze) && rows;
    }, 15_000);
    const memoriesRow = after.find((row) => row.relname === 'memories');
    expect(Number(memoriesRow?.reltuples)).toBeGreaterThanOrEqual(200);
  });
});
