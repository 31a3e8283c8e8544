import { EngramConfig } from '@engram/config';
import { EmbeddedPostgres, startEmbeddedPostgres } from '@engram/db';
import { migrateUp } from '@engram/migrations';

export interface StartedStorage {
  databaseUrl: string;
  embedded: EmbeddedPostgres | null;
  stop(): Promise<void>;
}

/**
 * Resolves where data lives: DATABASE_URL when set, otherwise PGlite in-process under
 * ENGRAM_DATA_DIR. Migrations run first when MIGRATE_ON_START is on (always for PGlite).
 */
export async function startStorage(config: EngramConfig, migrate: boolean): Promise<StartedStorage> {
  const embedded = config.DATABASE_URL ? null : await startEmbeddedPostgres(config.ENGRAM_DATA_DIR);
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  if (migrate || embedded) {
    await migrateUp(databaseUrl);
  }
  return {
    databaseUrl,
    embedded,
    async stop() {
      await embedded?.stop();
    },
  };
}
