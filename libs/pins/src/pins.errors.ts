import { AppError, registerErrorStatus } from '@engram/common';

export class PinNotFoundError extends AppError {
  readonly code = 'pin_not_found';
}

export class PinValueTooLargeError extends AppError {
  readonly code = 'value_too_large';
}

registerErrorStatus({ pin_not_found: 404, value_too_large: 413 });
