/**
 * Base of every error the API reports on purpose. `code` is stable and machine-readable;
 * the HTTP status is chosen from it in one place (error-status.ts), never at the throw site.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;

  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request field failed validation; `field` names it, `code` says how. */
export class ValidationError extends AppError {
  constructor(
    readonly code: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(
    readonly code: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

export class RouteNotFoundError extends AppError {
  readonly code = 'route_not_found';
}

export class ServiceUnavailableError extends AppError {
  readonly code = 'service_unavailable';
}
