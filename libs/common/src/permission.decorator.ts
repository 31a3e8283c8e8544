import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiPublic } from './openapi.decorators';

export const PERMISSION_KEY = 'engram:permission';
export const PUBLIC_KEY = 'engram:public';
export const SCRAPE_KEY = 'engram:scrape';
export const PER_OPERATION_KEY = 'engram:per-operation';

/** What routes protect: each resource here is declared by at least one route (a test checks). */
export const RESOURCES = [
  'memory_pin',
  'memory',
  'context',
  'run',
  'tenant',
  'api_key',
  'policy',
  'metrics',
  'proxy',
  'drift',
  'feature_flag',
] as const;
export type Resource = (typeof RESOURCES)[number];
export const ACTIONS = ['read', 'write', 'delete', 'admin', 'reload'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Permission {
  resource: Resource;
  action: Action;
}

/** The permission a route needs. A route with neither this nor @Public() is refused. */
export const RequirePermission = (resource: Resource, action: Action) =>
  applyDecorators(SetMetadata(PERMISSION_KEY, { resource, action } satisfies Permission));

/**
 * A route that carries several operations, each authorized on its own (/mcp: one tool call per
 * request, each with the permission of the REST route it stands for). The guard authenticates and
 * rate-limits it like any other route; the handler must authorize every operation it runs.
 */
export const AuthorizedPerOperation = () => SetMetadata(PER_OPERATION_KEY, true);

/** Marks a route as reachable without credentials (health, readiness, OpenAPI). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiPublic());

/**
 * A Prometheus scrape endpoint (/metrics). Besides any credential granting the route's
 * permission, the scrape token (METRICS_TOKEN, as a Bearer) admits it; with no token configured
 * it is open to callers when HOST is loopback, and needs a credential otherwise.
 */
export const ScrapeEndpoint = () => SetMetadata(SCRAPE_KEY, true);
