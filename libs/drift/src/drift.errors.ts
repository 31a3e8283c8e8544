import { AppError, registerErrorStatus } from '@engram/common';

export class DriftComparisonNotFoundError extends AppError {
  readonly code = 'drift_comparison_not_found';
}

export class OutputTooLargeError extends AppError {
  readonly code = 'output_too_large';
}

export class OutputTooDeepError extends AppError {
  readonly code = 'output_too_deep';
}

export class TooManyTextFieldsError extends AppError {
  readonly code = 'too_many_text_fields';
}

registerErrorStatus({
  drift_comparison_not_found: 404,
  output_too_large: 413,
  output_too_deep: 400,
  too_many_text_fields: 400,
});
