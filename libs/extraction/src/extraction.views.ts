import { z } from 'zod';
import { apiSchema, tenantIdSchema, timestampSchema } from '@engram/common';
import { memoryIdSchema, namespaceNameSchema } from '@engram/memories';
import { FACT_KINDS } from './extraction.dto';

/** Most messages one extraction reads: a long exchange, not a whole history. */
export const MAX_EXTRACTION_MESSAGES = 100;

export const requestExtractionSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  namespace: namespaceNameSchema,
  message_ids: z
    .array(memoryIdSchema)
    .min(1)
    .max(MAX_EXTRACTION_MESSAGES)
    .refine((ids) => new Set(ids).size === ids.length, 'each message once')
    .describe('stored messages (memories) of the namespace, in conversation order'),
});
export type RequestExtractionInput = z.infer<typeof requestExtractionSchema>;

export const jobIdParamSchema = z.uuid();

export const extractionDecisionViewSchema = apiSchema(
  'ExtractionDecision',
  z.object({
    action: z.enum(['add', 'update', 'supersede', 'none']),
    kind: z.enum(FACT_KINDS),
    key: z.string().nullable().describe('the slot the fact fills (user.location), if it fills one'),
    memory_id: z.uuid().nullable().describe('the memory written (add, update, supersede) or matched (none)'),
  }),
);

export const extractionViewSchema = apiSchema(
  'ExtractionJob',
  z.object({
    id: z.uuid(),
    type: z.literal('extraction'),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    namespace: z.string(),
    message_ids: z.array(z.uuid()),
    extractor: z.enum(['llm', 'offline']),
    attempts: z.number().int(),
    error: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .describe('why the last attempt failed; on a queued job, the next attempt is pending'),
    decisions: z.array(extractionDecisionViewSchema).describe('one per extracted fact, once succeeded'),
    created_at: timestampSchema(),
    updated_at: timestampSchema(),
    finished_at: timestampSchema().nullable(),
  }),
);
export type ExtractionView = z.infer<typeof extractionViewSchema>;
