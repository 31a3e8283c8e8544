import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SqlMigration, verifyChain } from './migration';

/** Serialises migration runs across replicas that start at once. */
const MIGRATION_LOCK_KEY = 7_263_001;

type MigrationList = readonly (new () => SqlMigration)[];

export interface MigrationStatus {
  name: string;
  applied: boolean;
}

export interface Migrator {
  /** Applies every pending migration, each in its own transaction. Returns the names applied. */
  migrateUp(url: string): Promise<string[]>;
  /** Reverts the last `steps` applied migrations, newest first. Returns the names reverted. */
  migrateDown(url: string, steps?: number): Promise<string[]>;
  migrationStatus(url: string): Promise<MigrationStatus[]>;
}

/**
 * Runs `migrations` (oldest first) through TypeORM, recorded in `schema_migrations`, one run at a
 * time per database. It lives beside the migrations rather than in libs/db: the database layer
 * must not depend on the schema's history, and the migrations depend on no library.
 */
export function createMigrator(migrations: MigrationList): Migrator {
  return {
    migrateUp: (url) => migrateUp(url, migrations),
    migrateDown: (url, steps = 1) => migrateDown(url, migrations, steps),
    migrationStatus: (url) => migrationStatus(url, migrations),
  };
}

function dataSourceFor(url: string, migrations: MigrationList): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: [...migrations],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
    extra: { max: 1, application_name: 'engram-migrate' },
  });
}

/**
 * Takes the migration lock in a transaction that stays open until the run ends. Held by a
 * transaction rather than the session, the lock stays with this client's server connection even
 * through a transaction pooler (PgBouncer hands a session's connection to other clients between
 * transactions, and a session lock would go with it: unlocked by nobody, or "taken" twice by
 * two clients on one connection). A run that finds the lock taken does not wait inside its
 * transaction: it ends it and tries again, so waiting runs hold no server connection that the
 * running one's migrations might need. The transaction sits idle while the migrations run on
 * their own connection: a server-wide idle_in_transaction_session_timeout must not end it.
 */
async function acquireMigrationLock(lockClient: Client): Promise<'session' | 'transaction'> {
  // PGlite is one session every client shares, and its socket server serves one client's open
  // transaction before anyone else's: there a session lock is safe, and an open one would stall.
  const [{ pglite }] = (await lockClient.query<{ pglite: boolean }>(`SELECT version() LIKE '%(PGlite %' AS pglite`))
    .rows;
  if (pglite) {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return 'session';
  }
  for (let attempt = 0; ; attempt++) {
    await lockClient.query('BEGIN; SET LOCAL idle_in_transaction_session_timeout = 0');
    const [{ locked }] = (
      await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        MIGRATION_LOCK_KEY,
      ])
    ).rows;
    if (locked) {
      return 'transaction';
    }
    await lockClient.query('ROLLBACK');
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 500) * (0.5 + Math.random())));
  }
}

async function withMigrationLock<T>(
  url: string,
  migrations: MigrationList,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  verifyChain(migrations);
  const lockClient = new Client({ connectionString: url, application_name: 'engram-migrate-lock' });
  // A dropped session fails the migration through its pending query; it must not crash the process.
  lockClient.on('error', () => undefined);
  await lockClient.connect();
  const dataSource = dataSourceFor(url, migrations);
  let lock: 'session' | 'transaction' | undefined;
  try {
    lock = await acquireMigrationLock(lockClient);
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
    await lockClient
      .query(
        lock === 'session' ? 'SELECT pg_advisory_unlock($1)' : 'ROLLBACK',
        lock === 'session' ? [MIGRATION_LOCK_KEY] : [],
      )
      .catch(() => undefined);
    await lockClient.end();
  }
}

async function migrateUp(url: string, migrations: MigrationList): Promise<string[]> {
  return withMigrationLock(url, migrations, async (dataSource) => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
}

async function migrateDown(url: string, migrations: MigrationList, steps: number): Promise<string[]> {
  return withMigrationLock(url, migrations, async (dataSource) => {
    const reverted: string[] = [];
    for (let step = 0; step < steps; step++) {
      const before = await appliedNames(dataSource);
      if (before.length === 0) {
        break;
      }
      await dataSource.undoLastMigration({ transaction: 'each' });
      reverted.push(before[before.length - 1]);
    }
    return reverted;
  });
}

async function migrationStatus(url: string, migrations: MigrationList): Promise<MigrationStatus[]> {
  return withMigrationLock(url, migrations, async (dataSource) => {
    const applied = new Set(await appliedNames(dataSource));
    return migrations
      .map((MigrationClass) => new MigrationClass().name)
      .map((name) => ({
        name,
        applied: applied.has(name),
      }));
  });
}

async function appliedNames(dataSource: DataSource): Promise<string[]> {
  const exists = await dataSource.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (!exists[0].present) {
    return [];
  }
  const rows: { name: string }[] = await dataSource.query('SELECT name FROM schema_migrations ORDER BY timestamp');
  return rows.map((row) => row.name);
}
