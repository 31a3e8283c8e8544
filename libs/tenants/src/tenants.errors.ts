import { AppError, registerErrorStatus } from '@engram/common';

export class TenantNotFoundError extends AppError {
  readonly code = 'tenant_not_found';
}

export class TenantExistsError extends AppError {
  readonly code = 'tenant_exists';
}

export class TenantSuspendedError extends AppError {
  readonly code = 'tenant_suspended';
}

/** The built-in `global` tenant cannot be deleted or suspended. */
export class TenantProtectedError extends AppError {
  readonly code = 'tenant_protected';
}

export class TenantStateError extends AppError {
  readonly code = 'tenant_state_conflict';
}

export class QuotaExceededError extends AppError {
  readonly code = 'quota_exceeded';
}

export class ApiKeyNotFoundError extends AppError {
  readonly code = 'api_key_not_found';
}

registerErrorStatus({
  tenant_not_found: 404,
  tenant_exists: 409,
  tenant_suspended: 403,
  tenant_protected: 409,
  tenant_state_conflict: 409,
  quota_exceeded: 403,
  api_key_not_found: 404,
});
