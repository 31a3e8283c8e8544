import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Extension } from '@electric-sql/pglite';
import { Client } from 'pg';

/** btree_gin lets memories' full-text index lead with tenant_id. */
const BTREE_GIN_MODULE = '@electric-sql/pglite/contrib/btree_gin';

/**
 * PGlite has no autovacuum, so nothing would ever ANALYZE: plans then run on default estimates
 * (a 5k-memory search took 370 ms unanalyzed against 47 ms analyzed). This does autovacuum's
 * analyze step instead: a table whose changes since its last ANALYZE exceed 50 rows plus 10% of
 * its size (autovacuum's defaults) is analyzed. The statistics counters restart with the
 * process, so the first pass analyzes every table once.
 */
const AUTO_ANALYZE_SQL = `SELECT format('%I.%I', schemaname, relname) AS name FROM pg_stat_user_tables
  WHERE $1 OR n_mod_since_analyze > 50 + 0.1 * n_live_tup`;

export interface EmbeddedPostgres {
  /** A postgres:// URL for the loopback socket, usable by `pg` and TypeORM unchanged. */
  url: string;
  dataDir: string | null;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres compiled to WASM) with pgvector, served on a loopback socket so the
 * production driver and migrations run unchanged. `dataDir` null keeps everything in memory.
 *
 * PGlite runs one session: every socket connection shares it, and the socket server keeps a
 * transaction's statements together. Session state (SET, named prepared statements) is therefore
 * shared too, which is why the embedded pool turns named statements off.
 */
export async function startEmbeddedPostgres(
  dataDir: string | null,
  options: { analyzeIntervalMs?: number } = {},
): Promise<EmbeddedPostgres> {
  // PGlite and its socket server are ES modules; dynamic import keeps this file CommonJS.
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  // A subpath export, which this project's module resolution cannot type: the type comes from the root.
  const { btree_gin } = (await import(BTREE_GIN_MODULE)) as { btree_gin: Extension };
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');

  const absoluteDir = dataDir === null ? null : resolve(dataDir, 'pglite');
  if (absoluteDir !== null) {
    mkdirSync(absoluteDir, { recursive: true });
  }
  const db = await PGlite.create({
    ...(absoluteDir === null ? {} : { dataDir: absoluteDir }),
    extensions: { vector, btree_gin },
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // Through the socket like any client, so a pass never lands inside an app transaction (the
  // socket server keeps those together); as the owner (the session's role may be the app's).
  const analyzer = new Client({ connectionString: url });
  analyzer.on('error', () => undefined);
  const connected = analyzer.connect();
  let firstPass = true;
  let analyzing: Promise<void> = Promise.resolve();
  const analyze = async () => {
    await connected;
    await analyzer.query('BEGIN; SET LOCAL ROLE NONE');
    try {
      const { rows } = await analyzer.query<{ name: string }>(AUTO_ANALYZE_SQL, [firstPass]);
      for (const { name } of rows) {
        await analyzer.query(`ANALYZE ${name}`);
      }
      await analyzer.query('COMMIT');
      firstPass = false;
    } catch (error) {
      await analyzer.query('ROLLBACK');
      throw error;
    }
  };
  const timer = setInterval(() => {
    // A failed pass (e.g. a table dropped meanwhile) is retried at the next tick.
    analyzing = analyzing.then(analyze).catch(() => undefined);
  }, options.analyzeIntervalMs ?? 60_000);
  timer.unref();

  return {
    url,
    dataDir: absoluteDir,
    async stop() {
      clearInterval(timer);
      await analyzing;
      await connected.then(() => analyzer.end()).catch(() => undefined);
      await server.stop();
      await db.close();
    },
  };
}
