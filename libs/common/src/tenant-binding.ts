import { AppError } from './app-error';
import { registerErrorStatus } from './error-status';
import { requestContext } from './request-context';

export class TenantMismatchError extends AppError {
  readonly code = 'tenant_mismatch';
}

registerErrorStatus({ tenant_mismatch: 403 });

/** The tenant a request names when it names none and its credential is not bound to one. */
export const DEFAULT_TENANT = 'global';

/**
 * The one rule binding a request to a tenant: a credential bound to a tenant may omit the
 * tenant or repeat its own, nothing else; an unbound one (admin, infra, machine) acts on the
 * tenant it names, `global` by default. Fails closed outside an authenticated request.
 * Data routes go through resolveTenant (libs/auth), which adds the tenant's status check.
 */
export function bindTenant(requested: string | undefined): string {
  const store = requestContext.current();
  const principal = store?.principal;
  if (!store || !principal) {
    throw new Error('tenant binding needs an authenticated request');
  }
  const bound = principal.tenantId;
  if (bound !== null && requested !== undefined && requested !== bound) {
    throw new TenantMismatchError(`This credential belongs to another tenant than ${requested}`, {
      tenant_id: requested,
    });
  }
  const tenantId = requested ?? bound ?? DEFAULT_TENANT;
  store.tenantId = tenantId;
  return tenantId;
}
