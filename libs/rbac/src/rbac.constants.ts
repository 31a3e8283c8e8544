import type { Action, Resource } from '@engram/common';

export const ROLES = ['infra', 'admin', 'machine', 'dev', 'readonly'] as const;
export type Role = (typeof ROLES)[number];

export const RESOURCES = ['memory_pin', 'memory', 'context', 'tenant', 'api_key', 'policy', 'metrics'] as const;
export const ACTIONS = ['read', 'write', 'delete', 'admin', 'reload'] as const;

// The lists must name exactly the Resource and Action types the routes declare.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const resourcesMatch: Exactly<(typeof RESOURCES)[number], Resource> = true;
const actionsMatch: Exactly<(typeof ACTIONS)[number], Action> = true;
void resourcesMatch;
void actionsMatch;

/** In rules, `*` stands for every resource or every action. */
export const WILDCARD = '*';

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
