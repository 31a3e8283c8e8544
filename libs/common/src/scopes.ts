import { z } from 'zod';
import { ACTIONS, Permission, RESOURCES } from './permission.decorator';

/** In RBAC rules and in key scopes, `*` stands for every resource or every action. */
export const WILDCARD = '*';

/**
 * API-key scopes narrow what the key's role allows; they never widen it. A scope is an action
 * (`read`: that action on any resource), `resource:action`, `resource:*`, or `*`.
 */
export const SCOPE_PATTERN = new RegExp(
  `^(?:\\*|(?:${ACTIONS.join('|')})|(?:${RESOURCES.join('|')}):(?:\\*|${ACTIONS.join('|')}))$`,
);

/** Enough for one scope per resource and action, with room to spare. */
export const MAX_SCOPES = 64;

export function isValidScope(scope: string): boolean {
  return SCOPE_PATTERN.test(scope);
}

const SCOPE_FORMS = `an action (${ACTIONS.join(', ')}), resource:action or resource:* (resources: ${RESOURCES.join(', ')}), or *`;

/**
 * The scopes a key is created with. An empty list is refused: read literally it grants nothing
 * (a key that can do nothing), read as "unrestricted" it would silently widen a key whose
 * creator meant to narrow it. Omitting scopes is how a key gets its role's full set.
 */
export const scopesSchema = z
  .array(
    z.string().regex(SCOPE_PATTERN, {
      error: (issue) => `${JSON.stringify(issue.input)} is not a scope; a scope is ${SCOPE_FORMS}`,
    }),
  )
  .min(1, 'must name at least one scope; omit scopes for the role’s full set')
  .max(MAX_SCOPES)
  .transform((scopes) => [...new Set(scopes)]);

/**
 * True when the scopes let the permission through. A credential without scopes is limited by its
 * role alone; an empty list (which key creation refuses) lets nothing through.
 */
export function scopesPermit(scopes: readonly string[] | undefined, { resource, action }: Permission): boolean {
  if (scopes === undefined) {
    return true;
  }
  return scopes.some(
    (scope) =>
      scope === WILDCARD ||
      scope === action ||
      scope === `${resource}:${action}` ||
      scope === `${resource}:${WILDCARD}`,
  );
}
