import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Authorizer } from '@engram/common';
import { TenantsModule } from '@engram/tenants';
import { AuthGuard } from './auth.guard';
import { CredentialsService } from './credentials.service';
import { RateLimiter } from './rate-limiter';
import { RoleMatrixAuthorizer } from './role-matrix.authorizer';

/**
 * Authentication for every route. `Authorizer` defaults to the role matrix; the RBAC module
 * provides the policy-backed one in its place.
 */
@Module({
  imports: [TenantsModule],
  providers: [
    CredentialsService,
    RateLimiter,
    { provide: Authorizer, useClass: RoleMatrixAuthorizer },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [CredentialsService, Authorizer],
})
export class AuthModule {}
