import { z } from 'zod';

/** Tenant ids are slugs: they appear in keys, logs, metrics labels and SQL settings. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const tenantIdSchema = z
  .string()
  .regex(TENANT_ID_PATTERN, 'must be 1..63 characters of a-z, 0-9, "_" and "-", starting with a letter or digit');

/** `?tenant_id=` alone: a cross-tenant caller names the tenant, a tenant-bound key may omit it. */
export const tenantQuerySchema = z.strictObject({ tenant_id: tenantIdSchema.optional() });
