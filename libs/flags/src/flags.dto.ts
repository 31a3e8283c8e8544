import { z } from 'zod';
import { apiSchema, timestampSchema } from '@engram/common';
import { FEATURE_FLAGS, FLAG_SOURCES } from './feature-flags';

export const flagNameSchema = z.enum(FEATURE_FLAGS);

export const setTenantFlagSchema = z.strictObject({ enabled: z.boolean() });

/** Inline, not a named component: a nullable reference does not survive into OpenAPI 3.0 validators. */
export const tenantFlagOverrideSchema = z.object({
  enabled: z.boolean(),
  updated_at: timestampSchema(),
  updated_by: z.string(),
});

export const effectiveFlagSchema = apiSchema(
  'EffectiveFeatureFlag',
  z.object({
    enabled: z.boolean(),
    source: z.enum(FLAG_SOURCES).describe('where the value came from: tenant > env > file > default'),
    tenant_override: tenantFlagOverrideSchema.nullable().describe("this tenant's override, if it has one"),
  }),
);
export type EffectiveFlagView = z.infer<typeof effectiveFlagSchema>;

export const flagsFileInfoSchema = apiSchema(
  'FeatureFlagsFile',
  z.object({
    path: z.string(),
    version: z.string(),
    hash: z.string().describe('SHA-256 of the file, first 16 hex digits'),
    loaded_at: timestampSchema(),
    broadcast: z.enum(['redis', 'postgres', 'none']).describe('how a reload reaches the other replicas'),
  }),
);
export type FlagsFileInfo = z.infer<typeof flagsFileInfoSchema>;

export const featureFlagsViewSchema = apiSchema(
  'FeatureFlags',
  z.object({
    tenant_id: z.string().nullable().describe('null: the platform values, no tenant override applied'),
    flags: z.record(flagNameSchema, effectiveFlagSchema),
    file: flagsFileInfoSchema,
  }),
);
export type FeatureFlagsView = z.infer<typeof featureFlagsViewSchema>;

export const flagsReloadResultSchema = apiSchema(
  'FeatureFlagsReload',
  z.object({ changed: z.boolean().describe('false: the file was already loaded'), file: flagsFileInfoSchema }),
);
export type FlagsReloadResult = z.infer<typeof flagsReloadResultSchema>;
