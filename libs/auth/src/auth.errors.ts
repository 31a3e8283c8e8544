import { AppError, registerErrorStatus } from '@engram/common';

export class MissingCredentialsError extends AppError {
  readonly code = 'missing_credentials';
}

export class InvalidCredentialsError extends AppError {
  readonly code = 'invalid_credentials';
}

export class PermissionNotDeclaredError extends AppError {
  readonly code = 'permission_not_declared';
}

export class ForbiddenError extends AppError {
  readonly code = 'forbidden';
}

export class TenantMismatchError extends AppError {
  readonly code = 'tenant_mismatch';
}

registerErrorStatus({
  missing_credentials: 401,
  invalid_credentials: 401,
  permission_not_declared: 403,
  forbidden: 403,
  tenant_mismatch: 403,
});
