import { z } from 'zod';
import { AppError } from './app-error';
import { registerErrorStatus } from './error-status';
import { requestContext } from './request-context';

/** A user, agent or session id: 1..256 characters, no control characters. */
export const scopeIdSchema = z
  .string()
  .regex(/^[^\u0000-\u001f\u007f]{1,256}$/, 'must be 1..256 characters without control characters');

export class ScopeMismatchError extends AppError {
  readonly code = 'scope_mismatch';
}

registerErrorStatus({ scope_mismatch: 403 });

/** The user / agent a memory belongs to; null: not bound (any, or none). */
export interface MemoryScope {
  user_id: string | null;
  agent_id: string | null;
}

/** The scope the request's credential is bound to (an API key created with user_id / agent_id). */
export function boundScope(): MemoryScope {
  const principal = requestContext.current()?.principal;
  return { user_id: principal?.boundUserId ?? null, agent_id: principal?.boundAgentId ?? null };
}

/**
 * The one rule binding memory access to a credential's user / agent scope, like bindTenant for
 * tenants: a bound credential may omit its user (agent) or repeat it, nothing else (403
 * scope_mismatch); what it omits is filled in. An unbound credential gets what it asked for.
 * Reads use the result as a filter, writes store it: a bound key can neither see nor write
 * outside its scope.
 */
export function bindScope(requested: { user_id?: string | null; agent_id?: string | null }): {
  user_id: string | undefined;
  agent_id: string | undefined;
} {
  const bound = boundScope();
  const pick = (field: 'user_id' | 'agent_id'): string | undefined => {
    const own = bound[field];
    const asked = requested[field] ?? undefined;
    if (own !== null && asked !== undefined && asked !== own) {
      throw new ScopeMismatchError(`This credential is bound to another ${field} than ${asked}`, { [field]: asked });
    }
    return own ?? asked;
  };
  return { user_id: pick('user_id'), agent_id: pick('agent_id') };
}
