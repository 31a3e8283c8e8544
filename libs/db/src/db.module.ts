import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Database, DatabaseOptions } from './database';
import { analyzeChangedTables } from './embedded-analyze';

/** How often embedded mode looks for tables to analyze (PGlite has no autovacuum). */
const EMBEDDED_ANALYZE_INTERVAL_MS = 60_000;

@Global()
@Module({})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  private analyzeTimer: NodeJS.Timeout | undefined;
  private analyzing: Promise<unknown> = Promise.resolve();

  constructor(@Inject(Database) private readonly database: Database) {}

  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: Database, useFactory: () => new Database(options) }],
      exports: [Database],
    };
  }

  /** Boot fails rather than run where row-level security would silently not apply. */
  async onModuleInit(): Promise<void> {
    await this.database.assertRowSecurityApplies();
    if (this.database.embedded) {
      let all = true;
      this.analyzeTimer = setInterval(() => {
        // A failed pass (a table dropped meanwhile, a busy shutdown) is retried at the next tick.
        this.analyzing = this.analyzing
          .then(() => analyzeChangedTables(this.database, all))
          .then(() => (all = false))
          .catch(() => undefined);
      }, EMBEDDED_ANALYZE_INTERVAL_MS);
      this.analyzeTimer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.analyzeTimer);
    await this.analyzing;
    await this.database.close();
  }
}
