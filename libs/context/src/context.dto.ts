import { z } from 'zod';
import { tenantIdSchema } from '@engram/common';
import { MEMORY_TYPES, namespaceNameSchema } from '@engram/memories';

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
});
export type ContextInput = z.infer<typeof contextSchema>;
