import { Global, Module } from '@nestjs/common';
import { Authorizer } from '@engram/common';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { RbacAuditModule } from './rbac-audit.module';
import {
  NoPolicyBroadcast,
  POLICY_BROADCAST,
  PolicyBroadcast,
  PostgresPolicyBroadcast,
  RedisPolicyBroadcast,
} from './rbac-policy.broadcast';
import { RbacController } from './rbac.controller';
import { RbacService } from './rbac.service';

/**
 * Redis when there is one; otherwise Postgres NOTIFY, except on PGlite, which is one process
 * (and one shared session that a listener connection must not join).
 */
function policyBroadcast(config: ConfigService, db: Database): PolicyBroadcast {
  const redisUrl = config.get('REDIS_URL');
  if (redisUrl) {
    return new RedisPolicyBroadcast(redisUrl, `${config.get('QUEUE_PREFIX')}:rbac:policy`);
  }
  return db.embedded ? new NoPolicyBroadcast() : new PostgresPolicyBroadcast(db);
}

/** Provides the Authorizer the auth guard calls, backed by the hot-reloaded policy file. */
@Global()
@Module({
  imports: [RbacAuditModule],
  controllers: [RbacController],
  providers: [
    RbacService,
    { provide: Authorizer, useExisting: RbacService },
    { provide: POLICY_BROADCAST, inject: [ConfigService, Database], useFactory: policyBroadcast },
  ],
  exports: [Authorizer, RbacService],
})
export class RbacModule {}
