import { z } from 'zod';
import { apiSchema } from '@engram/common';

/**
 * What the proxy checks of a chat completion request: `model` and a non-empty `messages` list
 * whose items have a role. Everything else is the upstream's business and is forwarded as sent
 * (loose objects keep unknown fields).
 */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  messages: z
    .array(z.looseObject({ role: z.string().min(1).max(64) }))
    .min(1)
    .max(10_000),
  stream: z.boolean().optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** OpenAI-shaped, described loosely: the upstream's answer passes through unchanged. */
export const chatCompletionSchema = apiSchema(
  'ChatCompletion',
  z.looseObject({
    id: z.string().optional(),
    object: z.string().optional().describe('chat.completion'),
    model: z.string().optional(),
    choices: z.array(z.looseObject({})).optional(),
    usage: z.looseObject({}).optional(),
  }),
  "the upstream's chat completion, unchanged (with stream: true, its text/event-stream chunk for chunk)",
);

export const modelListSchema = apiSchema(
  'ModelList',
  z.looseObject({
    object: z.string().optional().describe('list'),
    data: z.array(z.looseObject({ id: z.string().optional() })).optional(),
  }),
  "the upstream's model list, unchanged",
);
