/**
 * What the SDK throws. Every failure is an EngramError: an answer from the API is one of the
 * status classes below (its `code` is the API's stable code: docs/errors.md), and a server that
 * could not be reached, or did not answer in time, is a NetworkError or TimeoutError (status 0).
 * An `AbortSignal` the caller passed is the exception: its abort rethrows the signal's reason.
 */
export class EngramError extends Error {
  override name = 'EngramError';
  /** The API's stable error code (`namespace_not_found`, `invalid_ttl_seconds`, …), or the SDK's own for transport failures. */
  readonly code: string;
  /** The HTTP status; 0 when no answer came. */
  readonly status: number;
  /** The request id the server gave the request (also in its logs): quote it when reporting a problem. */
  readonly requestId: string | null;
  readonly details: Record<string, unknown>;
  /** The server's Retry-After in milliseconds, when it sent one. */
  readonly retryAfterMs: number | null;

  constructor(
    message: string,
    init: {
      code: string;
      status: number;
      requestId?: string | null;
      details?: Record<string, unknown>;
      retryAfterMs?: number | null;
      cause?: unknown;
    },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId ?? null;
    this.details = init.details ?? {};
    this.retryAfterMs = init.retryAfterMs ?? null;
  }
}

/** 400, 413, 415, 422: the request is wrong; sending it again unchanged fails again. */
export class ValidationError extends EngramError {
  override name = 'ValidationError';
}

/** 401: no credential, or one that is malformed, unknown, expired or revoked. */
export class AuthError extends EngramError {
  override name = 'AuthError';
}

/** 403: the credential may not do this (`forbidden`, `tenant_mismatch`, `tenant_suspended`, `quota_exceeded`). */
export class ForbiddenError extends EngramError {
  override name = 'ForbiddenError';
}

/** 404: no such pin, memory, namespace, tenant, key or route. */
export class NotFoundError extends EngramError {
  override name = 'NotFoundError';
}

/** 409: the request conflicts with the current state (`tenant_exists`, `namespace_exists`, …). */
export class ConflictError extends EngramError {
  override name = 'ConflictError';
}

/** 429: the key's requests-per-minute are used up; `retryAfterMs` says when to come back. */
export class RateLimitedError extends EngramError {
  override name = 'RateLimitedError';
}

/** 503: the service cannot serve right now (its database is unreachable, it is starting or stopping). */
export class UnavailableError extends EngramError {
  override name = 'UnavailableError';
}

/** No answer: the connection was refused or dropped, the name did not resolve. Status 0. */
export class NetworkError extends EngramError {
  override name = 'NetworkError';
}

/** No answer within the client's `timeoutMs`. Status 0. */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError';
}

type ErrorClass = new (message: string, init: ConstructorParameters<typeof EngramError>[1]) => EngramError;

const BY_STATUS: Record<number, ErrorClass> = {
  400: ValidationError,
  401: AuthError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  413: ValidationError,
  415: ValidationError,
  422: ValidationError,
  429: RateLimitedError,
  503: UnavailableError,
};

/** The error for an HTTP answer that is not a success, from the API's error body when it has one. */
export function errorFromResponse(
  status: number,
  body: unknown,
  requestId: string | null,
  retryAfterMs: number | null,
): EngramError {
  const envelope = body as { error?: { code?: unknown; message?: unknown; details?: unknown }; request_id?: unknown };
  const error = envelope !== null && typeof envelope === 'object' ? envelope.error : undefined;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  const details =
    error?.details !== null && typeof error?.details === 'object' ? (error.details as Record<string, unknown>) : {};
  const id = typeof envelope?.request_id === 'string' ? envelope.request_id : requestId;
  const Class = BY_STATUS[status] ?? EngramError;
  return new Class(`${code}: ${message}`, { code, status, requestId: id, details, retryAfterMs });
}
