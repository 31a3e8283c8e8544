/**
 * Whether an error means the database cannot be reached right now (down, restarting, the
 * connection dropped, no connection free in time), as opposed to a statement that failed: the
 * former is a 503 the client may retry, the latter a bug or bad input.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

// SQLSTATE class 08 (connection exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now).
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3])$/;
const ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error and is not queryable/i,
  /connection ended unexpectedly/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const { code, message, cause, errors } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (SQLSTATE.test(code) || ERRNO.has(code))) {
      return true;
    }
    if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) {
      return true;
    }
    // A refused connection to a host with several addresses arrives as an AggregateError.
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) {
      return true;
    }
    current = cause;
  }
  return false;
}
