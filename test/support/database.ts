import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Database, startEmbeddedPostgres } from '@engram/db';
import { migrateUp } from '@engram/migrations';
import { ADMIN_DATABASE_URL, TEMPLATE_DATABASE, TEST_DATABASE_PREFIX, databaseUrl } from './env';

export interface TestDatabase {
  url: string;
  kind: 'postgres' | 'pglite';
  /**
   * A pool for assertions. For PGlite it is a single connection and must not run while an app
   * works on the same database (its one session interleaves clients); use TestApp.db instead.
   */
  db: Database;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh Postgres database: migrated (cloned from the run's template) by default, or empty
 * (for migration tests).
 */
export async function createPostgresDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  await adminQuery(
    options.empty ? `CREATE DATABASE "${name}"` : `CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`,
  );
  const url = databaseUrl(name);
  const db = new Database({ url, poolMax: 4, statementTimeoutMs: 0, preparedStatements: false });
  return {
    url,
    kind: 'postgres',
    db,
    async drop() {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** An in-memory PGlite (the embedded default), migrated. */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres(null);
  await migrateUp(embedded.url);
  const db = new Database({ url: embedded.url, poolMax: 1, statementTimeoutMs: 0, preparedStatements: false });
  return {
    url: embedded.url,
    kind: 'pglite',
    db,
    async drop() {
      await db.close();
      await embedded.stop();
    },
  };
}

export function createTestDatabase(kind: 'postgres' | 'pglite'): Promise<TestDatabase> {
  return kind === 'postgres' ? createPostgresDatabase() : createPgliteDatabase();
}
