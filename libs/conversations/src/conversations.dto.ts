import { z } from 'zod';
import { apiSchema, isoDateTime, scopeIdSchema, tenantIdSchema } from '@engram/common';
import { MAX_LIST_LIMIT, memoryListViewSchema, namespaceNameSchema } from '@engram/memories';

export const MESSAGE_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];
/** Messages per request: a chat exchange, or a backfill in pages of this size. */
export const MAX_MESSAGES = 500;

export const messageSchema = z.strictObject({
  role: z.enum(MESSAGE_ROLES),
  content: z.string().min(1),
  name: z.string().min(1).max(256).optional().describe('the speaker (a user name, a tool name)'),
  occurred_at: isoDateTime().optional().describe('when it was said; default: when it is stored'),
  id: z
    .string()
    .regex(/^[^\u0000-\u001f\u007f]{1,256}$/, 'must be 1..256 characters without control characters')
    .optional()
    .describe(
      "the client's message id: the message's idempotency key in the namespace (default: the session and its index)",
    ),
});
export type MessageInput = z.infer<typeof messageSchema>;

/**
 * The array bounds (empty, too many) are checked before this schema, with their own codes
 * (conversations.controller.ts), so `messages` here only says what a message is.
 */
export const ingestConversationSchema = z
  .strictObject({
    tenant_id: tenantIdSchema.optional(),
    namespace: namespaceNameSchema,
    create_namespace: z
      .boolean()
      .optional()
      .describe('true: create the namespace (default settings) if it does not exist, in the same transaction'),
    user_id: scopeIdSchema.optional(),
    agent_id: scopeIdSchema.optional(),
    session_id: scopeIdSchema
      .optional()
      .describe('the conversation; default: a new one (returned). Retries must repeat it, or give message ids'),
    start_index: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .default(0)
      .describe(
        'the session position of the first message (for exchanges sent one by one); keys are (session, position)',
      ),
    messages: z.array(messageSchema).min(1).max(MAX_MESSAGES),
    extract: z
      .boolean()
      .default(false)
      .describe(
        'true: also extract facts from the messages this request stores, in a job (extraction.job_id; GET /api/v1/jobs/{id})',
      ),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.messages.forEach((message, index) => {
      if (message.id !== undefined) {
        if (seen.has(message.id)) {
          ctx.addIssue({ code: 'custom', path: ['messages', index, 'id'], message: `id ${message.id} is given twice` });
        }
        seen.add(message.id);
      }
    });
  });
export type IngestConversationInput = z.infer<typeof ingestConversationSchema>;

export const sessionIdParamSchema = scopeIdSchema;

export const sessionQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  namespace: namespaceNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(100),
  cursor: z.string().max(1024).optional(),
});
export type SessionQuery = z.infer<typeof sessionQuerySchema>;

export const EXTRACTION_STATUSES = ['not_requested', 'queued', 'nothing_new'] as const;

export const ingestedMessageViewSchema = apiSchema(
  'IngestedMessage',
  z.object({
    id: z.uuid().describe('the memory that holds the message'),
    index: z.number().int().describe('its position in the session'),
    role: z.enum(MESSAGE_ROLES),
    duplicate: z.boolean().describe('true: stored by an earlier request (a retry); this is that memory'),
  }),
);

export const ingestedConversationViewSchema = apiSchema(
  'IngestedConversation',
  z.object({
    namespace: z.string(),
    session_id: z.string(),
    messages: z.array(ingestedMessageViewSchema).describe('in request order'),
    created: z.number().int(),
    duplicates: z.number().int(),
    extraction: z.object({
      status: z
        .enum(EXTRACTION_STATUSES)
        .describe(
          'not_requested: extract was not true; queued: a job extracts facts from the new messages; nothing_new: every message was stored before (a retry), nothing is queued',
        ),
      job_id: z.uuid().optional().describe('when queued: GET /api/v1/jobs/{id}'),
    }),
  }),
);
export type IngestedConversationView = z.infer<typeof ingestedConversationViewSchema>;

export const conversationViewSchema = apiSchema(
  'Conversation',
  memoryListViewSchema.extend({ session_id: z.string() }).describe("a session's messages, oldest first"),
);
export type ConversationView = z.infer<typeof conversationViewSchema>;
