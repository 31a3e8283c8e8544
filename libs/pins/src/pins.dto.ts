import { z } from 'zod';
import { MAX_TTL_SECONDS, tenantIdSchema } from '@engram/common';

/** Pin keys: letters, digits and `:_-./`, 1..256 characters. */
export const PIN_KEY_PATTERN = /^[A-Za-z0-9:_\-./]{1,256}$/;
export const MAX_LIST_LIMIT = 1000;

export const pinKeySchema = z.string().regex(PIN_KEY_PATTERN, 'must be 1..256 characters of A-Z a-z 0-9 : _ - . /');

export const upsertPinSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  key: pinKeySchema,
  value: z.json(),
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

export interface PinView {
  id: string;
  tenant_id: string;
  key: string;
  value: unknown;
  source: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
}

export interface PinListView {
  pins: PinView[];
  total: number;
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * `deleted` is always what was deleted (0 on a dry run); a dry run says what a real run would
 * delete in `would_delete`.
 */
export type CleanupView =
  | { deleted: number; dry_run: false; tenant_id: string | null }
  | { deleted: 0; would_delete: number; dry_run: true; tenant_id: string | null };
