import { z } from 'zod';
import { MAX_TTL_SECONDS, findUnstorableInput, isoDateTime, tenantIdSchema } from '@engram/common';

export const MEMORY_TYPES = ['semantic', 'episodic', 'working', 'procedural'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];
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
const metadataSchema = z.record(z.string().max(128), z.json());

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

const memoryFields = {
  content: z.string().min(1),
  type: z.enum(MEMORY_TYPES).default('semantic'),
  metadata: metadataSchema.optional(),
  tags: z.array(tagSchema).max(64).optional(),
  importance: importanceSchema.optional(),
  source: z.string().max(256).optional(),
  ttl_seconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional().describe('0 or absent: never expires'),
  relations: relationListSchema.optional(),
};

export const createMemorySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  namespace: namespaceNameSchema,
  ...memoryFields,
});
export type CreateMemoryInput = z.infer<typeof createMemorySchema>;
export const memoryItemSchema = z.strictObject(memoryFields);
export type MemoryItemInput = z.infer<typeof memoryItemSchema>;

export const batchCreateSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  namespace: namespaceNameSchema,
  memories: z.array(memoryItemSchema).min(1).max(MAX_BATCH),
});
export type BatchCreateInput = z.infer<typeof batchCreateSchema>;

export const updateMemorySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  content: z.string().min(1).optional(),
  type: z.enum(MEMORY_TYPES).optional(),
  metadata: metadataSchema.optional(),
  tags: z.array(tagSchema).max(64).optional(),
  importance: importanceSchema.optional(),
  source: z.string().max(256).nullable().optional(),
  ttl_seconds: z.number().int().min(0).max(MAX_TTL_SECONDS).optional(),
});
export type UpdateMemoryInput = z.infer<typeof updateMemorySchema>;

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((value) => value.split(',').filter((part) => part.length > 0))
    .pipe(z.array(item).max(64));

/** Filters shared by list, search and context. Tags match all of those given. */
export const memoryFiltersSchema = z.strictObject({
  types: z.array(z.enum(MEMORY_TYPES)).max(4).optional(),
  tags: z.array(tagSchema).max(64).optional(),
  metadata: metadataSchema.optional().describe('containment: memories whose metadata includes these keys and values'),
  created_after: isoDateTime().optional(),
  created_before: isoDateTime().optional(),
  updated_after: isoDateTime().optional(),
  updated_before: isoDateTime().optional(),
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

export interface ProvenanceView {
  source: string | null;
  actor: string | null;
  created_by_key: string | null;
}

export interface MemoryView {
  id: string;
  tenant_id: string;
  namespace: string;
  content: string;
  type: MemoryType;
  metadata: Record<string, unknown>;
  tags: string[];
  importance: number;
  provenance: ProvenanceView;
  embedding_status: 'pending' | 'ready' | 'failed';
  access_count: number;
  last_accessed_at: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CreatedMemoryView extends MemoryView {
  duplicate: boolean;
}

export interface MemoryListView {
  memories: MemoryView[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface RelatedView {
  memory: MemoryView;
  depth: number;
  weight: number;
  relation: string;
}

export interface NamespaceView {
  tenant_id: string;
  name: string;
  id: string;
  description: string | null;
  default_token_budget: number;
  embedding_model: string;
  pending_embedding_model: string | null;
  retention_days: number | null;
  memory_count: number;
  created_at: string;
  updated_at: string;
}
