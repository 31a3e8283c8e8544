import type { Permission } from '@engram/common';
import { ACTIONS, RESOURCES, WILDCARD } from './rbac.constants';

/**
 * API-key scopes narrow what the key's role allows; they never widen it. A scope is an action
 * (`read`: that action on any resource), `resource:action`, `resource:*`, or `*`.
 */
export const SCOPE_PATTERN = new RegExp(
  `^(?:\\*|(?:${ACTIONS.join('|')})|(?:${RESOURCES.join('|')}):(?:\\*|${ACTIONS.join('|')}))$`,
);

export function isValidScope(scope: string): boolean {
  return SCOPE_PATTERN.test(scope);
}

/**
 * True when the scopes let the permission through. A credential without scopes (absent or an
 * empty list) is limited by its role alone.
 */
export function scopesPermit(scopes: readonly string[] | undefined, { resource, action }: Permission): boolean {
  if (scopes === undefined || scopes.length === 0) {
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
