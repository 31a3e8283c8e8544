import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Extension } from '@electric-sql/pglite';
import { DataDirLock, lockDataDir } from './data-dir-lock';

/** btree_gin lets memories' full-text index lead with tenant_id. */
const BTREE_GIN_MODULE = '@electric-sql/pglite/contrib/btree_gin';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the loopback socket, usable by `pg` and TypeORM unchanged. */
  url: string;
  dataDir: string | null;
  /** Closes PGlite, then releases the data directory. Idempotent. */
  stop(): Promise<void>;
  /**
   * PGlite's own copy of its data directory, a gzipped tar (what `loadDataDir` takes back),
   * after a CHECKPOINT so the copy needs no WAL replay to open.
   */
  dumpDataDir(): Promise<Blob>;
}

/** Where PGlite keeps its files inside ENGRAM_DATA_DIR (the lock file sits beside it). */
export function pgliteDirOf(dataDir: string): string {
  return resolve(dataDir, 'pglite');
}

/**
 * Starts PGlite (Postgres compiled to WASM) with pgvector, served on a loopback socket so the
 * production driver and migrations run unchanged. `dataDir` null keeps everything in memory.
 *
 * PGlite runs one session: every socket connection shares it, and the socket server keeps a
 * transaction's statements together. Session state (SET, named prepared statements) is therefore
 * shared too, which is why the embedded pool turns named statements off.
 *
 * A data directory is locked for the life of the instance (data-dir-lock.ts): a second process
 * gets DataDirLockedError instead of a second Postgres on the same files.
 */
export async function startEmbeddedPostgres(dataDir: string | null): Promise<EmbeddedPostgres> {
  const lock = dataDir === null ? null : await lockDataDir(dataDir);
  try {
    return await open(lock, dataDir === null ? null : pgliteDirOf(dataDir));
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * PGlite on `pgliteDir` for a caller that already holds the data directory's lock across more
 * than one instance's life (a restore loads a backup into a staging directory, verifies it and
 * swaps it in before anyone else may open it). `loadDataDir`: a `dumpDataDir()` tarball to
 * unpack into the empty directory first.
 */
export function openEmbeddedPostgres(
  pgliteDir: string,
  options: { loadDataDir?: Blob } = {},
): Promise<EmbeddedPostgres> {
  return open(null, resolve(pgliteDir), options.loadDataDir);
}

async function open(
  lock: DataDirLock | null,
  absoluteDir: string | null,
  loadDataDir?: Blob,
): Promise<EmbeddedPostgres> {
  // PGlite and its socket server are ES modules; dynamic import keeps this file CommonJS.
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  // A subpath export, which this project's module resolution cannot type: the type comes from the root.
  const { btree_gin } = (await import(BTREE_GIN_MODULE)) as { btree_gin: Extension };
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');

  if (absoluteDir !== null) {
    mkdirSync(absoluteDir, { recursive: true });
  }
  const db = await PGlite.create({
    ...(absoluteDir === null ? {} : { dataDir: absoluteDir }),
    extensions: { vector, btree_gin },
    ...(loadDataDir === undefined ? {} : { loadDataDir }),
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const port = Number(server.getServerConn().split(':').pop());

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir: absoluteDir,
    stop() {
      stopped ??= (async () => {
        try {
          await server.stop();
          await db.close();
        } finally {
          // Only once PGlite has closed its files may another process open them.
          lock?.release();
        }
      })();
      return stopped;
    },
    async dumpDataDir() {
      await db.exec('CHECKPOINT');
      return db.dumpDataDir('gzip');
    },
  };
}
