import { Global, Module } from '@nestjs/common';
import { Authorizer } from '@engram/common';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { reloadBroadcast } from '@engram/reload';
import { RbacAuditModule } from './rbac-audit.module';
import { POLICY_BROADCAST } from './rbac.constants';
import { RbacController } from './rbac.controller';
import { RbacService } from './rbac.service';

/** Provides the Authorizer the auth guard calls, backed by the hot-reloaded policy file. */
@Global()
@Module({
  imports: [RbacAuditModule],
  controllers: [RbacController],
  providers: [
    RbacService,
    { provide: Authorizer, useExisting: RbacService },
    {
      provide: POLICY_BROADCAST,
      inject: [ConfigService, Database],
      useFactory: (config: ConfigService, db: Database) =>
        reloadBroadcast(config.get('REDIS_URL'), config.get('QUEUE_PREFIX'), db, 'rbac_policy'),
    },
  ],
  exports: [Authorizer, RbacService],
})
export class RbacModule {}
