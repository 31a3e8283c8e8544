import { TestDatabase, createPgliteDatabase } from '@engram/test-support/database';
import { analyzeChangedTables } from './embedded-analyze';

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

    await database.db.query(
      `INSERT INTO tenants (id, name) SELECT 'analyze-' || g, 'n' FROM generate_series(1, 200) g`,
    );
    // Backends publish their table counters at most once a second: poll, with a deadline.
    let analyzed: string[] = [];
    for (const deadline = Date.now() + 10_000; analyzed.length === 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      analyzed = await analyzeChangedTables(database.db, false);
    }
    expect(analyzed).toEqual(['public.tenants']);
    const [{ tuples }] = await database.db.query<{ tuples: number }>(
      `SELECT reltuples AS tuples FROM pg_class WHERE relname = 'tenants'`,
    );
    expect(Number(tuples)).toBeGreaterThanOrEqual(200);
    expect(await analyzeChangedTables(database.db, false)).toEqual([]);
  });
});
