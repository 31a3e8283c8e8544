import { z } from 'zod';
import {
  MAX_TTL_SECONDS,
  apiSchema,
  cursorPageFields,
  jsonValueSchema,
  tenantIdSchema,
  timestampSchema,
} from '@engram/common';

/** Pin keys: letters, digits and `:_-./`, 1..256 characters. */
export const PIN_KEY_PATTERN = /^[A-Za-z0-9:_\-./]{1,256}$/;
export const MAX_LIST_LIMIT = 1000;

export const pinKeySchema = z.string().regex(PIN_KEY_PATTERN, 'must be 1..256 characters of A-Z a-z 0-9 : _ - . /');

export const upsertPinSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  key: pinKeySchema,
  value: jsonValueSchema,
  source: z.string().max(256).nullable().optional(),
  ttl_seconds: z.number().int().min(0).max(MAX_TTL_SECONDS).nullable().optional().describe('0 or null: never expires'),
});
export type UpsertPinInput = z.infer<typeof upsertPinSchema>;

export const listPinsQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9:_\-./]{0,256}$/, 'must be up to 256 characters of A-Z a-z 0-9 : _ - . /')
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
  cursor: z.string().max(1024).optional(),
});
export type ListPinsQuery = z.infer<typeof listPinsQuerySchema>;

export const cleanupPinsSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  dry_run: z.boolean().default(false),
});
export type CleanupPinsInput = z.infer<typeof cleanupPinsSchema>;

export const pinViewSchema = apiSchema(
  'Pin',
  z.object({
    id: z.uuid(),
    tenant_id: z.string(),
    key: z.string(),
    value: jsonValueSchema,
    source: z.string().nullable(),
    created_at: timestampSchema(),
    updated_at: timestampSchema(),
    expires_at: timestampSchema().nullable().describe('null: never expires'),
  }),
);
export type PinView = z.infer<typeof pinViewSchema>;

export const pinListViewSchema = apiSchema(
  'PinList',
  z.object({
    pins: z.array(pinViewSchema),
    total: z.number().int().describe('live pins matching the prefix, on every page'),
    ...cursorPageFields,
  }),
);
export type PinListView = z.infer<typeof pinListViewSchema>;

/**
 * `deleted` is always what was deleted (0 on a dry run); a dry run says what a real run would
 * delete in `would_delete`.
 */
export const cleanupViewSchema = apiSchema(
  'PinCleanup',
  z.union([
    z.object({ deleted: z.number().int(), dry_run: z.literal(false), tenant_id: z.string().nullable() }),
    z.object({
      deleted: z.literal(0),
      would_delete: z.number().int(),
      dry_run: z.literal(true),
      tenant_id: z.string().nullable(),
    }),
  ]),
);
export type CleanupView = z.infer<typeof cleanupViewSchema>;
