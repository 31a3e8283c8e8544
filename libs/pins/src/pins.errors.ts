import { AppError, registerErrorStatus } from '@engram/common';

export class PinNotFoundError extends AppError {
  readonly code = 'pin_not_found';
}

export class PinValueTooLargeError extends AppError {
  readonly code = 'value_too_large';
}

export class InvalidCursorError extends AppError {
  readonly code = 'invalid_cursor';
}

registerErrorStatus({ pin_not_found: 404, value_too_large: 413, invalid_cursor: 400 });
