import { AppError, registerErrorStatus } from '@engram/common';

/** PROXY_UPSTREAM_URL is unset: the proxy has nowhere to forward to. */
export class ProxyNotConfiguredError extends AppError {
  readonly code = 'proxy_not_configured';
}

/** The upstream did not answer within PROXY_UPSTREAM_TIMEOUT_MS. */
export class UpstreamTimeoutError extends AppError {
  readonly code = 'upstream_timeout';
}

/** The upstream could not be reached (refused, reset, DNS), or broke off before its headers. */
export class UpstreamUnreachableError extends AppError {
  readonly code = 'upstream_unreachable';
}

/** The client went away before the upstream answered; nobody reads this answer, it names the case in logs. */
export class ClientClosedRequestError extends AppError {
  readonly code = 'client_closed_request';
}

/** The request body is larger than PROXY_MAX_BODY_BYTES. */
export class ProxyBodyTooLargeError extends AppError {
  readonly code = 'proxy_body_too_large';
}

registerErrorStatus({
  proxy_not_configured: 503,
  upstream_timeout: 504,
  upstream_unreachable: 502,
  proxy_body_too_large: 413,
  invalid_engram_header: 400,
  client_closed_request: 499,
});
