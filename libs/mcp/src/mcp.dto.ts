import { z } from 'zod';
import { contextSchema } from '@engram/context';
import {
  MAX_LIST_LIMIT as MAX_MEMORY_LIST_LIMIT,
  addRelationsSchema,
  asOfSchema,
  createMemorySchema,
  supersedeMemorySchema,
  memoryFiltersSchema,
  memoryIdSchema,
  namespaceNameSchema,
  updateMemorySchema,
} from '@engram/memories';
import { listPinsQuerySchema, pinKeySchema, upsertPinSchema } from '@engram/pins';
import { searchSchema } from '@engram/search';

/**
 * Tool inputs, from the routes' own schemas: a tool whose route takes a body validates its
 * arguments with that body's schema (the same rules, defaults and error codes), path parameters
 * (`id`) added beside. Over MCP the tenant comes from the connection, so `tenant_id` is refused
 * as an argument and left out of the advertised JSON Schema.
 */
const noTenant = z
  .never({ error: 'the tenant comes from the connection (the credential, or tenant_id on the /mcp URL)' })
  .optional();

export const rememberInputSchema = createMemorySchema.safeExtend({ tenant_id: noTenant });
export const recallInputSchema = searchSchema.safeExtend({ tenant_id: noTenant });
export const getContextInputSchema = contextSchema.safeExtend({ tenant_id: noTenant });
export const updateMemoryInputSchema = updateMemorySchema.safeExtend({
  id: memoryIdSchema.describe('the memory to change'),
  tenant_id: noTenant,
});
export const supersedeMemoryInputSchema = supersedeMemorySchema.safeExtend({
  id: memoryIdSchema.describe('the memory to supersede (it must be active)'),
  tenant_id: noTenant,
});
export const memoryHistoryInputSchema = z.strictObject({ id: memoryIdSchema.describe('the memory') });
export const relateInputSchema = addRelationsSchema.safeExtend({
  id: memoryIdSchema.describe('the memory the edges start from'),
  tenant_id: noTenant,
});
export const pinGetInputSchema = z.strictObject({ key: pinKeySchema });
export const pinSetInputSchema = upsertPinSchema.safeExtend({ tenant_id: noTenant });
export const pinListInputSchema = listPinsQuerySchema.safeExtend({ tenant_id: noTenant });

/** The list route's filters as JSON (arrays and an object, not the query string's comma lists). */
const listFields = {
  namespace: namespaceNameSchema.optional().describe('only this namespace (default: every namespace)'),
  ...memoryFiltersSchema.shape,
};

export const listMemoriesInputSchema = z.strictObject({
  ...listFields,
  include_superseded: z.boolean().optional().describe('true: superseded memories too (default: active only)'),
  as_of: asOfSchema.optional(),
  limit: z.number().int().min(1).max(MAX_MEMORY_LIST_LIMIT).default(20),
  cursor: z.string().max(1024).optional().describe("the previous page's next_cursor"),
});
export type ListMemoriesInput = z.infer<typeof listMemoriesInputSchema>;

const forgetFilterSchema = z
  .strictObject(listFields)
  .refine((filter) => Object.values(filter).some((value) => value !== undefined), {
    message: 'name at least one of namespace, types, tags, metadata or a date bound',
  });
export type ForgetFilter = z.infer<typeof forgetFilterSchema>;

export const forgetInputSchema = z
  .strictObject({
    id: memoryIdSchema.optional().describe('one memory to delete'),
    filter: forgetFilterSchema.optional().describe('the memories to delete: every one matching all criteria'),
    dry_run: z
      .boolean()
      .optional()
      .describe('true: list what would be deleted and delete nothing. Default: true with filter, false with id'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_MEMORY_LIST_LIMIT)
      .default(100)
      .describe('with filter: at most this many per call, newest first; has_more says whether more match'),
  })
  .refine((input) => (input.id === undefined) !== (input.filter === undefined), {
    message: 'give exactly one of id and filter',
    path: ['id'],
  });
export type ForgetInput = z.infer<typeof forgetInputSchema>;

/**
 * Prompt arguments are strings (MCP prompts take no other type): these are read first, then the
 * operation's own schema checks the values.
 */
export const promptArgumentsSchema = z.record(z.string(), z.string());
