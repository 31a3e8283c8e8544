import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

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
export async function startEmbeddedPostgres(dataDir: string | null): Promise<EmbeddedPostgres> {
  // PGlite and its socket server are ES modules; dynamic import keeps this file CommonJS.
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');

  const absoluteDir = dataDir === null ? null : resolve(dataDir, 'pglite');
  if (absoluteDir !== null) {
    mkdirSync(absoluteDir, { recursive: true });
  }
  const db = await PGlite.create({ ...(absoluteDir === null ? {} : { dataDir: absoluteDir }), extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir: absoluteDir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
