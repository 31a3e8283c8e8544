import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ConfigService } from '@engram/config';
import { Authorizer, PERMISSION_KEY, PUBLIC_KEY, Permission, Principal, requestContext } from '@engram/common';
import {
  ForbiddenError,
  InvalidCredentialsError,
  MissingCredentialsError,
  PermissionNotDeclaredError,
  TenantMismatchError,
} from './auth.errors';
import { bearerToken, secretEquals } from './secrets';

/**
 * Authenticates every request and makes sure the route declared a permission: a route with
 * neither a permission nor @Public() fails closed.
 *
 * With ENGRAM_ADMIN_TOKEN unset the service runs open (every caller is admin). Boot allows that
 * only on a loopback address, so it is a developer convenience, never a deployment.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly adminToken: string | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly authorizer: Authorizer,
    config: ConfigService,
  ) {
    this.adminToken = config.get('ENGRAM_ADMIN_TOKEN');
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      return true;
    }
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (!permission) {
      this.logger.error(`route ${context.getClass().name}.${context.getHandler().name} declares no permission`);
      throw new PermissionNotDeclaredError('This route declares no permission and is refused');
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = this.authenticate(request);
    const store = requestContext.current();
    if (store) {
      store.principal = principal;
    }
    if (!this.authorizer.authorize(principal, permission).allowed) {
      throw new ForbiddenError(`This credential may not ${permission.action} ${permission.resource}`);
    }
    return true;
  }

  private authenticate(request: FastifyRequest): Principal {
    if (this.adminToken === undefined) {
      return { kind: 'anonymous', role: 'admin', tenantId: null, actor: 'local' };
    }
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw new MissingCredentialsError('Send a token as "Authorization: Bearer <token>"');
    }
    if (token === null || !secretEquals(token, this.adminToken)) {
      throw new InvalidCredentialsError('The credentials are not valid');
    }
    return { kind: 'admin_token', role: 'admin', tenantId: null, actor: 'admin' };
  }
}

/**
 * The tenant a request acts on: the one asked for, checked against the credential's binding.
 * A credential bound to a tenant may omit tenant_id or repeat its own, nothing else.
 */
export function resolveTenant(requested: string | undefined): string {
  const principal = requestContext.current()?.principal;
  const bound = principal?.tenantId ?? null;
  if (bound !== null && requested !== undefined && requested !== bound) {
    throw new TenantMismatchError(`This credential belongs to another tenant than ${requested}`);
  }
  const tenantId = requested ?? bound ?? 'global';
  const store = requestContext.current();
  if (store) {
    store.tenantId = tenantId;
  }
  return tenantId;
}
