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

/** The environment variable that overrides `flag`. */
export function flagEnvName(flag: FeatureFlag): string {
  return flag.toUpperCase();
}
