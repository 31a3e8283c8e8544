import { ValidationError } from '@engram/common';
import { namespaceNameSchema } from '@engram/memories';

export const CONTEXT_POSITIONS = ['system', 'first_user', 'before_last'] as const;
export type ContextPosition = (typeof CONTEXT_POSITIONS)[number];

/** What a proxied request asks of Engram, read from its X-Engram-* headers (docs/proxy.md). */
export interface EngramDirectives {
  /** X-Engram-Tenant: for a credential bound to no tenant (admin, machine token); undefined: the credential's. */
  tenant: string | undefined;
  /** X-Engram-Namespace: where memories are read from and the exchange is stored; none: no memory at all. */
  namespace: string | undefined;
  user: string | undefined;
  session: string | undefined;
  /** X-Engram-Skip-Memory: no context injected and nothing stored. */
  skipMemory: boolean;
  /** X-Engram-Skip-Extract: context injected, the exchange not stored. */
  skipExtract: boolean;
  tokenBudget: number | undefined;
  position: ContextPosition | undefined;
}

type Headers = Record<string, string | string[] | undefined>;

const ID_PATTERN = /^[A-Za-z0-9._:@\-/]{1,256}$/;
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

function invalid(header: string, message: string): never {
  throw new ValidationError('invalid_engram_header', `${header}: ${message}`, { header });
}

function single(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) {
    invalid(name, 'must be sent once');
  }
  return value?.trim();
}

function flag(headers: Headers, name: string): boolean {
  const value = single(headers, name)?.toLowerCase();
  if (value === undefined || FALSE.has(value)) {
    return false;
  }
  if (TRUE.has(value)) {
    return true;
  }
  return invalid(name, 'must be true or false (1/0, yes/no)');
}

function id(headers: Headers, name: string): string | undefined {
  const value = single(headers, name);
  if (value === undefined || value === '') {
    return undefined;
  }
  if (!ID_PATTERN.test(value)) {
    invalid(name, 'must be 1..256 characters of A-Z a-z 0-9 . _ : @ - /');
  }
  return value;
}

/** Reads and checks the X-Engram-* headers; a bad one is 400 invalid_engram_header, before anything is forwarded. */
export function readDirectives(headers: Headers): EngramDirectives {
  const namespace = single(headers, 'x-engram-namespace');
  if (namespace !== undefined && namespace !== '' && !namespaceNameSchema.safeParse(namespace).success) {
    invalid('x-engram-namespace', 'must be a namespace name (1..128 characters of A-Z a-z 0-9 : _ . -)');
  }
  const budget = single(headers, 'x-engram-token-budget');
  let tokenBudget: number | undefined;
  if (budget !== undefined && budget !== '') {
    tokenBudget = Number(budget);
    if (!/^\d+$/.test(budget) || tokenBudget < 64 || tokenBudget > 200_000) {
      invalid('x-engram-token-budget', 'must be a whole number from 64 to 200000');
    }
  }
  const position = single(headers, 'x-engram-context-position');
  if (position !== undefined && position !== '' && !(CONTEXT_POSITIONS as readonly string[]).includes(position)) {
    invalid('x-engram-context-position', `must be one of ${CONTEXT_POSITIONS.join(', ')}`);
  }
  return {
    tenant: id(headers, 'x-engram-tenant'),
    namespace: namespace === '' ? undefined : namespace,
    user: id(headers, 'x-engram-user'),
    session: id(headers, 'x-engram-session'),
    skipMemory: flag(headers, 'x-engram-skip-memory'),
    skipExtract: flag(headers, 'x-engram-skip-extract'),
    tokenBudget,
    position: position === '' ? undefined : (position as ContextPosition | undefined),
  };
}

/**
 * The upstream key a client sent of its own: `Authorization: Bearer <key>` when Engram was
 * authenticated by another header (X-Engram-Key, X-API-Key, X-Machine-Token), so Authorization
 * was not Engram's credential. An Engram key (eng_…) is never forwarded, whichever header holds it.
 */
export function clientUpstreamAuthorization(headers: Headers): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') {
    return undefined;
  }
  const engramCredentialElsewhere = ['x-engram-key', 'x-api-key', 'x-machine-token'].some(
    (name) => headers[name] !== undefined,
  );
  if (!engramCredentialElsewhere) {
    return undefined;
  }
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (token === undefined || token.startsWith('eng_')) {
    return undefined;
  }
  return `Bearer ${token}`;
}
