import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Database, DatabaseOptions } from './database';
import { TableAnalyzer } from './table-analyzer';

export interface DatabaseModuleOptions extends DatabaseOptions {
  /** How often to look for tables to analyze (see TableAnalyzer); 0: only after bulk writes. */
  analyzeIntervalMs: number;
}

/** Backends publish their table counters up to a second after a commit. */
const KICK_DELAY_MS = 1500;

@Global()
@Module({})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(TableAnalyzer) private readonly analyzer: TableAnalyzer,
  ) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    const { analyzeIntervalMs, ...databaseOptions } = options;
    return {
      module: DatabaseModule,
      providers: [
        { provide: Database, useFactory: () => new Database(databaseOptions) },
        {
          provide: TableAnalyzer,
          inject: [Database],
          useFactory: (database: Database) =>
            new TableAnalyzer(database, { intervalMs: analyzeIntervalMs, kickDelayMs: KICK_DELAY_MS }),
        },
      ],
      exports: [Database, TableAnalyzer],
    };
  }

  /** Boot fails rather than run where row-level security would silently not apply. */
  async onModuleInit(): Promise<void> {
    await this.database.assertRowSecurityApplies();
    this.analyzer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.analyzer.stop();
    await this.database.close();
  }
}
