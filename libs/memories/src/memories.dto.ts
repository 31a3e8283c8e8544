import { z } from 'zod';
import {
  MAX_TTL_SECONDS,
  apiSchema,
  cursorPageFields,
  findUnstorableInput,
  isoDateTime,
  jsonValueSchema,
  scopeIdSchema,
  tenantIdSchema,
  timestampSchema,
} from '@engram/common';

export const MEMORY_TYPES = ['semantic', 'episodic', 'working', 'procedural'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];
export const MEMORY_STATES = ['active', 'superseded'] as const;
export type MemoryState = (typeof MEMORY_STATES)[number];
/** What a version row says happened (migration 0031). */
export const MEMORY_CHANGES = ['create', 'update', 'superseded', 'baseline', 'import'] as const;
/**
 * Why a change was made, recorded with its version: `api` (a client's request), `extraction`,
 * `rule`, `import`, or another feature's own lower-case name.
 */
export type ChangeReason = 'api' | 'extraction' | 'rule' | 'import' | (string & {});
export const CHANGE_REASON_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
export const MAX_BATCH = 1000;
export const MAX_LIST_LIMIT = 200;
/** Weights are stored as `real`: below ~1e-38 Postgres refuses them, and so tiny a weight means nothing. */
export const MIN_RELATION_WEIGHT = 1e-6;

/** Importance is stored as `real`: a positive value below 1e-6 would underflow, so it must be 0 or more. */
const MIN_POSITIVE_IMPORTANCE = 1e-6;
const importanceSchema = z
  .number()
  .min(0)
  .max(1)
  .refine((value) => value === 0 || value >= MIN_POSITIVE_IMPORTANCE, 'must be 0 or between 0.000001 and 1');

export const namespaceNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9:_.-]{0,127}$/,
    'must be 1..128 characters of A-Z a-z 0-9 : _ . -, starting with a letter or digit',
  );
export const relationNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_:-]{0,63}$/, 'must be 1..64 characters of a-z 0-9 _ : -');
export const memoryIdSchema = z.uuid();
const tagSchema = z.string().min(1).max(64);
const metadataSchema = z.record(z.string().max(128), jsonValueSchema);

export const relationInputSchema = z.strictObject({
  to: memoryIdSchema,
  relation: relationNameSchema,
  weight: z.number().min(MIN_RELATION_WEIGHT).max(1).default(1),
});

/** One edge per (to, relation) from a memory: the same one twice in a request is ambiguous. */
const relationListSchema = z
  .array(relationInputSchema)
  .max(100)
  .superRefine((relations, ctx) => {
    const seen = new Set<string>();
    relations.forEach((relation, index) => {
      const edge = `${relation.to}\u0000${relation.relation}`;
      if (seen.has(edge)) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `relation ${relation.relation} to ${relation.to} is given more than once`,
        });
      }
      seen.add(edge);
    });
  });

/** Who a memory is about. A credential bound to a user / agent forces its own (403 scope_mismatch for another). */
function scopeFields() {
  return {
    user_id: scopeIdSchema.optional().describe('the user this memory belongs to'),
    agent_id: scopeIdSchema.optional().describe('the agent that wrote it or that it is for'),
    session_id: scopeIdSchema.optional().describe('the session (conversation, run) it comes from'),
  };
}

const memoryFields = {
  content: z.string().min(1),
  type: z.enum(MEMORY_TYPES).default('semantic'),
  metadata: metadataSchema.optional(),
  tags: z.array(tagSchema).max(64).optional(),
  importance: importanceSchema.optional(),
  source: z.string().max(256).optional(),
  ttl_seconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional().describe('0 or absent: never expires'),
  relations: relationListSchema.optional(),
  ...scopeFields(),
  occurred_at: isoDateTime().optional().describe('when the event happened; default: when it is stored (created_at)'),
  supersedes: memoryIdSchema
    .optional()
    .describe(
      'supersede this active memory of the same namespace, atomically with the write (the new content must not already be stored)',
    ),
};

/** Writes never create a namespace by accident: an unknown one is 404 unless the request opts in. */
const createNamespaceFlag = z
  .boolean()
  .optional()
  .describe(
    'true: create the namespace (default settings) if it does not exist, in the same transaction as the write; otherwise an unknown namespace is 404 namespace_not_found',
  );

export const createMemorySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  namespace: namespaceNameSchema,
  create_namespace: createNamespaceFlag,
  ...memoryFields,
});
export type CreateMemoryInput = z.infer<typeof createMemorySchema>;
export const memoryItemSchema = z.strictObject(memoryFields);
export type MemoryItemInput = z.infer<typeof memoryItemSchema>;

export const batchCreateSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  namespace: namespaceNameSchema,
  create_namespace: createNamespaceFlag,
  memories: z
    .array(memoryItemSchema)
    .min(1)
    .max(MAX_BATCH)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, index) => {
        if (item.supersedes !== undefined && seen.has(item.supersedes)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'supersedes'],
            message: `memory ${item.supersedes} is superseded by more than one item`,
          });
        }
        if (item.supersedes !== undefined) {
          seen.add(item.supersedes);
        }
      });
    }),
});
export type BatchCreateInput = z.infer<typeof batchCreateSchema>;

export const updateMemorySchema = z
  .strictObject({
    tenant_id: tenantIdSchema.optional(),
    namespace: namespaceNameSchema
      .optional()
      .describe("moves the memory into this namespace, re-embedded with that namespace's model"),
    create_namespace: createNamespaceFlag,
    content: z.string().min(1).optional(),
    type: z.enum(MEMORY_TYPES).optional(),
    metadata: metadataSchema.optional(),
    tags: z.array(tagSchema).max(64).optional(),
    importance: importanceSchema.optional(),
    source: z.string().max(256).nullable().optional(),
    ttl_seconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional(),
    user_id: scopeIdSchema.nullable().optional(),
    agent_id: scopeIdSchema.nullable().optional(),
    session_id: scopeIdSchema.nullable().optional(),
    occurred_at: isoDateTime().nullable().optional().describe('null: back to created_at'),
  })
  .refine((input) => input.create_namespace === undefined || input.namespace !== undefined, {
    message: 'only with namespace',
    path: ['create_namespace'],
  });
export type UpdateMemoryInput = z.infer<typeof updateMemorySchema>;

/** An instant in the past (or now): memories as they stood then (docs/memories.md "as_of"). */
export const asOfSchema = isoDateTime().describe(
  'ISO timestamp: the memories as they stood then (content, namespace, tags… and state as of that time)',
);

export const supersedeMemorySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  content: z.string().min(1),
  type: z.enum(MEMORY_TYPES).optional().describe("default: the superseded memory's"),
  metadata: metadataSchema.optional().describe("default: the superseded memory's"),
  tags: z.array(tagSchema).max(64).optional().describe("default: the superseded memory's"),
  importance: importanceSchema.optional().describe("default: the superseded memory's"),
  source: z.string().max(256).optional().describe("default: the superseded memory's"),
  ttl_seconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional().describe('0 or absent: never expires'),
  relations: relationListSchema.optional(),
});
export type SupersedeMemoryInput = z.infer<typeof supersedeMemorySchema>;

export const historyQuerySchema = z.strictObject({ tenant_id: tenantIdSchema.optional() });

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((value) => value.split(',').filter((part) => part.length > 0))
    .pipe(z.array(item).max(64));

/** Scope and event-time filters, shared by list, search and context (applied inside search's candidate SQL). */
export function scopeFilterFields() {
  return {
    user_id: scopeIdSchema.optional(),
    agent_id: scopeIdSchema.optional(),
    session_id: scopeIdSchema.optional(),
    occurred_after: isoDateTime().optional().describe('occurred_at (default created_at) after this instant'),
    occurred_before: isoDateTime().optional().describe('occurred_at (default created_at) before this instant'),
  };
}

/** Filters shared by list, search and context. Tags match all of those given. */
export const memoryFiltersSchema = z.strictObject({
  types: z.array(z.enum(MEMORY_TYPES)).max(4).optional(),
  tags: z.array(tagSchema).max(64).optional(),
  metadata: metadataSchema.optional().describe('containment: memories whose metadata includes these keys and values'),
  created_after: isoDateTime().optional(),
  created_before: isoDateTime().optional(),
  updated_after: isoDateTime().optional(),
  updated_before: isoDateTime().optional(),
  ...scopeFilterFields(),
});
export type MemoryFilters = z.infer<typeof memoryFiltersSchema>;

export const listMemoriesQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  namespace: namespaceNameSchema.optional(),
  type: csv(z.enum(MEMORY_TYPES)).optional(),
  tags: csv(tagSchema).optional(),
  metadata: z
    .string()
    .max(4096)
    .transform((value, ctx) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
      // Escapes (\u0000, a lone \ud800) and nesting appear only now, after the check on the raw query.
      const unstorable = findUnstorableInput(parsed);
      if (unstorable) {
        ctx.addIssue({ code: 'custom', message: unstorable.message });
        return z.NEVER;
      }
      return parsed;
    })
    .pipe(metadataSchema)
    .optional(),
  created_after: isoDateTime().optional(),
  created_before: isoDateTime().optional(),
  updated_after: isoDateTime().optional(),
  updated_before: isoDateTime().optional(),
  ...scopeFilterFields(),
  include_superseded: z.stringbool().optional().describe('true: superseded memories too (default: active only)'),
  as_of: asOfSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
  cursor: z.string().max(1024).optional(),
});
export type ListMemoriesQuery = z.infer<typeof listMemoriesQuerySchema>;

export const relatedQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  depth: z.coerce.number().int().min(1).max(5).default(1),
  relation: csv(relationNameSchema).optional(),
});
export type RelatedQuery = z.infer<typeof relatedQuerySchema>;

export const addRelationsSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  relations: relationListSchema.min(1),
});

export const createNamespaceSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  name: namespaceNameSchema,
  description: z.string().max(1024).optional(),
  default_token_budget: z.number().int().min(64).max(1_000_000).optional(),
  embedding_model: z.string().max(128).optional(),
  retention_days: z.number().int().min(1).max(36500).nullable().optional(),
});
export type CreateNamespaceInput = z.infer<typeof createNamespaceSchema>;

export const updateNamespaceSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  description: z.string().max(1024).nullable().optional(),
  default_token_budget: z.number().int().min(64).max(1_000_000).optional(),
  embedding_model: z
    .string()
    .max(128)
    .optional()
    .describe('a different model starts a re-embed job; search keeps the old vectors until it completes'),
  retention_days: z.number().int().min(1).max(36500).nullable().optional(),
});
export type UpdateNamespaceInput = z.infer<typeof updateNamespaceSchema>;

export const provenanceViewSchema = apiSchema(
  'Provenance',
  z.object({
    source: z.string().nullable(),
    actor: z.string().nullable().describe("who wrote it: the credential's actor"),
    created_by_key: z.string().nullable().describe('the id of the API key that wrote it, if one did'),
  }),
);
export type ProvenanceView = z.infer<typeof provenanceViewSchema>;

export const EMBEDDING_STATUSES = ['pending', 'ready', 'failed'] as const;

export const memoryViewSchema = apiSchema(
  'Memory',
  z.object({
    id: z.uuid(),
    tenant_id: z.string(),
    namespace: z.string(),
    content: z.string(),
    type: z.enum(MEMORY_TYPES),
    metadata: z.record(z.string(), jsonValueSchema),
    tags: z.array(z.string()),
    importance: z.number(),
    provenance: provenanceViewSchema,
    embedding_status: z
      .enum(EMBEDDING_STATUSES)
      .describe('searchable by text at once, by meaning once ready; failed after the last retry'),
    access_count: z.number().int(),
    last_accessed_at: timestampSchema().nullable(),
    expires_at: timestampSchema().nullable(),
    created_at: timestampSchema(),
    updated_at: timestampSchema(),
    user_id: z.string().nullable(),
    agent_id: z.string().nullable(),
    session_id: z.string().nullable(),
    occurred_at: timestampSchema().describe('when the event happened (created_at unless given)'),
    state: z.enum(MEMORY_STATES).describe('superseded memories are left out of search, context and list by default'),
    superseded_by: z.uuid().nullable().describe('the memory that superseded this one (null once that one is deleted)'),
    superseded_at: timestampSchema().nullable(),
    supersedes: z.uuid().nullable().describe('the memory this one superseded'),
  }),
);
export type MemoryView = z.infer<typeof memoryViewSchema>;

export const supersedeResultViewSchema = apiSchema(
  'SupersedeResult',
  z.object({
    memory: memoryViewSchema.describe('the new, active memory (supersedes names the old one)'),
    superseded: memoryViewSchema.describe('the old memory, now superseded (superseded_by names the new one)'),
  }),
);
export type SupersedeResultView = z.infer<typeof supersedeResultViewSchema>;

export const memoryVersionViewSchema = apiSchema(
  'MemoryVersion',
  z.object({
    version: z.number().int().describe('1 for the first'),
    at: timestampSchema().describe('when this version became the memory'),
    change: z
      .enum(MEMORY_CHANGES)
      .describe(
        'create; update (PATCH, or another feature changing it); superseded; baseline (stored before versions were kept); import',
      ),
    reason: z.string().describe('api, extraction, rule, import, …'),
    actor: z.string().nullable(),
    key_id: z.string().nullable(),
    namespace: z.string(),
    content: z.string(),
    type: z.enum(MEMORY_TYPES),
    metadata: z.record(z.string(), jsonValueSchema),
    tags: z.array(z.string()),
    importance: z.number(),
    source: z.string().nullable(),
    expires_at: timestampSchema().nullable(),
    state: z.enum(MEMORY_STATES),
    superseded_by: z.uuid().nullable(),
    supersedes: z.uuid().nullable(),
  }),
);
export type MemoryVersionView = z.infer<typeof memoryVersionViewSchema>;

export const memoryHistoryViewSchema = apiSchema(
  'MemoryHistory',
  z.object({ memory_id: z.uuid(), versions: z.array(memoryVersionViewSchema).describe('oldest first') }),
);
export type MemoryHistoryView = z.infer<typeof memoryHistoryViewSchema>;

export const createdMemoryViewSchema = apiSchema(
  'CreatedMemory',
  memoryViewSchema.extend({
    duplicate: z.boolean().describe('true: the same content already existed in the namespace; this is that memory'),
  }),
);
export type CreatedMemoryView = z.infer<typeof createdMemoryViewSchema>;

export const batchResultViewSchema = apiSchema(
  'MemoryBatchResult',
  z.object({
    memories: z.array(createdMemoryViewSchema).describe('in request order'),
    created: z.number().int(),
    duplicates: z.number().int(),
  }),
);
export type BatchResultView = z.infer<typeof batchResultViewSchema>;

export const memoryListViewSchema = apiSchema(
  'MemoryList',
  z.object({ memories: z.array(memoryViewSchema), ...cursorPageFields }),
);
export type MemoryListView = z.infer<typeof memoryListViewSchema>;

export const relatedViewSchema = apiSchema(
  'RelatedMemory',
  z.object({
    memory: memoryViewSchema,
    depth: z.number().int(),
    weight: z.number(),
    relation: z.string(),
  }),
);
export type RelatedView = z.infer<typeof relatedViewSchema>;

export const relatedListViewSchema = apiSchema(
  'RelatedMemories',
  z.object({ related: z.array(relatedViewSchema).describe('nearest first') }),
);
export type RelatedListView = z.infer<typeof relatedListViewSchema>;

export const namespaceViewSchema = apiSchema(
  'Namespace',
  z.object({
    tenant_id: z.string(),
    name: z.string(),
    id: z.uuid(),
    description: z.string().nullable(),
    default_token_budget: z.number().int(),
    embedding_model: z.string(),
    pending_embedding_model: z.string().nullable().describe('set while a re-embed to another model runs'),
    retention_days: z.number().int().nullable(),
    memory_count: z.number().int(),
    created_at: timestampSchema(),
    updated_at: timestampSchema(),
  }),
);
export type NamespaceView = z.infer<typeof namespaceViewSchema>;

export const namespaceListViewSchema = apiSchema(
  'NamespaceList',
  z.object({ namespaces: z.array(namespaceViewSchema).describe('by name') }),
);
export type NamespaceListView = z.infer<typeof namespaceListViewSchema>;
