import { Injectable } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { FEATURE_FLAGS, FEATURE_FLAG_DEFAULTS, FeatureFlag, flagEnvName } from './feature-flags';

type FlagEnvKey =
  | 'MEMORY_PINS_ENABLED'
  | 'RBAC_ENFORCE'
  | 'CHAOS_ALLOWED'
  | 'MEMORY_CONTEXT_INJECTION'
  | 'MEMORY_POST_UPDATE'
  | 'DRIFT_DETECTION_ENABLED'
  | 'MEMORY_FAIL_OPEN_OVERRIDE';

/**
 * Answers whether a feature is on, for the platform or for one tenant. Reads are synchronous
 * map lookups: request paths ask on every call.
 */
@Injectable()
export class FeatureFlagsService {
  private readonly values: Record<FeatureFlag, boolean>;

  constructor(config: ConfigService) {
    this.values = { ...FEATURE_FLAG_DEFAULTS };
    for (const flag of FEATURE_FLAGS) {
      const override = config.get(flagEnvName(flag) as FlagEnvKey);
      if (override !== undefined) {
        this.values[flag] = override;
      }
    }
  }

  isEnabled(flag: FeatureFlag, _tenantId?: string): boolean {
    return this.values[flag];
  }
}
