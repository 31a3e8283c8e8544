import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Database, DatabaseOptions } from './database';

@Global()
@Module({})
export class DatabaseModule implements OnModuleInit, OnApplicationShutdown {
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
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
