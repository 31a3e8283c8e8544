import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@engram/auth';
import { HttpErrorFilter } from '@engram/common';
import { EngramConfig } from '@engram/config';
import { ExtractionModule } from '@engram/extraction';
import { FlagsApiModule } from '@engram/flags';
import { HealthModule } from '@engram/health';
import { MetricsController } from '@engram/metrics';
import { McpModule } from '@engram/mcp';
import { MemoriesModule } from '@engram/memories';
import { ContextModule } from '@engram/context';
import { DriftModule } from '@engram/drift';
import { ConversationsModule } from '@engram/conversations';
import { PinsModule } from '@engram/pins';
import { ProxyModule } from '@engram/proxy';
import { RbacModule } from '@engram/rbac';
import { SearchModule } from '@engram/search';
import { RuntimeOptions, coreImports } from '@engram/runtime';
import { TenantsModule } from '@engram/tenants';
import { UpdatesModule } from '@engram/updates';

@Module({})
export class ApiModule {
  static forRoot(config: EngramConfig, runtime: RuntimeOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ...coreImports(config, runtime),
        RbacModule,
        AuthModule,
        TenantsModule,
        HealthModule,
        PinsModule,
        MemoriesModule,
        SearchModule,
        ContextModule,
        ExtractionModule,
        DriftModule,
        ConversationsModule,
        McpModule,
        ProxyModule,
        FlagsApiModule,
        UpdatesModule,
      ],
      controllers: [MetricsController],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
