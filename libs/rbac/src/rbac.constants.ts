export const ROLES = ['infra', 'admin', 'machine', 'agent', 'dev', 'readonly'] as const;
export type Role = (typeof ROLES)[number];

/** One vocabulary with the routes: the lists live beside the permission decorator. */
export { ACTIONS, RESOURCES } from '@engram/common';

export { WILDCARD } from '@engram/common';

/**
 * Casbin model used when the policy file brings none: role inheritance through `g`, and `*`
 * in a rule matching any resource or action.
 */
export const DEFAULT_MODEL = [
  '[request_definition]',
  'r = sub, obj, act',
  '',
  '[policy_definition]',
  'p = sub, obj, act',
  '',
  '[role_definition]',
  'g = _, _',
  '',
  '[policy_effect]',
  'e = some(where (p.eft == allow))',
  '',
  '[matchers]',
  'm = g(r.sub, p.sub) && (p.obj == "*" || r.obj == p.obj) && (p.act == "*" || r.act == p.act)',
].join('\n');

/** Injection token for the reload broadcast RbacModule picks from the configuration. */
export const POLICY_BROADCAST = Symbol('PolicyBroadcast');
