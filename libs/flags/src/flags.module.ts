import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { reloadBroadcast } from '@engram/reload';
import { TenantsModule } from '@engram/tenants';
import { FeatureFlagsService } from './feature-flags.service';
import { FLAGS_FILE_BROADCAST, FLAG_OVERRIDES_BROADCAST } from './flags.constants';
import { FlagsController, TenantFlagsController } from './flags.controller';
import { FlagsRepository } from './flags.repository';

const broadcast = (token: symbol, topic: string) => ({
  provide: token,
  inject: [ConfigService, Database],
  useFactory: (config: ConfigService, db: Database) =>
    reloadBroadcast(config.get('REDIS_URL'), config.get('QUEUE_PREFIX'), db, topic),
});

/** The flags themselves, for the API and the worker alike (isEnabled on every path). */
@Global()
@Module({
  providers: [
    FeatureFlagsService,
    FlagsRepository,
    broadcast(FLAGS_FILE_BROADCAST, 'feature_flags'),
    broadcast(FLAG_OVERRIDES_BROADCAST, 'feature_flag_overrides'),
  ],
  exports: [FeatureFlagsService],
})
export class FlagsModule {}

/** The flags routes: GET /api/v1/flags, reload, and the per-tenant overrides on the admin surface. */
@Module({
  imports: [TenantsModule],
  controllers: [FlagsController, TenantFlagsController],
})
export class FlagsApiModule {}
