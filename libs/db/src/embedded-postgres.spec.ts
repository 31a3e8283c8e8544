import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';

describe('embedded Postgres (PGlite)', () => {
  it('analyzes tables as they change, as the owner, since PGlite has no autovacuum', async () => {
    const embedded = await startEmbeddedPostgres(null, { analyzeIntervalMs: 100 });
    const client = new Client({ connectionString: embedded.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE analyzed (id int PRIMARY KEY, note text)');
      // The one PGlite session runs as the app's role, as `engram serve` leaves it: not the owner.
      await client.query('CREATE ROLE embedded_plain NOLOGIN; GRANT SELECT, INSERT ON analyzed TO embedded_plain');
      await client.query('SET ROLE embedded_plain');
      await client.query(`INSERT INTO analyzed SELECT g, 'note ' || g FROM generate_series(1, 500) g`);
      const lastAnalyze = async () =>
        (
          await client.query<{ at: Date | null; tuples: number }>(
            `SELECT last_analyze AS at, (SELECT reltuples FROM pg_class WHERE relname = 'analyzed') AS tuples
               FROM pg_stat_user_tables WHERE relname = 'analyzed'`,
          )
        ).rows[0];
      const deadline = Date.now() + 10_000;
      while ((await lastAnalyze()).at === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const analyzed = await lastAnalyze();
      expect(analyzed.at).not.toBeNull();
      expect(Number(analyzed.tuples)).toBe(500);
    } finally {
      await client.end();
      await embedded.stop();
    }
  });
});
