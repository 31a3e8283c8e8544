import { z } from 'zod';

/**
 * The platform's feature flags and their defaults. A flag's environment override is its name in
 * upper case (`MEMORY_POST_UPDATE=true`); the file and per-tenant overrides sit on top of these.
 */
export const FEATURE_FLAG_DEFAULTS = {
  memory_pins_enabled: true,
  rbac_enforce: true,
  chaos_allowed: false,
  memory_context_injection: false,
  memory_post_update: false,
  drift_detection_enabled: false,
  memory_fail_open_override: false,
} as const satisfies Record<string, boolean>;

export type FeatureFlag = keyof typeof FEATURE_FLAG_DEFAULTS;

export const FEATURE_FLAGS = Object.keys(FEATURE_FLAG_DEFAULTS) as FeatureFlag[];

/** Where a flag's effective value came from; precedence is tenant > env > file > default. */
export const FLAG_SOURCES = ['default', 'file', 'env', 'tenant'] as const;
export type FlagSource = (typeof FLAG_SOURCES)[number];

/** The environment variable that overrides `flag`. */
export function flagEnvName(flag: FeatureFlag): string {
  return flag.toUpperCase();
}

export function isFeatureFlag(name: string): name is FeatureFlag {
  return Object.prototype.hasOwnProperty.call(FEATURE_FLAG_DEFAULTS, name);
}

/**
 * config/feature-flags.json. Strict: an unknown flag name (a typo, or a flag this release does
 * not have) makes the whole file invalid rather than being ignored.
 */
export const flagsFileSchema = z.strictObject({
  version: z.union([z.number().int().min(0), z.string().min(1).max(64)]),
  description: z.string().max(2000).optional(),
  flags: z.strictObject(
    Object.fromEntries(FEATURE_FLAGS.map((flag) => [flag, z.boolean().optional()])) as Record<
      FeatureFlag,
      z.ZodOptional<z.ZodBoolean>
    >,
  ),
});
export type FlagsFile = z.infer<typeof flagsFileSchema>;
