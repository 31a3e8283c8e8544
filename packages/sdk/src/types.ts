import type { components, operations } from './openapi.js';

/** Names for the generated OpenAPI types (src/openapi.ts), as the SDK's methods take and return them. */
type Schemas = components['schemas'];
type JsonBody<O extends keyof operations> = operations[O] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;
type QueryOf<O extends keyof operations> = operations[O] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;

export type JsonValue = Schemas['JsonValue'];
export type ApiErrorBody = Schemas['Error'];

export type Pin = Schemas['Pin'];
export type PinList = Schemas['PinList'];
export type PinCleanup = Schemas['PinCleanup'];
export type UpsertPinInput = JsonBody<'PinsController_upsert'>;
export type ListPinsQuery = QueryOf<'PinsController_list'>;

export type Namespace = Schemas['Namespace'];
export type NamespaceList = Schemas['NamespaceList'];
export type CreateNamespaceInput = JsonBody<'NamespacesController_create'>;
export type UpdateNamespaceInput = JsonBody<'NamespacesController_update'>;

export type Memory = Schemas['Memory'];
export type CreatedMemory = Schemas['CreatedMemory'];
export type MemoryList = Schemas['MemoryList'];
export type MemoryBatchResult = Schemas['MemoryBatchResult'];
export type MemoryType = Memory['type'];
export type RelatedMemories = Schemas['RelatedMemories'];
export type CreateMemoryInput = JsonBody<'MemoriesController_create'>;
export type CreateMemoryBatchInput = JsonBody<'MemoriesController_createBatch'>;
export type UpdateMemoryInput = JsonBody<'MemoriesController_update'>;
export type RelateMemoriesInput = JsonBody<'MemoriesController_relate'>;
export type SupersedeMemoryInput = JsonBody<'MemoriesController_supersede'>;
export type SupersedeResult = Schemas['SupersedeResult'];
export type MemoryHistory = Schemas['MemoryHistory'];
export type MemoryVersion = Schemas['MemoryVersion'];
export type RelatedMemoriesQuery = QueryOf<'MemoriesController_related'>;
/** The list filters as values; the SDK writes them as the query string wants (comma lists, JSON). */
export interface ListMemoriesQuery {
  namespace?: string;
  type?: MemoryType | MemoryType[];
  tags?: string[];
  /** Containment: memories whose metadata includes these keys and values. */
  metadata?: Record<string, JsonValue>;
  created_after?: string;
  created_before?: string;
  updated_after?: string;
  updated_before?: string;
  /** true: superseded memories too (default: active only). */
  include_superseded?: boolean;
  /** ISO timestamp: the memories as they stood then. */
  as_of?: string;
  limit?: number;
  cursor?: string;
}

export type IngestConversationInput = JsonBody<'ConversationsController_ingest'>;
export type IngestedConversation = Schemas['IngestedConversation'];
export type Conversation = Schemas['Conversation'];
export type ConversationQuery = QueryOf<'ConversationsController_session'>;
export type RequestExtractionInput = JsonBody<'ExtractionController_request'>;
export type ExtractionJob = Schemas['ExtractionJob'];

export type SearchInput = JsonBody<'SearchController_run'>;
export type SearchResults = Schemas['SearchResults'];
export type SearchResult = Schemas['SearchResult'];

export type ContextInput = JsonBody<'ContextController_assemble'>;
export type AssembledContext = Schemas['AssembledContext'];
export type ContextBlock = Schemas['ContextBlock'];

export type Tenant = Schemas['Tenant'];
export type TenantList = Schemas['TenantList'];
export type TenantUsage = Schemas['TenantUsage'];
export type Quotas = Schemas['Quotas'];
export type CreateTenantInput = JsonBody<'TenantsController_create'>;
export type UpdateTenantInput = JsonBody<'TenantsController_update'>;
export type ListTenantsQuery = QueryOf<'TenantsController_list'>;

export type ApiKey = Schemas['ApiKey'];
export type ApiKeyList = Schemas['ApiKeyList'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type CreateApiKeyInput = JsonBody<'ApiKeysController_create'>;

export type Liveness = Schemas['Liveness'];
export type Readiness = Schemas['Readiness'];
