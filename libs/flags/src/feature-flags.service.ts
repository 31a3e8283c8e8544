import { Injectable } from '@nestjs/common';
import { FEATURE_FLAG_DEFAULTS, FeatureFlag } from './feature-flags';

/**
 * Answers whether a feature is on, for the platform or for one tenant. Reads are synchronous
 * map lookups: request paths ask on every call.
 */
@Injectable()
export class FeatureFlagsService {
  isEnabled(flag: FeatureFlag, _tenantId?: string): boolean {
    return FEATURE_FLAG_DEFAULTS[flag];
  }
}
