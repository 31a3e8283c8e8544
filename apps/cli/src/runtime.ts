import { EngramConfig } from '@engram/config';
import { EmbeddedPostgres, startEmbeddedPostgres } from '@engram/db';
import { migrateUp } from '@engram/migrations';

export interface StartedStorage {
  databaseUrl: string;
  /** Where migrations run: Postgres itself (DATABASE_DIRECT_URL) when DATABASE_URL is a pooler. */
  migrationUrl: string;
  embedded: EmbeddedPostgres | null;
  stop(): Promise<void>;
}

/**
 * Resolves where data lives: DATABASE_URL when set, otherwise PGlite in-process under
 * ENGRAM_DATA_DIR (migrations go to DATABASE_DIRECT_URL when set). Pending migrations are applied first only when `migrate` is set: the servers
 * ask for it (see `serverMigrates`), `engram migrate` never does, so `status` reads the schema
 * as it is and a `down` stays down until the next `up` or server start.
 */
export async function startStorage(config: EngramConfig, migrate: boolean): Promise<StartedStorage> {
  const embedded = config.DATABASE_URL ? null : await startEmbeddedPostgres(config.ENGRAM_DATA_DIR);
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  const migrationUrl = embedded ? databaseUrl : (config.DATABASE_DIRECT_URL ?? databaseUrl);
  if (migrate) {
    try {
      await migrateUp(migrationUrl);
    } catch (error) {
      await embedded?.stop();
      throw error;
    }
  }
  return {
    databaseUrl,
    migrationUrl,
    embedded,
    async stop() {
      await embedded?.stop();
    },
  };
}

/**
 * Whether a server (`serve`, `api`, `worker`) applies pending migrations at start: when
 * MIGRATE_ON_START is on, and always on PGlite, whose data directory no separate migrate job
 * can reach while the server runs.
 */
export function serverMigrates(config: EngramConfig): boolean {
  return config.MIGRATE_ON_START || !config.DATABASE_URL;
}
