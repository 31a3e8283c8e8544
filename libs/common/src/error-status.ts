import { AppError, PayloadTooLargeError, ValidationError } from './app-error';

/**
 * The one place where error codes become HTTP statuses. Feature libs register their codes
 * here so the filter never needs to know about them.
 */
const STATUS_BY_CODE = new Map<string, number>([
  ['route_not_found', 404],
  ['method_not_allowed', 405],
  ['service_unavailable', 503],
  ['database_unavailable', 503],
  ['invalid_json', 400],
  ['unsupported_media_type', 415],
  ['payload_too_large', 413],
  ['invalid_request', 400],
  ['invalid_cursor', 400],
  ['internal_error', 500],
]);

export function registerErrorStatus(codes: Record<string, number>): void {
  for (const [code, status] of Object.entries(codes)) {
    const existing = STATUS_BY_CODE.get(code);
    if (existing !== undefined && existing !== status) {
      throw new Error(`error code ${code} already maps to ${existing}, not ${status}`);
    }
    STATUS_BY_CODE.set(code, status);
  }
}

/**
 * Every code registered so far, with its status: the built-in ones above and those of each
 * feature lib loaded (a lib registers its codes when its errors file is imported). For the
 * error catalogue (docs/errors.md) and its test.
 */
export function registeredErrorStatuses(): ReadonlyMap<string, number> {
  return new Map(STATUS_BY_CODE);
}

export function statusForError(error: AppError): number {
  const status = STATUS_BY_CODE.get(error.code);
  if (status !== undefined) {
    return status;
  }
  if (error instanceof ValidationError) {
    return 400;
  }
  if (error instanceof PayloadTooLargeError) {
    return 413;
  }
  return 500;
}
