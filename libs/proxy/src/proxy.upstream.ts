import { Injectable } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import {
  ClientClosedRequestError,
  ProxyNotConfiguredError,
  UpstreamTimeoutError,
  UpstreamUnreachableError,
} from './proxy.errors';

/** Request headers a client may send on to the upstream (besides content-type and Authorization). */
const FORWARDED_REQUEST_HEADERS = ['accept', 'openai-organization', 'openai-project', 'openai-beta'];

/** Response headers the upstream's answer keeps on its way back (its x-request-id is renamed). */
const FORWARDED_RESPONSE_HEADERS = /^(content-type|cache-control|retry-after|openai-.+|x-ratelimit-.+)$/i;

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Appended to PROXY_UPSTREAM_URL: `/chat/completions`, `/models`. */
  path: string;
  body?: string;
  headers: Record<string, string | string[] | undefined>;
  /** The client's own `Authorization: Bearer …`, sent instead of PROXY_UPSTREAM_API_KEY. */
  authorization: string | undefined;
}

/**
 * One call to the upstream with its time limit: PROXY_UPSTREAM_TIMEOUT_MS until the response
 * headers, then re-armed (`rearm`) by whoever reads the body (for a stream, after every chunk).
 * `abort()` cancels it (the client went away); the upstream sees its connection closed.
 */
export class UpstreamCall {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  timedOut = false;

  constructor(private readonly timeoutMs: number) {
    this.rearm();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  rearm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.timeoutMs);
    this.timer.unref();
  }

  abort(): void {
    clearTimeout(this.timer);
    this.controller.abort();
  }

  finish(): void {
    clearTimeout(this.timer);
  }
}

/** The OpenAI-compatible server behind the proxy (PROXY_UPSTREAM_URL), called with Node's fetch. */
@Injectable()
export class UpstreamClient {
  private readonly base: string | undefined;
  private readonly apiKey: string | undefined;
  readonly timeoutMs: number;

  constructor(config: ConfigService) {
    this.base = config.get('PROXY_UPSTREAM_URL')?.replace(/\/+$/, '');
    this.apiKey = config.get('PROXY_UPSTREAM_API_KEY');
    this.timeoutMs = config.get('PROXY_UPSTREAM_TIMEOUT_MS');
  }

  /** Refuses with 503 proxy_not_configured when there is no upstream. */
  requireConfigured(): void {
    if (this.base === undefined) {
      throw new ProxyNotConfiguredError('The proxy has no upstream: set PROXY_UPSTREAM_URL');
    }
  }

  /** Sends the request; resolves once the upstream's headers are in (any status). */
  async send(request: UpstreamRequest, call: UpstreamCall): Promise<Response> {
    this.requireConfigured();
    const headers = new Headers();
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') {
        headers.set(name, value);
      }
    }
    if (request.body !== undefined) {
      headers.set('content-type', 'application/json');
    }
    const authorization = request.authorization ?? (this.apiKey === undefined ? undefined : `Bearer ${this.apiKey}`);
    if (authorization !== undefined) {
      headers.set('authorization', authorization);
    }
    try {
      return await fetch(`${this.base}${request.path}`, {
        method: request.method,
        headers,
        body: request.body,
        signal: call.signal,
      });
    } catch (error) {
      throw this.failure(error, call);
    }
  }

  /** What a failed fetch (or body read) means for the client: a timeout, or an unreachable upstream. */
  failure(error: unknown, call: UpstreamCall): Error {
    if (call.timedOut) {
      return new UpstreamTimeoutError(`The upstream did not answer within ${this.timeoutMs} ms`, {
        timeout_ms: this.timeoutMs,
      });
    }
    if (call.aborted) {
      return new ClientClosedRequestError('The client closed the request before the upstream answered');
    }
    // The cause names the failure (ECONNREFUSED, ENOTFOUND …); never the URL's credentials.
    const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
    return new UpstreamUnreachableError('The upstream could not be reached', {
      ...(typeof cause === 'string' ? { cause } : {}),
    });
  }
}

/** The upstream response headers a client gets back. */
export function responseHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (FORWARDED_RESPONSE_HEADERS.test(name)) {
      headers[name] = value;
    }
  });
  const requestId = response.headers.get('x-request-id');
  if (requestId !== null) {
    headers['x-upstream-request-id'] = requestId;
  }
  return headers;
}
