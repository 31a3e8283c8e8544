import { type Method, type QueryValue, type RetryOptions, Transport } from './transport.js';
import type {
  ApiKeyList,
  AssembledContext,
  ContextInput,
  Conversation,
  ConversationQuery,
  CreateApiKeyInput,
  CreateMemoryBatchInput,
  CreateMemoryInput,
  CreateNamespaceInput,
  CreateTenantInput,
  CreatedApiKey,
  CreatedMemory,
  ExtractionJob,
  IngestConversationInput,
  IngestedConversation,
  JsonValue,
  ListMemoriesQuery,
  ListPinsQuery,
  ListTenantsQuery,
  Liveness,
  Memory,
  MemoryBatchResult,
  MemoryList,
  Namespace,
  NamespaceList,
  Pin,
  PinCleanup,
  PinList,
  Readiness,
  RelateMemoriesInput,
  RequestExtractionInput,
  SupersedeMemoryInput,
  SupersedeResult,
  MemoryHistory,
  RelatedMemories,
  RelatedMemoriesQuery,
  SearchInput,
  SearchResults,
  Tenant,
  TenantList,
  TenantUsage,
  UpdateMemoryInput,
  UpdateNamespaceInput,
  UpdateTenantInput,
  UpsertPinInput,
} from './types.js';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

export interface EngramClientOptions {
  /** The server, e.g. `https://engram.example.com`; default `http://127.0.0.1:8080` (`engram serve`). */
  baseUrl?: string;
  /** An API key (`eng_…`), sent as `X-API-Key`. */
  apiKey?: string;
  /** A bearer token: an API key, a JWT or the admin token, sent as `Authorization: Bearer`. */
  token?: string;
  /**
   * The tenant data calls act for, sent as `tenant_id`. Leave it out with a key bound to a
   * tenant (the key decides); operators set it to act for another tenant.
   */
  tenantId?: string;
  /** Per attempt; 0 waits forever. Default 30 000 ms. */
  timeoutMs?: number;
  /** Retries of idempotent requests on 429, 503 and network failures; `false` for none. */
  retry?: RetryOptions | false;
  /** Another fetch (a test double, a proxy agent); default the global one. */
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** Options of any one call. */
export interface CallOptions {
  /** Aborts the call (and its retries); the abort's reason is thrown as is. */
  signal?: AbortSignal;
}

interface Page {
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Every item of a cursor-paged listing, fetching the next page only when the previous one is
 * used up: `for await (const pin of client.pins.iterate({ prefix: 'config:' }))`.
 */
export async function* paginate<P extends Page, T>(
  fetchPage: (cursor: string | undefined) => Promise<P>,
  items: (page: P) => T[],
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* items(page);
    if (!page.has_more || page.next_cursor === null) {
      return;
    }
    cursor = page.next_cursor;
  }
}

const segment = (value: string) => encodeURIComponent(value);

/** What each resource group needs from the client. */
interface Caller {
  call<T>(
    method: Method,
    path: string,
    options: {
      query?: Record<string, QueryValue>;
      body?: unknown;
      idempotent: boolean;
      tenant?: boolean;
      signal?: AbortSignal;
    },
  ): Promise<T>;
}

/** Pins: JSON values under a key, upserted, optionally with a TTL. */
export class Pins {
  constructor(private readonly c: Caller) {}

  get(key: string, options: CallOptions = {}): Promise<Pin> {
    return this.c.call('GET', `/api/v1/memory/pins/${segment(key)}`, { idempotent: true, tenant: true, ...options });
  }

  /** Upsert: 201 creates, 200 replaces (same id). Idempotent, so it is retried. */
  set(
    key: string,
    value: JsonValue,
    input: Omit<UpsertPinInput, 'key' | 'value'> = {},
    options: CallOptions = {},
  ): Promise<Pin> {
    return this.c.call('POST', '/api/v1/memory/pins', {
      body: { ...input, key, value },
      idempotent: true,
      tenant: true,
      ...options,
    });
  }

  /** One page in key order; `next_cursor` fetches the next. */
  list(query: ListPinsQuery = {}, options: CallOptions = {}): Promise<PinList> {
    return this.c.call('GET', '/api/v1/memory/pins', {
      query: { ...query },
      idempotent: true,
      tenant: true,
      ...options,
    });
  }

  iterate(query: Omit<ListPinsQuery, 'cursor'> = {}, options: CallOptions = {}): AsyncGenerator<Pin, void, undefined> {
    return paginate(
      (cursor) => this.list({ ...query, cursor }, options),
      (page) => page.pins,
    );
  }

  delete(key: string, options: CallOptions = {}): Promise<void> {
    return this.c.call('DELETE', `/api/v1/memory/pins/${segment(key)}`, { idempotent: true, tenant: true, ...options });
  }

  /** Deletes expired pins now (the worker also does, every minute); `dry_run` only counts them. */
  cleanup(input: { dry_run?: boolean } = {}, options: CallOptions = {}): Promise<PinCleanup> {
    return this.c.call('POST', '/api/v1/memory/pins/cleanup', {
      body: input,
      idempotent: true,
      tenant: true,
      ...options,
    });
  }
}

/** Namespaces hold memories, with a default token budget, an embedding model and a retention. */
export class Namespaces {
  constructor(private readonly c: Caller) {}

  create(input: CreateNamespaceInput, options: CallOptions = {}): Promise<Namespace> {
    return this.c.call('POST', '/api/v1/namespaces', { body: input, idempotent: false, tenant: true, ...options });
  }

  /** Every namespace, by name (not paged). */
  async list(options: CallOptions = {}): Promise<Namespace[]> {
    const page = await this.c.call<NamespaceList>('GET', '/api/v1/namespaces', {
      idempotent: true,
      tenant: true,
      ...options,
    });
    return page.namespaces;
  }

  get(name: string, options: CallOptions = {}): Promise<Namespace> {
    return this.c.call('GET', `/api/v1/namespaces/${segment(name)}`, { idempotent: true, tenant: true, ...options });
  }

  update(name: string, input: UpdateNamespaceInput, options: CallOptions = {}): Promise<Namespace> {
    return this.c.call('PATCH', `/api/v1/namespaces/${segment(name)}`, {
      body: input,
      idempotent: false,
      tenant: true,
      ...options,
    });
  }

  /** Deletes the namespace and every memory in it. */
  delete(name: string, options: CallOptions = {}): Promise<void> {
    return this.c.call('DELETE', `/api/v1/namespaces/${segment(name)}`, { idempotent: true, tenant: true, ...options });
  }
}

function memoryQuery(query: ListMemoriesQuery): Record<string, QueryValue> {
  const { type, tags, metadata, ...rest } = query;
  return {
    ...rest,
    type: type === undefined ? undefined : [type].flat().join(','),
    tags: tags === undefined ? undefined : tags.join(','),
    metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
  };
}

/** Memories: free text in a namespace, with metadata, tags, importance and relations. */
export class Memories {
  constructor(private readonly c: Caller) {}

  /**
   * Stores a memory. Equal content in the same namespace is not stored twice: the existing
   * memory comes back with `duplicate: true`. That makes it safe to retry.
   */
  create(input: CreateMemoryInput, options: CallOptions = {}): Promise<CreatedMemory> {
    return this.c.call('POST', '/api/v1/memories', { body: input, idempotent: true, tenant: true, ...options });
  }

  /** Up to 1000 memories in one namespace, all or nothing. Not retried. */
  createBatch(input: CreateMemoryBatchInput, options: CallOptions = {}): Promise<MemoryBatchResult> {
    return this.c.call('POST', '/api/v1/memories/batch', { body: input, idempotent: false, tenant: true, ...options });
  }

  list(query: ListMemoriesQuery = {}, options: CallOptions = {}): Promise<MemoryList> {
    return this.c.call('GET', '/api/v1/memories', {
      query: memoryQuery(query),
      idempotent: true,
      tenant: true,
      ...options,
    });
  }

  iterate(
    query: Omit<ListMemoriesQuery, 'cursor'> = {},
    options: CallOptions = {},
  ): AsyncGenerator<Memory, void, undefined> {
    return paginate(
      (cursor) => this.list({ ...query, cursor }, options),
      (page) => page.memories,
    );
  }

  get(id: string, options: CallOptions = {}): Promise<Memory> {
    return this.c.call('GET', `/api/v1/memories/${segment(id)}`, { idempotent: true, tenant: true, ...options });
  }

  /** Changes fields; a new `namespace` moves the memory. Not retried. */
  update(id: string, input: UpdateMemoryInput, options: CallOptions = {}): Promise<Memory> {
    return this.c.call('PATCH', `/api/v1/memories/${segment(id)}`, {
      body: input,
      idempotent: false,
      tenant: true,
      ...options,
    });
  }

  delete(id: string, options: CallOptions = {}): Promise<void> {
    return this.c.call('DELETE', `/api/v1/memories/${segment(id)}`, { idempotent: true, tenant: true, ...options });
  }

  /** Hybrid search (words, meaning, recency, importance), best first. A read, so it is retried. */
  search(input: SearchInput, options: CallOptions = {}): Promise<SearchResults> {
    return this.c.call('POST', '/api/v1/memories/search', {
      body: input,
      idempotent: true,
      tenant: true,
      ...options,
    });
  }

  related(id: string, query: RelatedMemoriesQuery = {}, options: CallOptions = {}): Promise<RelatedMemories> {
    return this.c.call('GET', `/api/v1/memories/${segment(id)}/related`, {
      query: { ...query },
      idempotent: true,
      tenant: true,
      ...options,
    });
  }

  /** Replaces memory `id` by a new one in its namespace; the old one stays, superseded. Not retried. */
  supersede(id: string, input: SupersedeMemoryInput, options: CallOptions = {}): Promise<SupersedeResult> {
    return this.c.call('POST', `/api/v1/memories/${segment(id)}/supersede`, {
      body: input,
      idempotent: false,
      tenant: true,
      ...options,
    });
  }

  /** Every version of memory `id`, oldest first. */
  history(id: string, options: CallOptions = {}): Promise<MemoryHistory> {
    return this.c.call('GET', `/api/v1/memories/${segment(id)}/history`, {
      idempotent: true,
      tenant: true,
      ...options,
    });
  }

  /** Adds typed edges from this memory (adding one again sets its weight). */
  relate(id: string, relations: RelateMemoriesInput['relations'], options: CallOptions = {}): Promise<void> {
    return this.c.call('POST', `/api/v1/memories/${segment(id)}/relations`, {
      body: { relations },
      idempotent: true,
      tenant: true,
      ...options,
    });
  }
}

/** Chat ingestion: each message an episodic memory with its speaker, session and time. */
export class Conversations {
  constructor(private readonly c: Caller) {}

  /**
   * Stores an exchange. Retried safely: each message is keyed by its `id`, or by session and
   * position, so a retry stores nothing twice. `extract: true` queues fact extraction.
   */
  ingest(input: IngestConversationInput, options: CallOptions = {}): Promise<IngestedConversation> {
    return this.c.call('POST', '/api/v1/conversations', { body: input, idempotent: true, tenant: true, ...options });
  }

  /** A session's messages, oldest first, a page at a time. */
  session(sessionId: string, query: ConversationQuery = {}, options: CallOptions = {}): Promise<Conversation> {
    return this.c.call('GET', `/api/v1/conversations/${segment(sessionId)}`, {
      query: { ...query },
      idempotent: true,
      tenant: true,
      ...options,
    });
  }
}

/** Jobs the server runs for a request: fact extraction today. */
export class Jobs {
  constructor(private readonly c: Caller) {}

  /** Queues fact extraction from stored messages (202); follow it with `get`. Not retried. */
  extract(input: RequestExtractionInput, options: CallOptions = {}): Promise<ExtractionJob> {
    return this.c.call('POST', '/api/v1/extractions', { body: input, idempotent: false, tenant: true, ...options });
  }

  get(id: string, options: CallOptions = {}): Promise<ExtractionJob> {
    return this.c.call('GET', `/api/v1/jobs/${segment(id)}`, { idempotent: true, tenant: true, ...options });
  }
}

/** Tenant administration (operators: the admin token, or an admin or infra key). */
export class Tenants {
  constructor(private readonly c: Caller) {}

  create(input: CreateTenantInput, options: CallOptions = {}): Promise<Tenant> {
    return this.c.call('POST', '/api/v1/admin/tenants', { body: input, idempotent: false, ...options });
  }

  list(query: ListTenantsQuery = {}, options: CallOptions = {}): Promise<TenantList> {
    return this.c.call('GET', '/api/v1/admin/tenants', { query: { ...query }, idempotent: true, ...options });
  }

  iterate(
    query: Omit<ListTenantsQuery, 'cursor'> = {},
    options: CallOptions = {},
  ): AsyncGenerator<Tenant, void, undefined> {
    return paginate(
      (cursor) => this.list({ ...query, cursor }, options),
      (page) => page.tenants,
    );
  }

  get(id: string, options: CallOptions = {}): Promise<Tenant> {
    return this.c.call('GET', `/api/v1/admin/tenants/${segment(id)}`, { idempotent: true, ...options });
  }

  update(id: string, input: UpdateTenantInput, options: CallOptions = {}): Promise<Tenant> {
    return this.c.call('PATCH', `/api/v1/admin/tenants/${segment(id)}`, { body: input, idempotent: false, ...options });
  }

  /** Revokes the tenant's keys at once; a job erases its data (the tenant is `pending_deletion` until then). */
  delete(id: string, options: CallOptions = {}): Promise<Tenant> {
    return this.c.call('DELETE', `/api/v1/admin/tenants/${segment(id)}`, { idempotent: true, ...options });
  }

  suspend(id: string, options: CallOptions = {}): Promise<Tenant> {
    return this.c.call('POST', `/api/v1/admin/tenants/${segment(id)}/suspend`, { idempotent: false, ...options });
  }

  activate(id: string, options: CallOptions = {}): Promise<Tenant> {
    return this.c.call('POST', `/api/v1/admin/tenants/${segment(id)}/activate`, { idempotent: false, ...options });
  }

  /** Usage counters (pins, memories, storage bytes) and the effective quotas. */
  usage(id: string, options: CallOptions = {}): Promise<TenantUsage> {
    return this.c.call('GET', `/api/v1/admin/tenants/${segment(id)}/usage`, { idempotent: true, ...options });
  }
}

/** API keys of a tenant (operators). The raw key is returned once, by `create`. */
export class ApiKeys {
  constructor(private readonly c: Caller) {}

  create(tenantId: string, input: CreateApiKeyInput, options: CallOptions = {}): Promise<CreatedApiKey> {
    return this.c.call('POST', `/api/v1/admin/tenants/${segment(tenantId)}/api-keys`, {
      body: input,
      idempotent: false,
      ...options,
    });
  }

  async list(tenantId: string, options: CallOptions = {}): Promise<ApiKeyList['api_keys']> {
    const page = await this.c.call<ApiKeyList>('GET', `/api/v1/admin/tenants/${segment(tenantId)}/api-keys`, {
      idempotent: true,
      ...options,
    });
    return page.api_keys;
  }

  revoke(tenantId: string, keyId: string, options: CallOptions = {}): Promise<void> {
    return this.c.call('DELETE', `/api/v1/admin/tenants/${segment(tenantId)}/api-keys/${segment(keyId)}`, {
      idempotent: true,
      ...options,
    });
  }
}

/**
 * A client of one Engram server. The agent's four verbs are on the client itself (`remember`,
 * `recall`, `context`, `forget`); everything else is grouped by resource.
 */
export class EngramClient implements Caller {
  readonly pins = new Pins(this);
  readonly namespaces = new Namespaces(this);
  readonly memories = new Memories(this);
  readonly conversations = new Conversations(this);
  readonly jobs = new Jobs(this);
  readonly tenants = new Tenants(this);
  readonly apiKeys = new ApiKeys(this);
  private readonly transport: Transport;

  constructor(readonly options: EngramClientOptions = {}) {
    const retry = options.retry === false ? { retries: 0 } : (options.retry ?? {});
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') {
      throw new TypeError('EngramClient needs fetch: Node 20 or later, or a browser');
    }
    this.transport = new Transport({
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      apiKey: options.apiKey,
      token: options.token,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: {
        retries: retry.retries ?? 2,
        minDelayMs: retry.minDelayMs ?? 200,
        maxDelayMs: retry.maxDelayMs ?? 10_000,
      },
      // Called unbound, a browser's fetch throws "Illegal invocation".
      fetch: (input, init) => fetchImpl(input, init),
      headers: options.headers ?? {},
    });
  }

  /** The same server and credentials, acting for another tenant. */
  withTenant(tenantId: string): EngramClient {
    return new EngramClient({ ...this.options, tenantId });
  }

  /** @internal */
  call<T>(
    method: Method,
    path: string,
    options: {
      query?: Record<string, QueryValue>;
      body?: unknown;
      idempotent: boolean;
      tenant?: boolean;
      signal?: AbortSignal;
    },
  ): Promise<T> {
    let { query, body } = options;
    const tenantId = this.options.tenantId;
    if (options.tenant && tenantId !== undefined) {
      if (method === 'POST' || method === 'PATCH') {
        body = { tenant_id: tenantId, ...(body as Record<string, unknown>) };
      } else {
        query = { tenant_id: tenantId, ...query };
      }
    }
    return this.transport.request<T>({
      method,
      path,
      query,
      body,
      idempotent: options.idempotent,
      signal: options.signal,
    });
  }

  /** Stores what the agent learned in `namespace` (see `memories.create`: equal content is stored once). */
  remember(
    namespace: string,
    content: string,
    input: Omit<CreateMemoryInput, 'namespace' | 'content'> = {},
    options: CallOptions = {},
  ): Promise<CreatedMemory> {
    return this.memories.create({ ...input, namespace, content }, options);
  }

  /** The memories that best match `query`, best first (see `memories.search`). */
  recall(query: string, input: Omit<SearchInput, 'query'> = {}, options: CallOptions = {}): Promise<SearchResults> {
    return this.memories.search({ ...input, query }, options);
  }

  /**
   * The best memories and requested pins for `query`, packed under a token budget into zones
   * (critical first, recent last), as text to put in a prompt. A read, so it is retried.
   */
  context(query: string, input: Omit<ContextInput, 'query'>, options: CallOptions = {}): Promise<AssembledContext> {
    return this.call('POST', '/api/v1/context', {
      body: { ...input, query },
      idempotent: true,
      tenant: true,
      ...options,
    });
  }

  /** Deletes one memory, by id: its vectors and relations go with it. */
  forget(id: string, options: CallOptions = {}): Promise<void> {
    return this.memories.delete(id, options);
  }

  /** Liveness: the process answers. */
  health(options: CallOptions = {}): Promise<Liveness> {
    return this.call('GET', '/health', { idempotent: true, ...options });
  }

  /** Readiness: Postgres and the queue answer (an UnavailableError naming the failing check otherwise). */
  ready(options: CallOptions = {}): Promise<Readiness> {
    return this.call('GET', '/ready', { idempotent: true, ...options });
  }
}
