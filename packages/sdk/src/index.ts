/**
 * The TypeScript client of Engram, a memory service for AI agents. Native fetch only, no
 * dependencies: Node 20+, browsers, Deno and Bun. docs/sdk.md is the guide.
 */
export {
  ApiKeys,
  type CallOptions,
  Conversations,
  DEFAULT_BASE_URL,
  EngramClient,
  type EngramClientOptions,
  Jobs,
  Memories,
  Namespaces,
  Pins,
  Tenants,
  paginate,
} from './client.js';
export {
  AuthError,
  ConflictError,
  EngramError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
  ValidationError,
} from './errors.js';
export type { RetryOptions } from './transport.js';
export type * from './types.js';
export type { components, operations, paths } from './openapi.js';
