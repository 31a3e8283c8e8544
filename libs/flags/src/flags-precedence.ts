import { FEATURE_FLAGS, FEATURE_FLAG_DEFAULTS, FeatureFlag, FlagSource, flagEnvName } from './feature-flags';
import { FileFlags } from './flags-file';

export interface Resolved {
  enabled: boolean;
  source: FlagSource;
}

export type EnvFlags = Partial<Record<FeatureFlag, boolean>>;

/** The environment overrides that are set (`MEMORY_POST_UPDATE=true`, `RBAC_ENFORCE=false`, …). */
export function envFlags(setting: (name: string) => unknown): EnvFlags {
  const env: EnvFlags = {};
  for (const flag of FEATURE_FLAGS) {
    const value = setting(flagEnvName(flag));
    if (typeof value === 'boolean') {
      env[flag] = value;
    }
  }
  return env;
}

/** Precedence, highest first: tenant override > environment > file > default. */
export function resolveFlag(flag: FeatureFlag, layers: { tenant?: boolean; env: EnvFlags; file: FileFlags }): Resolved {
  if (layers.tenant !== undefined) {
    return { enabled: layers.tenant, source: 'tenant' };
  }
  const env = layers.env[flag];
  if (env !== undefined) {
    return { enabled: env, source: 'env' };
  }
  const file = layers.file[flag];
  if (file !== undefined) {
    return { enabled: file, source: 'file' };
  }
  return { enabled: FEATURE_FLAG_DEFAULTS[flag], source: 'default' };
}
