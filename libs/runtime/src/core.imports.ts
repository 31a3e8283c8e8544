import { AuditModule } from '@engram/audit';
import { CacheModule } from '@engram/cache';
import { ConfigModule, EngramConfig } from '@engram/config';
import { DatabaseModule } from '@engram/db';
import { JobQueue, JobsModule } from '@engram/jobs';
import { FlagsModule } from '@engram/flags';
import { MetricsModule } from '@engram/metrics';

export interface RuntimeOptions {
  /** The resolved database URL (the embedded server's when DATABASE_URL is unset). */
  databaseUrl: string;
  /** The database is PGlite (one shared session), not a Postgres server. */
  embeddedDatabase: boolean;
  /** Process jobs in this process too (`engram serve`). */
  worker: boolean;
  /** Share one queue between apps (tests). */
  queue?: JobQueue;
  /** Where logs go (default stdout); stderr when stdout carries a protocol (`engram mcp`). */
  logTo?: 'stdout' | 'stderr';
}

/** Modules shared by the API and the worker: configuration, storage, queue, metrics, flags, cache, audit. */
export function coreImports(config: EngramConfig, runtime: RuntimeOptions) {
  return [
    ConfigModule.forRoot(config),
    DatabaseModule.forRoot({
      url: runtime.databaseUrl,
      // PGlite is one session: the socket server interleaves clients message by message, so two
      // connections could split a Parse/Bind/Execute sequence. One connection keeps it whole.
      poolMax: runtime.embeddedDatabase ? 1 : config.DB_POOL_MAX,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      directUrl: runtime.embeddedDatabase ? undefined : config.DATABASE_DIRECT_URL,
      transactionPooling: !runtime.embeddedDatabase && config.DATABASE_POOL_MODE === 'transaction',
      preparedStatements:
        !runtime.embeddedDatabase &&
        (config.DATABASE_PREPARED_STATEMENTS ?? config.DATABASE_POOL_MODE !== 'transaction'),
      embedded: runtime.embeddedDatabase,
      appRole: config.DATABASE_APP_ROLE,
      notifications: !runtime.embeddedDatabase,
      analyzeIntervalMs: config.DB_ANALYZE_INTERVAL_MS,
    }),
    MetricsModule,
    FlagsModule,
    CacheModule,
    JobsModule.forRoot({
      redisUrl: config.REDIS_URL,
      prefix: config.QUEUE_PREFIX,
      worker: runtime.worker,
      queue: runtime.queue,
    }),
    AuditModule,
  ];
}
