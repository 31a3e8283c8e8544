import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS, verifyChain } from '@engram/migrations';

/** Serialises migration runs across replicas that start at once. */
const MIGRATION_LOCK_KEY = 7_263_001;

export interface MigrationStatus {
  name: string;
  applied: boolean;
}

function dataSourceFor(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: [...MIGRATIONS],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
    extra: { max: 1, application_name: 'engram-migrate' },
  });
}

async function withMigrationLock<T>(url: string, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  verifyChain(MIGRATIONS);
  const lockClient = new Client({ connectionString: url, application_name: 'engram-migrate-lock' });
  // A dropped session fails the migration through its pending query; it must not crash the process.
  lockClient.on('error', () => undefined);
  await lockClient.connect();
  const dataSource = dataSourceFor(url);
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.initialize();
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) {
      await dataSource.destroy();
    }
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockClient.end();
  }
}

/** Applies every pending migration, each in its own transaction. Returns the names applied. */
export async function migrateUp(url: string): Promise<string[]> {
  return withMigrationLock(url, async (dataSource) => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
}

/** Reverts the last `steps` applied migrations, newest first. Returns the names reverted. */
export async function migrateDown(url: string, steps = 1): Promise<string[]> {
  return withMigrationLock(url, async (dataSource) => {
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

export async function migrationStatus(url: string): Promise<MigrationStatus[]> {
  return withMigrationLock(url, async (dataSource) => {
    const applied = new Set(await appliedNames(dataSource));
    return MIGRATIONS.map((MigrationClass) => new MigrationClass().name).map((name) => ({
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
