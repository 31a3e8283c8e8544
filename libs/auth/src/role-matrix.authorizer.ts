import { Injectable } from '@nestjs/common';
import { AuthorizationDecision, Authorizer, Permission, Principal, Resource } from '@engram/common';

const DATA: readonly Resource[] = ['memory_pin', 'memory', 'context'];

/**
 * The starting role matrix: infra and admin may do everything; machine reads and writes data;
 * dev reads data and metrics; readonly reads data. A policy-backed Authorizer (RBAC) replaces
 * this provider; the matrix is the same.
 */
export const ROLE_MATRIX: Record<string, (permission: Permission) => boolean> = {
  infra: () => true,
  admin: () => true,
  machine: ({ resource, action }) => DATA.includes(resource) && (action === 'read' || action === 'write'),
  dev: ({ resource, action }) => (DATA.includes(resource) || resource === 'metrics') && action === 'read',
  readonly: ({ resource, action }) => DATA.includes(resource) && action === 'read',
};

/** Default Authorizer: the role matrix, narrowed by the credential's scopes (a key's `scopes`). */
@Injectable()
export class RoleMatrixAuthorizer extends Authorizer {
  authorize(principal: Principal, permission: Permission): AuthorizationDecision {
    const roleAllows = ROLE_MATRIX[principal.role]?.(permission) ?? false;
    if (!roleAllows) {
      return {
        allowed: false,
        policyAllows: false,
        enforced: true,
        reason: ROLE_MATRIX[principal.role] ? 'role' : 'unknown_role',
      };
    }
    if (principal.scopes && !principal.scopes.includes(permission.action)) {
      return {
        allowed: false,
        policyAllows: false,
        enforced: true,
        reason: 'scope',
      };
    }
    return {
      allowed: true,
      policyAllows: true,
      enforced: true,
      reason: 'role',
    };
  }
}
