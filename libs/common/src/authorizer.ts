import { Permission } from './permission.decorator';
import { Principal } from './request-context';

export interface AuthorizationDecision {
  /** What the caller gets: false only when the decision is a denial and enforcement is on. */
  allowed: boolean;
  /** What the policy said, whether or not it was enforced (shadow mode logs this). */
  policyAllows: boolean;
  enforced: boolean;
  /** Short, bounded-cardinality reason for metrics and audit: 'role', 'scope', 'no_rule', … */
  reason: string;
}

/**
 * Decides whether a principal may perform a permission. The auth guard calls it for every
 * route after authentication; the RBAC module provides the policy-backed implementation.
 * Synchronous on purpose: it runs on every request and must not touch the network.
 */
export abstract class Authorizer {
  abstract authorize(principal: Principal, permission: Permission): AuthorizationDecision;
}
