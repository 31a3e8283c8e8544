import { z } from 'zod';
import { apiSchema, tenantIdSchema } from '@engram/common';
import { MEMORY_TYPES, asOfSchema, namespaceNameSchema, scopeFilterFields } from '@engram/memories';
import { relativeTimeSchema } from '@engram/search';
import { ZONES } from './context-assembler';
import { CONTEXT_FORMATS } from './context-render';

/** Why a context came back degraded (fail-open); a short fixed set, safe as a metrics label. */
export const DEGRADED_REASONS = ['database_unavailable', 'cache_and_database_unavailable'] as const;
export type DegradedReason = (typeof DEGRADED_REASONS)[number];

export const contextSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  query: z.string().min(1).max(4096),
  namespace: namespaceNameSchema,
  token_budget: z
    .number()
    .int()
    .min(64)
    .max(200_000)
    .optional()
    .describe("default: the namespace's default_token_budget (4000)"),
  system_prompt: z
    .string()
    .max(256 * 1024)
    .optional()
    .describe('counts against the budget'),
  pin_prefixes: z
    .array(z.string().regex(/^[A-Za-z0-9:_\-./]{1,256}$/, 'must be 1..256 characters of A-Z a-z 0-9 : _ - . /'))
    .max(20)
    .optional(),
  types: z.array(z.enum(MEMORY_TYPES)).max(4).optional(),
  k: z.number().int().min(1).max(200).default(50).describe('memories considered'),
  ...scopeFilterFields(),
  relative_time: relativeTimeSchema,
  format: z
    .enum(CONTEXT_FORMATS)
    .default('xml')
    .describe('how text is written: xml (default, one line per memory), markdown or json; all frame entries as data'),
  include_superseded: z.boolean().default(false).describe('true: superseded memories may be packed too'),
  as_of: asOfSchema
    .optional()
    .describe(
      'answer as the memories stood then, recency measured from it (default: now); the same memories, request and as_of give the same bytes',
    ),
  fail_open: z
    .boolean()
    .optional()
    .describe(
      'when the database cannot be reached, answer 200 with an empty context marked degraded instead of 503 ' +
        '(also on for every caller with the flag memory_fail_open_override); see docs/cache.md',
    ),
});
export type ContextInput = z.infer<typeof contextSchema>;

const zoneSchema = z.enum(ZONES);
const zoneBudgetSchema = z.object({ budget: z.number().int(), used: z.number().int() });

export const contextBlockSchema = apiSchema(
  'ContextBlock',
  z.object({
    zone: zoneSchema,
    ref: z.number().int().optional().describe('for a memory: the [n] that marks it in text'),
    memory_id: z.uuid().nullable().describe('null for a pin'),
    pin_key: z.string().optional().describe('for a pin'),
    superseded_by: z
      .uuid()
      .nullable()
      .optional()
      .describe('for a superseded memory (only with include_superseded): its successor'),
    supersedes: z.uuid().nullable().optional().describe('for a memory that superseded another: that one'),
    content: z.string(),
    score: z.number(),
    tokens: z.number().int(),
  }),
);
export type ContextBlock = z.infer<typeof contextBlockSchema>;

export const assembledContextSchema = apiSchema(
  'AssembledContext',
  z.object({
    text: z.string().describe('the blocks rendered for a prompt, framed as data'),
    format: z.enum(CONTEXT_FORMATS),
    blocks: z.array(contextBlockSchema).describe('in the order of text'),
    tokens_used: z.number().int(),
    zones: z.object({ critical: zoneBudgetSchema, middle: zoneBudgetSchema, recency: zoneBudgetSchema }),
    considered: z.number().int().describe('memories and pins that were candidates'),
    skipped: z.array(
      z.object({
        memory_id: z.uuid().nullable(),
        pin_key: z.string().optional(),
        reason: z.literal('budget'),
      }),
    ),
    degraded: z
      .literal(true)
      .optional()
      .describe('present only on a fail-open answer: the context is empty because its sources could not be read'),
    degraded_reason: z
      .enum(DEGRADED_REASONS)
      .optional()
      .describe('with degraded: database_unavailable, or cache_and_database_unavailable when the cache failed too'),
  }),
);
export type AssembledContext = z.infer<typeof assembledContextSchema>;
