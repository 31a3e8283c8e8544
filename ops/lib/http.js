'use strict';
/**
 * The Engram API over fetch, with a per-request timeout and retries. Every call the ops scripts
 * make is safe to repeat (pin upserts and expiry cleanup are idempotent), so network failures,
 * 5xx and 429 are retried with exponential backoff; any other 4xx is the caller's mistake and
 * is never retried.
 */
const { ApiError, UnreachableError } = require('./cli');

const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 10_000;
const WAIT_POLL_MS = 500;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential with jitter, so several boxes retrying after one outage do not stampede. */
function backoffMs(attempt, retryAfterHeader) {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  const jittered = exponential / 2 + Math.random() * (exponential / 2);
  const retryAfter = Number(retryAfterHeader) * 1000;
  return Number.isFinite(retryAfter) && retryAfter > 0
    ? Math.min(BACKOFF_CAP_MS, Math.max(jittered, retryAfter))
    : jittered;
}

/** A short reason for a failed fetch: the socket error code or the timeout, never headers. */
function networkReason(error, timeoutMs) {
  if (error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = error && error.cause;
  if (cause && (cause.code || cause.message)) {
    return [cause.code, cause.message].filter(Boolean).join(': ');
  }
  return error instanceof Error ? error.message : String(error);
}

function isRetryableStatus(status) {
  return status === 429 || status >= 500;
}

function describeFailure(method, path, response) {
  const error = response.body && typeof response.body === 'object' ? response.body.error : undefined;
  const code = error && typeof error.code === 'string' ? error.code : undefined;
  const message = error && typeof error.message === 'string' ? error.message : undefined;
  const requestId = response.body && response.body.request_id;
  return new ApiError(
    `${method} ${path} answered ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}` +
      (requestId ? ` (request ${requestId})` : ''),
    { status: response.status, code, request_id: requestId },
  );
}

/**
 * @param {{ base: string, token?: string, timeoutMs: number, retries: number,
 *           onRetry?: (message: string) => void }} options
 */
function createApiClient({ base, token, timeoutMs, retries, onRetry = () => {} }) {
  const headers = { accept: 'application/json' };
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }

  /** One HTTP exchange; throws the fetch error on network failure or timeout. */
  async function once(method, path, body, timeout) {
    const response = await fetch(base + path, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
    const text = await response.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /**
   * Sends a request, retrying as described above. Statuses in `accept` are returned; any
   * other answer throws ApiError (exit 1), and a server that never answers throws
   * UnreachableError (exit 3).
   */
  async function request(method, path, body, accept = [200]) {
    for (let attempt = 0; ; attempt += 1) {
      let response;
      try {
        response = await once(method, path, body, timeoutMs);
      } catch (error) {
        const reason = networkReason(error, timeoutMs);
        if (attempt >= retries) {
          throw new UnreachableError(
            `${base} is unreachable: ${method} ${path}: ${reason} (after ${attempt + 1} attempts)`,
            {
              attempts: attempt + 1,
            },
          );
        }
        const delay = backoffMs(attempt);
        onRetry(`${method} ${path}: ${reason}; retrying in ${Math.round(delay)} ms`);
        await sleep(delay);
        continue;
      }
      if (accept.includes(response.status)) {
        return response;
      }
      if (isRetryableStatus(response.status) && attempt < retries) {
        const delay = backoffMs(attempt, response.headers.get('retry-after'));
        onRetry(`${method} ${path}: answered ${response.status}; retrying in ${Math.round(delay)} ms`);
        await sleep(delay);
        continue;
      }
      throw describeFailure(method, path, response);
    }
  }

  /** Polls GET /ready until it answers 200; UnreachableError when `waitMs` runs out first. */
  async function waitReady(waitMs) {
    const deadline = Date.now() + waitMs;
    let last = 'no attempt';
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new UnreachableError(`${base}/ready did not answer 200 within ${waitMs / 1000} s (last: ${last})`);
      }
      const timeout = Math.max(1, Math.min(timeoutMs, remaining));
      try {
        const response = await once('GET', '/ready', undefined, timeout);
        if (response.status === 200) {
          return;
        }
        last = `answered ${response.status}`;
      } catch (error) {
        last = networkReason(error, timeout);
      }
      await sleep(Math.min(WAIT_POLL_MS, Math.max(0, deadline - Date.now())));
    }
  }

  return { request, waitReady };
}

module.exports = { createApiClient };
