import type { Permission } from '@engram/common';
import type { AssembledContext, ContextInput } from '@engram/context';
import type {
  CreateMemoryInput,
  CreatedMemoryView,
  ListMemoriesQuery,
  MemoryHistoryView,
  MemoryListView,
  MemoryView,
  SupersedeMemoryInput,
  SupersedeResultView,
  NamespaceListView,
  NamespaceView,
  UpdateMemoryInput,
} from '@engram/memories';
import type { ListPinsQuery, PinListView, PinView, UpsertPinInput, UpsertResult } from '@engram/pins';
import type { SearchInput, SearchView } from '@engram/search';

/** A route's parsed input without tenant_id: over MCP the tenant comes from the connection. */
export type Untenanted<T> = Omit<T, 'tenant_id'>;

export interface RelationInput {
  to: string;
  relation: string;
  weight: number;
}

/**
 * What MCP tools, resources and prompts can do: one method per REST route they stand for, taking
 * that route's parsed input. Two implementations: the Nest services in this process
 * (ServiceOperations: the /mcp route and the embedded `engram mcp`), and the REST API of another
 * Engram (httpOperations: `engram mcp` with ENGRAM_URL). Either way the route's own rules apply:
 * its permission, tenant binding, quotas, audit.
 */
export interface EngramOperations {
  createMemory(input: Untenanted<CreateMemoryInput>): Promise<CreatedMemoryView>;
  getMemory(id: string): Promise<MemoryView>;
  listMemories(query: Untenanted<ListMemoriesQuery>): Promise<MemoryListView>;
  updateMemory(id: string, input: Untenanted<UpdateMemoryInput>): Promise<MemoryView>;
  deleteMemory(id: string): Promise<void>;
  supersedeMemory(id: string, input: Untenanted<SupersedeMemoryInput>): Promise<SupersedeResultView>;
  memoryHistory(id: string): Promise<MemoryHistoryView>;
  addRelations(id: string, relations: RelationInput[]): Promise<void>;
  search(input: Untenanted<SearchInput>): Promise<SearchView>;
  context(input: Untenanted<ContextInput>): Promise<AssembledContext>;
  listNamespaces(): Promise<NamespaceListView>;
  getNamespace(name: string): Promise<NamespaceView>;
  getPin(key: string): Promise<PinView>;
  upsertPin(input: Untenanted<UpsertPinInput>): Promise<UpsertResult>;
  listPins(query: Untenanted<ListPinsQuery>): Promise<PinListView>;
}

export type OperationName = keyof EngramOperations;

export interface OperationRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** As Fastify registers it (`:id`, `*` for the pin key). */
  path: string;
  /** The permission that route declares; a test holds the two together. */
  permission: Permission;
}

const read = (resource: Permission['resource']): Permission => ({ resource, action: 'read' });
const write = (resource: Permission['resource']): Permission => ({ resource, action: 'write' });

/** The REST route behind each operation. */
export const OPERATION_ROUTES: Record<OperationName, OperationRoute> = {
  createMemory: { method: 'POST', path: '/api/v1/memories', permission: write('memory') },
  getMemory: { method: 'GET', path: '/api/v1/memories/:id', permission: read('memory') },
  listMemories: { method: 'GET', path: '/api/v1/memories', permission: read('memory') },
  updateMemory: { method: 'PATCH', path: '/api/v1/memories/:id', permission: write('memory') },
  deleteMemory: {
    method: 'DELETE',
    path: '/api/v1/memories/:id',
    permission: { resource: 'memory', action: 'delete' },
  },
  supersedeMemory: { method: 'POST', path: '/api/v1/memories/:id/supersede', permission: write('memory') },
  memoryHistory: { method: 'GET', path: '/api/v1/memories/:id/history', permission: read('memory') },
  addRelations: { method: 'POST', path: '/api/v1/memories/:id/relations', permission: write('memory') },
  search: { method: 'POST', path: '/api/v1/memories/search', permission: read('memory') },
  context: { method: 'POST', path: '/api/v1/context', permission: read('context') },
  listNamespaces: { method: 'GET', path: '/api/v1/namespaces', permission: read('memory') },
  getNamespace: { method: 'GET', path: '/api/v1/namespaces/:name', permission: read('memory') },
  getPin: { method: 'GET', path: '/api/v1/memory/pins/*', permission: read('memory_pin') },
  upsertPin: { method: 'POST', path: '/api/v1/memory/pins', permission: write('memory_pin') },
  listPins: { method: 'GET', path: '/api/v1/memory/pins', permission: read('memory_pin') },
};
