/**
 * Tenant isolation cases for the memory routes, for the cross-tenant matrix: tenant A owns a
 * memory (content `secret`) in `namespace`; each case is a request made as tenant B, which owns
 * `ownNamespace` (and no namespace named `namespace`). `tenant` is B's id to send as tenant_id,
 * or undefined when B's credential already binds the tenant. A case passes when the status (and
 * `expectedCode`, if given) matches and `leaks` finds nothing of A's in the body. A's namespace
 * answers exactly as a namespace that exists nowhere: 404 namespace_not_found.
 */
export interface IsolationContext {
  memoryId: string;
  /** A second memory of A's, for relation routes. */
  otherMemoryId: string;
  namespace: string;
  /** A namespace of B's own, so that probes reach the checks behind the namespace lookup. */
  ownNamespace: string;
  secret: string;
  tenant: string | undefined;
}

export interface IsolationCase {
  /** The route as Fastify registers it ("METHOD /path"), for the cross-tenant matrix's coverage check. */
  route: string;
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url(ctx: IsolationContext): string;
  body?(ctx: IsolationContext): Record<string, unknown>;
  expectedStatus: number;
  expectedCode?: string;
}

const query = (ctx: IsolationContext, extra = ''): string => {
  const parts = [ctx.tenant === undefined ? '' : `tenant_id=${ctx.tenant}`, extra].filter(Boolean);
  return parts.length ? `?${parts.join('&')}` : '';
};
const withTenant = (ctx: IsolationContext, body: Record<string, unknown>) =>
  ctx.tenant === undefined ? body : { tenant_id: ctx.tenant, ...body };

export const MEMORY_ISOLATION_CASES: IsolationCase[] = [
  {
    route: 'GET /api/v1/memories/:id',
    name: 'get memory',
    method: 'GET',
    url: (c) => `/api/v1/memories/${c.memoryId}${query(c)}`,
    expectedStatus: 404,
  },
  {
    route: 'GET /api/v1/memories',
    name: 'list memories',
    method: 'GET',
    url: (c) => `/api/v1/memories${query(c, `namespace=${c.namespace}`)}`,
    expectedStatus: 404,
    expectedCode: 'namespace_not_found',
  },
  {
    route: 'GET /api/v1/memories',
    name: 'list memories of its own namespace',
    method: 'GET',
    url: (c) => `/api/v1/memories${query(c, `namespace=${c.ownNamespace}`)}`,
    expectedStatus: 200,
  },
  {
    route: 'PATCH /api/v1/memories/:id',
    name: 'update memory',
    method: 'PATCH',
    url: (c) => `/api/v1/memories/${c.memoryId}`,
    body: (c) => withTenant(c, { importance: 0.1 }),
    expectedStatus: 404,
    expectedCode: 'memory_not_found',
  },
  {
    route: 'PATCH /api/v1/memories/:id',
    name: 'move a foreign memory into its own namespace',
    method: 'PATCH',
    url: (c) => `/api/v1/memories/${c.memoryId}`,
    body: (c) => withTenant(c, { namespace: c.ownNamespace }),
    expectedStatus: 404,
    expectedCode: 'memory_not_found',
  },
  {
    route: 'DELETE /api/v1/memories/:id',
    name: 'delete memory',
    method: 'DELETE',
    url: (c) => `/api/v1/memories/${c.memoryId}${query(c)}`,
    expectedStatus: 404,
  },
  {
    route: 'GET /api/v1/memories/:id/related',
    name: 'related memories',
    method: 'GET',
    url: (c) => `/api/v1/memories/${c.memoryId}/related${query(c, 'depth=3')}`,
    expectedStatus: 404,
  },
  {
    route: 'POST /api/v1/memories/:id/relations',
    name: 'relate from a foreign memory',
    method: 'POST',
    url: (c) => `/api/v1/memories/${c.memoryId}/relations`,
    body: (c) => withTenant(c, { relations: [{ to: c.otherMemoryId, relation: 'about' }] }),
    expectedStatus: 404,
  },
  {
    route: 'POST /api/v1/memories',
    name: 'create a memory related to a foreign memory',
    method: 'POST',
    url: () => '/api/v1/memories',
    body: (c) =>
      withTenant(c, {
        namespace: c.ownNamespace,
        content: 'probe',
        relations: [{ to: c.memoryId, relation: 'about' }],
      }),
    expectedStatus: 404,
    expectedCode: 'relation_target_not_found',
  },
  {
    route: 'POST /api/v1/memories',
    name: "write into the other tenant's namespace name",
    method: 'POST',
    url: () => '/api/v1/memories',
    body: (c) => withTenant(c, { namespace: c.namespace, content: 'probe' }),
    expectedStatus: 404,
    expectedCode: 'namespace_not_found',
  },
  {
    route: 'POST /api/v1/memories/search',
    name: 'search',
    method: 'POST',
    url: () => '/api/v1/memories/search',
    body: (c) => withTenant(c, { namespace: c.namespace, query: c.secret, k: 200 }),
    expectedStatus: 404,
    expectedCode: 'namespace_not_found',
  },
  {
    route: 'POST /api/v1/memories/search',
    name: 'search its own namespace for the secret',
    method: 'POST',
    url: () => '/api/v1/memories/search',
    body: (c) => withTenant(c, { namespaces: [c.ownNamespace], query: c.secret, k: 200 }),
    expectedStatus: 200,
  },
  {
    route: 'POST /api/v1/memories/search',
    name: 'search related_to a foreign memory',
    method: 'POST',
    url: () => '/api/v1/memories/search',
    body: (c) =>
      withTenant(c, { namespace: c.ownNamespace, query: c.secret, related_to: c.memoryId, related_mode: 'restrict' }),
    expectedStatus: 200,
  },
  {
    route: 'POST /api/v1/context',
    name: 'context',
    method: 'POST',
    url: () => '/api/v1/context',
    body: (c) => withTenant(c, { namespace: c.namespace, query: c.secret }),
    expectedStatus: 404,
    expectedCode: 'namespace_not_found',
  },
  {
    route: 'POST /api/v1/context',
    name: 'context of its own namespace',
    method: 'POST',
    url: () => '/api/v1/context',
    body: (c) => withTenant(c, { namespace: c.ownNamespace, query: c.secret }),
    expectedStatus: 200,
  },
  {
    route: 'GET /api/v1/namespaces/:name',
    name: 'get namespace',
    method: 'GET',
    url: (c) => `/api/v1/namespaces/${c.namespace}${query(c)}`,
    expectedStatus: 404,
    expectedCode: 'namespace_not_found',
  },
  {
    route: 'GET /api/v1/namespaces',
    name: 'list namespaces',
    method: 'GET',
    url: (c) => `/api/v1/namespaces${query(c)}`,
    expectedStatus: 200,
  },
  {
    route: 'PATCH /api/v1/namespaces/:name',
    name: 'update namespace',
    method: 'PATCH',
    url: (c) => `/api/v1/namespaces/${c.namespace}`,
    body: (c) => withTenant(c, { default_token_budget: 100 }),
    expectedStatus: 404,
    expectedCode: 'namespace_not_found',
  },
  {
    route: 'POST /api/v1/memories/batch',
    name: 'batch with a relation to a foreign memory',
    method: 'POST',
    url: () => '/api/v1/memories/batch',
    body: (c) =>
      withTenant(c, {
        namespace: c.ownNamespace,
        memories: [{ content: 'probe', relations: [{ to: c.memoryId, relation: 'about' }] }],
      }),
    expectedStatus: 404,
    expectedCode: 'relation_target_not_found',
  },
  {
    route: 'POST /api/v1/memories/batch',
    name: "batch into the other tenant's namespace name",
    method: 'POST',
    url: () => '/api/v1/memories/batch',
    body: (c) => withTenant(c, { namespace: c.namespace, memories: [{ content: 'probe' }] }),
    expectedStatus: 404,
    expectedCode: 'namespace_not_found',
  },
  {
    route: 'DELETE /api/v1/namespaces/:name',
    name: 'delete namespace',
    method: 'DELETE',
    url: (c) => `/api/v1/namespaces/${c.namespace}${query(c)}`,
    expectedStatus: 404,
  },
];

/**
 * True if a response reveals anything of tenant A's: the content always counts; ids count in a
 * success body (an error may echo the id the caller itself sent).
 */
export function leaks(ctx: IsolationContext, status: number, responseText: string): boolean {
  const revealed = status < 300 ? [ctx.secret, ctx.memoryId, ctx.otherMemoryId] : [ctx.secret];
  return revealed.some((value) => responseText.includes(value));
}
