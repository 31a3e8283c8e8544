import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  Authorizer,
  PERMISSION_KEY,
  PER_OPERATION_KEY,
  PUBLIC_KEY,
  Permission,
  SCRAPE_KEY,
  Principal,
  bindTenant,
  requestContext,
} from '@engram/common';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { TenantsService } from '@engram/tenants';
import { AuthenticationError, ForbiddenError, PermissionNotDeclaredError, RateLimitedError } from './auth.errors';
import { CredentialsService } from './credentials.service';
import { RateLimiter } from './rate-limiter';
import { ScrapeAccess } from './scrape-access';

/**
 * Every request: the route must declare a permission (or @Public(), or @AuthorizedPerOperation()
 * when its handler authorizes each operation itself), else it fails closed; the caller is
 * authenticated (CredentialsService), authorized by the injected Authorizer, and counted against
 * its requests-per-minute. Metrics carry reasons, never tenants or secrets.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly failures;
  private readonly rateLimited;
  private readonly rateLimitEnabled: boolean;
  private readonly tenantGate: (tenantId: string) => Promise<unknown>;
  private readonly scrape: ScrapeAccess;

  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: CredentialsService,
    private readonly authorizer: Authorizer,
    private readonly limiter: RateLimiter,
    private readonly tenants: TenantsService,
    config: ConfigService,
    metrics: MetricsService,
  ) {
    this.failures = metrics.counter('auth_failures_total', 'Requests refused by authentication or authorization', [
      'reason',
    ]);
    this.rateLimited = metrics.counter('rate_limited_total', 'Requests refused by the per-credential rate limit', []);
    this.rateLimitEnabled = config.get('RATE_LIMIT_ENABLED');
    this.tenantGate = (tenantId) => this.tenants.requireActive(tenantId);
    this.scrape = new ScrapeAccess(config.get('METRICS_TOKEN'), config.get('HOST'));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      return true;
    }
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    const perOperation = this.reflector.getAllAndOverride<boolean>(PER_OPERATION_KEY, targets) === true;
    if (!permission && !perOperation) {
      this.logger.error(`route ${context.getClass().name}.${context.getHandler().name} declares no permission`);
      throw new PermissionNotDeclaredError('This route declares no permission and is refused');
    }
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const scrape = this.reflector.getAllAndOverride<boolean>(SCRAPE_KEY, targets) === true;
    if (scrape && this.scrape.admits(request)) {
      return true;
    }
    let principal: Principal;
    try {
      principal = await this.credentials.authenticate(request);
      if (scrape && principal.kind === 'anonymous' && this.scrape.requiresCredential) {
        throw new AuthenticationError(
          'missing',
          'Send Authorization: Bearer <METRICS_TOKEN>, or a credential granting metrics:read',
        );
      }
    } catch (error) {
      if (error instanceof AuthenticationError) {
        this.failures.inc({ reason: error.reason });
      }
      throw error;
    }
    const store = requestContext.current();
    if (store) {
      store.principal = principal;
      store.tenantGate = this.tenantGate;
    }
    await this.limitRate(principal, http.getResponse<FastifyReply>());
    if (!permission) {
      // @AuthorizedPerOperation(): the handler authorizes each operation with authorizeOrThrow.
      return true;
    }
    try {
      authorizeOrThrow(this.authorizer, principal, permission);
    } catch (error) {
      this.failures.inc({ reason: 'forbidden' });
      throw error;
    }
    return true;
  }

  /**
   * Tenant-bound credentials (API keys, tenant JWTs) get their tenant's requests_per_minute.
   * Operator credentials (admin token, machine token, cross-tenant roles) are not limited.
   */
  private async limitRate(principal: Principal, reply: FastifyReply): Promise<void> {
    if (!this.rateLimitEnabled || principal.tenantId === null) {
      return;
    }
    const tenant = await this.tenants.lookup(principal.tenantId);
    if (!tenant) {
      return;
    }
    const subject = principal.keyId ? `key:${principal.keyId}` : `${principal.tenantId}:${principal.actor}`;
    const decision = await this.limiter.hit(subject, tenant.quotas.requests_per_minute);
    void reply.header('ratelimit-limit', decision.limit);
    void reply.header('ratelimit-remaining', decision.remaining);
    void reply.header('ratelimit-reset', decision.resetSeconds);
    if (!decision.allowed) {
      this.rateLimited.inc();
      void reply.header('retry-after', decision.resetSeconds);
      throw new RateLimitedError(`more than ${decision.limit} requests per minute`, {
        limit: decision.limit,
        retry_after_seconds: decision.resetSeconds,
      });
    }
  }
}

/**
 * The one authorization step: the guard takes it for each route, a per-operation route (MCP) for
 * each operation. The decision is audited and counted by the Authorizer; a denial is 403 forbidden.
 */
export function authorizeOrThrow(authorizer: Authorizer, principal: Principal, permission: Permission): void {
  const decision = authorizer.authorize(principal, permission);
  if (!decision.allowed) {
    throw new ForbiddenError(`role ${principal.role} may not ${permission.action} ${permission.resource}`, {
      resource: permission.resource,
      action: permission.action,
      reason: decision.reason,
    });
  }
}

/**
 * The tenant a data request acts on: the binding rule (bindTenant: a bound credential may omit
 * tenant_id or repeat its own; only unbound ones name others), then the tenant's state — it must
 * exist (404 tenant_not_found) and be active (403 tenant_suspended). The single place data
 * routes get their tenant from.
 */
export async function resolveTenant(requested: string | undefined): Promise<string> {
  const tenantId = bindTenant(requested);
  const gate = requestContext.current()?.tenantGate;
  if (!gate) {
    throw new Error('resolveTenant needs an authenticated request');
  }
  await gate(tenantId);
  return tenantId;
}

/**
 * Like resolveTenant, for routes that may act on every tenant at once (cleanup): null ("all")
 * only for a credential bound to no tenant that named none; a bound one gets its own tenant.
 */
export async function resolveTenantOrAll(requested: string | undefined): Promise<string | null> {
  const principal = requestContext.current()?.principal;
  if (requested === undefined && principal && principal.tenantId === null) {
    return null;
  }
  return resolveTenant(requested);
}
