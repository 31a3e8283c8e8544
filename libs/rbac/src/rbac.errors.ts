import { AppError, registerErrorStatus } from '@engram/common';

export interface PolicyIssue {
  /** Where in the file, e.g. `rules.2.role`; `(file)` for the file as a whole. */
  path: string;
  message: string;
}

/** The policy file does not read, parse, validate or compile; the last good policy stays. */
export class PolicyInvalidError extends AppError {
  readonly code = 'policy_invalid';

  constructor(
    readonly file: string,
    readonly issues: PolicyIssue[],
  ) {
    super(`policy file ${file} is invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, {
      file,
      issues,
    });
  }
}

registerErrorStatus({ policy_invalid: 422 });
