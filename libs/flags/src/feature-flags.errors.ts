import { AppError, registerErrorStatus } from '@engram/common';
import type { FeatureFlag } from './feature-flags';

/** A route behind a flag that is off (for the platform, or for this tenant). */
export class FeatureDisabledError extends AppError {
  readonly code = 'feature_disabled';

  constructor(flag: FeatureFlag) {
    super(`${flag} is off`, { flag });
  }
}

registerErrorStatus({ feature_disabled: 403 });
