import { AppError, ServiceUnavailableError } from '@engram/common';
import type { PinView } from '@engram/pins';
import { EngramOperations, OPERATION_ROUTES, OperationName } from './engram-operations';

/** An error answer of the remote Engram, with its code, message and details as it sent them. */
export class RemoteApiError extends AppError {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

export interface EngramHttpClientOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** An API key, a JWT or the admin token, sent as a Bearer. */
  token?: string;
  /** The tenant to act on (only an unbound credential may name one other than its own). */
  tenant?: string;
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined>;
type CallParams = { id?: string; name?: string; key?: string; query?: Query; body?: object };

/**
 * A minimal client of Engram's REST API: JSON in and out, the credential as a Bearer, the
 * tenant as `tenant_id` (query on reads, body on writes), error bodies turned into
 * RemoteApiError so their code reaches the MCP client unchanged.
 */
export class EngramHttpClient {
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(private readonly options: EngramHttpClientOptions) {
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async call<T>(operation: OperationName, params: CallParams = {}): Promise<T> {
    return (await this.send<T>(operation, params)).body;
  }

  /** The answer with its status (a pin upsert says created or replaced by 201 or 200 alone). */
  async send<T>(operation: OperationName, params: CallParams = {}): Promise<{ status: number; body: T }> {
    const { method, path } = OPERATION_ROUTES[operation];
    const resolved = path
      .replace(':id', encodeURIComponent(params.id ?? ''))
      .replace(':name', encodeURIComponent(params.name ?? ''))
      // Pin keys may hold "/": the route takes the rest of the path, so each segment is encoded alone.
      .replace('*', (params.key ?? '').split('/').map(encodeURIComponent).join('/'));
    const url = new URL(resolved.slice(1), this.base);
    const tenant = this.options.tenant;
    const query: Query = { ...params.query, ...(params.body === undefined && tenant ? { tenant_id: tenant } : {}) };
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) {
        url.searchParams.set(name, String(value));
      }
    }
    const body =
      params.body === undefined
        ? undefined
        : JSON.stringify(tenant ? { ...params.body, tenant_id: tenant } : params.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (this.options.token) {
      headers.authorization = `Bearer ${this.options.token}`;
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new ServiceUnavailableError(`cannot reach Engram at ${this.base.origin}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
      throw new RemoteApiError(
        typeof error?.code === 'string' ? error.code : `http_${response.status}`,
        typeof error?.message === 'string' ? error.message : `Engram answered ${response.status}`,
        response.status,
        typeof error?.details === 'object' && error.details !== null
          ? (error.details as Record<string, unknown>)
          : undefined,
      );
    }
    return { status: response.status, body: parsed as T };
  }
}

/** Lists travel in the query string as the REST route reads them: comma lists, metadata as JSON. */
function csv(values: readonly string[] | undefined): string | undefined {
  return values === undefined ? undefined : values.join(',');
}

/** The operations over another Engram's REST API (`engram mcp` with ENGRAM_URL). */
export function httpOperations(client: EngramHttpClient): EngramOperations {
  return {
    createMemory: (input) => client.call('createMemory', { body: input }),
    getMemory: (id) => client.call('getMemory', { id }),
    listMemories: (query) =>
      client.call('listMemories', {
        query: {
          namespace: query.namespace,
          type: csv(query.type),
          tags: csv(query.tags),
          metadata: query.metadata === undefined ? undefined : JSON.stringify(query.metadata),
          created_after: query.created_after,
          created_before: query.created_before,
          updated_after: query.updated_after,
          updated_before: query.updated_before,
          user_id: query.user_id,
          agent_id: query.agent_id,
          session_id: query.session_id,
          occurred_after: query.occurred_after,
          occurred_before: query.occurred_before,
          include_superseded: query.include_superseded === undefined ? undefined : String(query.include_superseded),
          as_of: query.as_of,
          limit: query.limit,
          cursor: query.cursor,
        },
      }),
    updateMemory: (id, input) => client.call('updateMemory', { id, body: input }),
    deleteMemory: (id) => client.call('deleteMemory', { id }),
    supersedeMemory: (id, input) => client.call('supersedeMemory', { id, body: input }),
    memoryHistory: (id) => client.call('memoryHistory', { id }),
    addRelations: (id, relations) => client.call('addRelations', { id, body: { relations } }),
    search: (input) => client.call('search', { body: input }),
    context: (input) => client.call('context', { body: input }),
    listNamespaces: () => client.call('listNamespaces'),
    getNamespace: (name) => client.call('getNamespace', { name }),
    getPin: (key) => client.call('getPin', { key }),
    upsertPin: async (input) => {
      const { status, body } = await client.send<PinView>('upsertPin', { body: input });
      return { pin: body, created: status === 201 };
    },
    listPins: (query) =>
      client.call('listPins', { query: { prefix: query.prefix, limit: query.limit, cursor: query.cursor } }),
  };
}
