import { z } from 'zod';
import {
  apiSchema,
  cursorPageFields,
  isoDateTime,
  scopesSchema,
  tenantIdSchema,
  timestampSchema,
  scopeIdSchema,
} from '@engram/common';

export const PLANS = ['free', 'standard', 'premium'] as const;
export type Plan = (typeof PLANS)[number];
export const TENANT_STATUSES = ['active', 'suspended', 'pending_deletion'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export const QUOTA_NAMES = ['max_pins', 'max_memories', 'storage_bytes', 'requests_per_minute'] as const;
export type QuotaName = (typeof QUOTA_NAMES)[number];
export type Quotas = Record<QuotaName, number>;

/** What each plan allows unless the tenant overrides it. */
export const PLAN_QUOTAS: Record<Plan, Quotas> = {
  free: {
    max_pins: 1_000,
    max_memories: 10_000,
    storage_bytes: 100 * 1024 ** 2,
    requests_per_minute: 60,
  },
  standard: {
    max_pins: 100_000,
    max_memories: 1_000_000,
    storage_bytes: 10 * 1024 ** 3,
    requests_per_minute: 600,
  },
  premium: {
    max_pins: 10_000_000,
    max_memories: 100_000_000,
    storage_bytes: 1024 ** 4,
    requests_per_minute: 6_000,
  },
};

const quotaValue = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Per-tenant overrides; null removes an override (back to the plan's value). */
export const quotaOverridesSchema = z.strictObject({
  max_pins: quotaValue.nullable().optional(),
  max_memories: quotaValue.nullable().optional(),
  storage_bytes: quotaValue.nullable().optional(),
  requests_per_minute: quotaValue.nullable().optional(),
});
export type QuotaOverrides = z.infer<typeof quotaOverridesSchema>;

export const createTenantSchema = z.strictObject({
  id: tenantIdSchema,
  name: z.string().trim().min(1).max(200),
  plan: z.enum(PLANS).default('standard'),
  quotas: quotaOverridesSchema.optional(),
});
export type CreateTenantInput = z.infer<typeof createTenantSchema>;

export const updateTenantSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  plan: z.enum(PLANS).optional(),
  quotas: quotaOverridesSchema.optional(),
});
export type UpdateTenantInput = z.infer<typeof updateTenantSchema>;

export const listTenantsQuerySchema = z.strictObject({
  status: z.enum(TENANT_STATUSES).optional(),
  plan: z.enum(PLANS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional(),
});
export type ListTenantsQuery = z.infer<typeof listTenantsQuerySchema>;

export const ROLES = ['infra', 'admin', 'machine', 'agent', 'dev', 'readonly'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that act across tenants; keys carrying them exist only under the operators' tenant. */
export const CROSS_TENANT_ROLES: readonly string[] = ['infra', 'admin'];

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  scopes: scopesSchema.optional(),
  expires_at: isoDateTime()
    .refine((value) => Date.parse(value) > Date.now(), 'must be in the future')
    .optional(),
  user_id: scopeIdSchema
    .optional()
    .describe("binds the key to this user: it reads only this user's memories and writes only as this user"),
  agent_id: scopeIdSchema
    .optional()
    .describe("binds the key to this agent: it reads only this agent's memories and writes only as this agent"),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const apiKeyIdSchema = z.uuid();

export const quotasViewSchema = apiSchema(
  'Quotas',
  z.object(Object.fromEntries(QUOTA_NAMES.map((name) => [name, z.number().int()])) as Record<QuotaName, z.ZodNumber>),
);

export const tenantViewSchema = apiSchema(
  'Tenant',
  z.object({
    id: z.string(),
    name: z.string(),
    plan: z.enum(PLANS),
    status: z.enum(TENANT_STATUSES),
    quotas: quotasViewSchema.describe("effective quotas: the plan's, with this tenant's overrides applied"),
    quota_overrides: quotasViewSchema.partial(),
    created_at: timestampSchema(),
    updated_at: timestampSchema(),
  }),
);
export type TenantView = z.infer<typeof tenantViewSchema>;

export const tenantListViewSchema = apiSchema(
  'TenantList',
  z.object({ tenants: z.array(tenantViewSchema), ...cursorPageFields }),
);
export type TenantListView = z.infer<typeof tenantListViewSchema>;

export const usageViewSchema = apiSchema(
  'TenantUsage',
  z.object({
    tenant_id: z.string(),
    plan: z.enum(PLANS),
    usage: z.object({ pins: z.number().int(), memories: z.number().int(), storage_bytes: z.number().int() }),
    quotas: quotasViewSchema,
  }),
);
export type UsageView = z.infer<typeof usageViewSchema>;

export const apiKeyViewSchema = apiSchema(
  'ApiKey',
  z.object({
    id: z.uuid(),
    tenant_id: z.string(),
    name: z.string(),
    role: z.string(),
    scopes: z.array(z.string()).nullable().describe("null: the role's permissions, unnarrowed"),
    key_prefix: z.string().describe('the first characters of the key, enough to recognise it, never to use it'),
    created_at: timestampSchema(),
    expires_at: timestampSchema().nullable(),
    revoked_at: timestampSchema().nullable(),
    last_used_at: timestampSchema().nullable(),
    user_id: z.string().nullable().describe('the user this key is bound to; null: any'),
    agent_id: z.string().nullable().describe('the agent this key is bound to; null: any'),
  }),
);
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

export const createdApiKeyViewSchema = apiSchema(
  'CreatedApiKey',
  apiKeyViewSchema.extend({ key: z.string().describe('the raw key: shown once, stored only as its SHA-256') }),
);
export type CreatedApiKeyView = z.infer<typeof createdApiKeyViewSchema>;

export const apiKeyListViewSchema = apiSchema(
  'ApiKeyList',
  z.object({ api_keys: z.array(apiKeyViewSchema).describe('never the raw keys') }),
);
export type ApiKeyListView = z.infer<typeof apiKeyListViewSchema>;
