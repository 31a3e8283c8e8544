import { AppError, registerErrorStatus } from '@engram/common';

export class RunNotFoundError extends AppError {
  readonly code = 'run_not_found';
}

/** The run_id was recorded before with another body; runs are immutable once recorded. */
export class RunConflictError extends AppError {
  readonly code = 'run_conflict';
}

export class RunTooLargeError extends AppError {
  readonly code = 'run_too_large';
}

/** An update-rules file that does not load (reload); the rules in force stay. */
export class UpdateRulesInvalidError extends AppError {
  readonly code = 'update_rules_invalid';

  constructor(
    message: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(message, { issues });
  }
}

/**
 * Why one rule could not be applied to a run (it then applies nothing): a template placeholder
 * with no value, or an action whose filled-in fields the target service refuses.
 */
export class RuleApplicationError extends AppError {
  constructor(
    readonly code: 'template_unresolved' | 'invalid_rule_action',
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

registerErrorStatus({
  run_not_found: 404,
  run_conflict: 409,
  run_too_large: 413,
  update_rules_invalid: 422,
  template_unresolved: 422,
  invalid_rule_action: 422,
});
