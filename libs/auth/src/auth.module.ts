import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TenantsModule } from '@engram/tenants';
import { AuthGuard } from './auth.guard';
import { CredentialsService } from './credentials.service';
import { RateLimiter } from './rate-limiter';

/**
 * Authentication for every route. The guard authorizes through the `Authorizer` the (global)
 * RBAC module provides, backed by the hot-reloaded policy file.
 */
@Module({
  imports: [TenantsModule],
  providers: [CredentialsService, RateLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [CredentialsService],
})
export class AuthModule {}
