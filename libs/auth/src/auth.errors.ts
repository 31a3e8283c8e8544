import { AppError, registerErrorStatus } from '@engram/common';

export { TenantMismatchError } from '@engram/common';

/** Why authentication failed: the 401 code is `<reason>_credentials`, also the metric label. */
export type AuthFailureReason = 'missing' | 'malformed' | 'unknown' | 'expired' | 'revoked';

/**
 * A 401. Messages say what kind of credential failed, never any part of it.
 */
export class AuthenticationError extends AppError {
  readonly code: string;

  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super(message);
    this.code = `${reason}_credentials`;
  }
}

export class PermissionNotDeclaredError extends AppError {
  readonly code = 'permission_not_declared';
}

export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
}

export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';
}

registerErrorStatus({
  missing_credentials: 401,
  malformed_credentials: 401,
  unknown_credentials: 401,
  expired_credentials: 401,
  revoked_credentials: 401,
  permission_not_declared: 403,
  forbidden: 403,
  rate_limited: 429,
});
