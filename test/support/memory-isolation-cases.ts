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

/** The session id the owner's memory carries (`secret` is in it), for the conversation routes. */
export const ISOLATION_SESSION = 'isolation-session';

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
    route: 'GET /api/v1/memories/:id/history',
    name: 'history of a foreign memory',
    method: 'GET',
    url: (c) => `/api/v1/memories/${c.memoryId}/history${query(c)}`,
    expectedStatus: 404,
    expectedCode: 'memory_not_found',
  },
  {
    route: 'POST /api/v1/memories/:id/supersede',
    name: 'supersede a foreign memory',
    method: 'POST',
    url: (c) => `/api/v1/memories/${c.memoryId}/supersede`,
    body: (c) => withTenant(c, { content: 'probe successor' }),
    expectedStatus: 404,
    expectedCode: 'memory_not_found',
  },
  {
    route: 'POST /api/v1/memories',
    name: 'create a memory superseding a foreign memory',
    method: 'POST',
    url: () => '/api/v1/memories',
    body: (c) => withTenant(c, { namespace: c.ownNamespace, content: 'probe', supersedes: c.memoryId }),
    expectedStatus: 404,
    expectedCode: 'supersede_target_not_found',
  },
  {
    route: 'POST /api/v1/memories/batch',
    name: 'batch superseding a foreign memory',
    method: 'POST',
    url: () => '/api/v1/memories/batch',
    body: (c) => withTenant(c, { namespace: c.ownNamespace, memories: [{ content: 'probe', supersedes: c.memoryId }] }),
    expectedStatus: 404,
    expectedCode: 'supersede_target_not_found',
  },
  {
    route: 'GET /api/v1/memories',
    name: 'list its own namespace as of a time, superseded included',
    method: 'GET',
    url: (c) =>
      `/api/v1/memories${query(c, `namespace=${c.ownNamespace}&include_superseded=true&as_of=2100-01-01T00:00:00Z`)}`,
    expectedStatus: 200,
  },
  {
    route: 'POST /api/v1/memories/search',
    name: 'search its own namespace as of now, superseded included',
    method: 'POST',
    url: () => '/api/v1/memories/search',
    body: (c) =>
      withTenant(c, {
        namespace: c.ownNamespace,
        query: c.secret,
        k: 200,
        include_superseded: true,
        as_of: '2100-01-01T00:00:00Z',
      }),
    expectedStatus: 200,
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
    route: 'POST /api/v1/conversations',
    name: "ingest a conversation into the other tenant's namespace name",
    method: 'POST',
    url: () => '/api/v1/conversations',
    body: (c) => withTenant(c, { namespace: c.namespace, messages: [{ role: 'user', content: 'probe' }] }),
    expectedStatus: 404,
    expectedCode: 'namespace_not_found',
  },
  {
    route: 'POST /api/v1/conversations',
    name: "ingest a conversation into its own namespace, reusing the other tenant's session id",
    method: 'POST',
    url: () => '/api/v1/conversations',
    body: (c) =>
      withTenant(c, {
        namespace: c.ownNamespace,
        session_id: ISOLATION_SESSION,
        start_index: Math.floor(Math.random() * 1e9),
        messages: [{ role: 'user', content: 'probe' }],
      }),
    expectedStatus: 201,
  },
  {
    route: 'GET /api/v1/conversations/:session_id',
    name: "read the other tenant's session",
    method: 'GET',
    url: (c) => `/api/v1/conversations/${ISOLATION_SESSION}${query(c)}`,
    expectedStatus: 200,
  },
  {
    route: 'GET /api/v1/conversations/:session_id',
    name: "read the other tenant's session in its namespace name",
    method: 'GET',
    url: (c) => `/api/v1/conversations/${ISOLATION_SESSION}${query(c, `namespace=${c.namespace}`)}`,
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

/**
 * The same probes through MCP (/mcp): each tool, resource and prompt, called by tenant B's
 * credential with tenant A's ids and namespace names (the tenant comes from the connection, so
 * arguments never name one). A case passes when the answer is the not-found (or refusal) code
 * given, or a success when none is given, and `leaks` finds nothing of A's in it. A tool fails
 * as a tool result (isError, structuredContent.code); a resource or prompt as a JSON-RPC error
 * whose data carries the code.
 */
export type McpIsolationCall =
  | { tool: string; args(ctx: IsolationContext): Record<string, unknown> }
  | { resource(ctx: IsolationContext): string }
  | { prompt: string; args(ctx: IsolationContext): Record<string, string> };

export type McpIsolationCase = McpIsolationCall & {
  name: string;
  /** Engram's code for the answer; undefined: a success that shows nothing of A's. */
  expectedCode?: string;
};

/** Pin keys: one only the owner of `secret` has (its value holds `secret`), one both tenants have. */
export const MCP_PIN_KEYS = { onlyOwner: 'only-b', both: 'secret:1' };

export const MCP_ISOLATION_CASES: McpIsolationCase[] = [
  {
    name: "remember into the other tenant's namespace name",
    tool: 'remember',
    args: (c) => ({ namespace: c.namespace, content: 'probe' }),
    expectedCode: 'namespace_not_found',
  },
  {
    name: 'remember related to a foreign memory',
    tool: 'remember',
    args: (c) => ({ namespace: c.ownNamespace, content: 'probe', relations: [{ to: c.memoryId, relation: 'about' }] }),
    expectedCode: 'relation_target_not_found',
  },
  {
    name: "recall in the other tenant's namespace name",
    tool: 'recall',
    args: (c) => ({ namespace: c.namespace, query: c.secret, k: 200 }),
    expectedCode: 'namespace_not_found',
  },
  {
    name: 'recall its own namespace for the secret',
    tool: 'recall',
    args: (c) => ({ namespaces: [c.ownNamespace], query: c.secret, k: 200 }),
  },
  {
    name: 'recall related_to a foreign memory',
    tool: 'recall',
    args: (c) => ({ namespace: c.ownNamespace, query: c.secret, related_to: c.memoryId, related_mode: 'restrict' }),
  },
  {
    name: "get_context of the other tenant's namespace name",
    tool: 'get_context',
    args: (c) => ({ namespace: c.namespace, query: c.secret }),
    expectedCode: 'namespace_not_found',
  },
  {
    name: 'get_context of its own namespace for the secret',
    tool: 'get_context',
    args: (c) => ({ namespace: c.ownNamespace, query: c.secret, pin_prefixes: [MCP_PIN_KEYS.onlyOwner, 'secret'] }),
  },
  { name: 'forget a foreign id', tool: 'forget', args: (c) => ({ id: c.memoryId }), expectedCode: 'memory_not_found' },
  {
    name: 'forget a foreign id, dry run',
    tool: 'forget',
    args: (c) => ({ id: c.memoryId, dry_run: true }),
    expectedCode: 'memory_not_found',
  },
  {
    name: "forget by filter in the other tenant's namespace name",
    tool: 'forget',
    args: (c) => ({ filter: { namespace: c.namespace }, dry_run: false }),
    expectedCode: 'namespace_not_found',
  },
  {
    name: 'forget by a filter that matches the secret’s memory anywhere, dry run',
    tool: 'forget',
    args: () => ({ filter: { created_after: '2000-01-01T00:00:00Z' } }),
  },
  {
    name: "list_memories of the other tenant's namespace name",
    tool: 'list_memories',
    args: (c) => ({ namespace: c.namespace }),
    expectedCode: 'namespace_not_found',
  },
  { name: 'list_memories of every namespace', tool: 'list_memories', args: () => ({ limit: 200 }) },
  {
    name: 'update_memory of a foreign id',
    tool: 'update_memory',
    args: (c) => ({ id: c.memoryId, importance: 0.1, content: 'pwned' }),
    expectedCode: 'memory_not_found',
  },
  {
    name: 'update_memory moving a foreign memory into its own namespace',
    tool: 'update_memory',
    args: (c) => ({ id: c.memoryId, namespace: c.ownNamespace }),
    expectedCode: 'memory_not_found',
  },
  {
    name: 'supersede_memory of a foreign id',
    tool: 'supersede_memory',
    args: (c) => ({ id: c.memoryId, content: 'probe successor' }),
    expectedCode: 'memory_not_found',
  },
  {
    name: 'memory_history of a foreign id',
    tool: 'memory_history',
    args: (c) => ({ id: c.memoryId }),
    expectedCode: 'memory_not_found',
  },
  {
    name: 'list_memories of every namespace, superseded included, as of now',
    tool: 'list_memories',
    args: () => ({ limit: 200, include_superseded: true, as_of: '2100-01-01T00:00:00Z' }),
  },
  {
    name: 'relate from a foreign memory',
    tool: 'relate',
    args: (c) => ({ id: c.memoryId, relations: [{ to: c.otherMemoryId, relation: 'about' }] }),
    // As on REST: the edge's ends are looked up together, and neither is found.
    expectedCode: 'relation_target_not_found',
  },
  {
    name: 'pin_get of a key only the other tenant has',
    tool: 'pin_get',
    args: () => ({ key: MCP_PIN_KEYS.onlyOwner }),
    expectedCode: 'pin_not_found',
  },
  { name: 'pin_list of every key', tool: 'pin_list', args: () => ({ limit: 1000 }) },
  {
    name: 'pin_set of a key the other tenant has too, on its own tenant',
    tool: 'pin_set',
    args: () => ({ key: MCP_PIN_KEYS.both, value: 'mine' }),
  },
  {
    name: 'read a foreign memory',
    resource: (c) => `engram://memories/${c.memoryId}`,
    expectedCode: 'memory_not_found',
  },
  {
    name: "read the stats of the other tenant's namespace name",
    resource: (c) => `engram://namespaces/${c.namespace}/stats`,
    expectedCode: 'namespace_not_found',
  },
  { name: 'read the namespace list', resource: () => 'engram://namespaces' },
  {
    name: "inject_context from the other tenant's namespace name",
    prompt: 'inject_context',
    args: (c) => ({ namespace: c.namespace, query: c.secret }),
    expectedCode: 'namespace_not_found',
  },
  {
    name: "summarize_memories of the other tenant's namespace name",
    prompt: 'summarize_memories',
    args: (c) => ({ namespace: c.namespace }),
    expectedCode: 'namespace_not_found',
  },
  {
    name: "summarize_memories of the other tenant's namespace name, by query",
    prompt: 'summarize_memories',
    args: (c) => ({ namespace: c.namespace, query: c.secret }),
    expectedCode: 'namespace_not_found',
  },
  // The topic is echoed back: the probe names a topic, not the secret it must not see.
  { name: 'explore_memories', prompt: 'explore_memories', args: () => ({ topic: 'launch codes' }) },
];
