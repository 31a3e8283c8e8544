import { AppError, registerErrorStatus } from '@engram/common';

export interface FlagsFileIssue {
  /** Where in the file, e.g. `flags.chaos_alowed`; `(file)` for the file as a whole. */
  path: string;
  message: string;
}

/** The flags file does not read, parse or validate; the last good one stays. */
export class FlagsFileInvalidError extends AppError {
  readonly code = 'flags_invalid';

  constructor(
    readonly file: string,
    readonly issues: FlagsFileIssue[],
  ) {
    super(
      `feature flags file ${file} is invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      { file, issues },
    );
  }
}

/** The route or tool belongs to a feature that is switched off (for the platform or this tenant). */
export class FeatureDisabledError extends AppError {
  readonly code = 'feature_disabled';

  constructor(readonly flag: string) {
    super(`this feature is switched off (feature flag ${flag})`, { flag });
  }
}

export class FeatureFlagNotFoundError extends AppError {
  readonly code = 'feature_flag_not_found';

  constructor(flag: string) {
    super(`no feature flag named ${JSON.stringify(flag)}`, { flag });
  }
}

registerErrorStatus({ flags_invalid: 422, feature_disabled: 403, feature_flag_not_found: 404 });
