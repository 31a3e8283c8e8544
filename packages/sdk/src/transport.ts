import { EngramError, NetworkError, TimeoutError, errorFromResponse } from './errors.js';

/**
 * One HTTP exchange with the API, on the platform's own fetch (Node 20+, browsers, Deno, Bun):
 * credentials, a timeout per attempt, and retries for requests that are safe to send twice.
 */
export interface RetryOptions {
  /** Attempts after the first; 0 turns retries off. Default 2. */
  retries?: number;
  /** The first backoff (doubled per attempt, with jitter). Default 200 ms. */
  minDelayMs?: number;
  /**
   * The longest single wait. A Retry-After longer than this is not waited for: the error is
   * thrown at once, with `retryAfterMs` set. Default 10 000 ms.
   */
  maxDelayMs?: number;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string;
  token?: string;
  timeoutMs: number;
  retry: Required<RetryOptions>;
  fetch: typeof fetch;
  headers: Record<string, string>;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null;

export interface RequestSpec {
  method: Method;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /**
   * Safe to send again when the first answer was lost or was 429/503: reads, deletes, pin
   * upserts and memory creates (the API deduplicates equal content in a namespace). The API has
   * no Idempotency-Key header, so nothing else is retried.
   */
  idempotent: boolean;
  signal?: AbortSignal;
}

const RETRY_STATUSES = new Set([429, 503]);

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') {
    return null;
  }
  const value = header.trim();
  if (/^\d+$/.test(value)) {
    return Number(value) * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential backoff with jitter: between half and all of min(max, min·2^attempt). */
export function backoffMs(attempt: number, retry: Required<RetryOptions>, random = Math.random): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** AbortSignal.any, which Node has from 20.3 (and browsers from 2023), with a fallback for older ones. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') {
    return AbortSignal.any(signals);
  }
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

export class Transport {
  constructor(readonly options: TransportOptions) {}

  url(path: string, query?: Record<string, QueryValue>): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) {
        url.searchParams.set(key, String(value));
      }
    }
    return url.toString();
  }

  /** The parsed JSON answer (undefined for 204), or the EngramError the API or the network gave. */
  async request<T>(spec: RequestSpec): Promise<T> {
    const { retry } = this.options;
    const attempts = spec.idempotent ? retry.retries + 1 : 1;
    for (let attempt = 0; ; attempt += 1) {
      let error: EngramError;
      try {
        return await this.once<T>(spec);
      } catch (caught) {
        if (!(caught instanceof EngramError)) {
          throw caught;
        }
        error = caught;
      }
      const retryable = error instanceof NetworkError || RETRY_STATUSES.has(error.status);
      if (!retryable || attempt + 1 >= attempts) {
        throw error;
      }
      const backoff = backoffMs(attempt, retry);
      if (error.retryAfterMs !== null && error.retryAfterMs > retry.maxDelayMs) {
        throw error;
      }
      // The server's Retry-After is a floor; the jitter spreads clients that got the same one.
      const wait = error.retryAfterMs === null ? backoff : error.retryAfterMs + backoff / 2;
      await sleep(wait, spec.signal);
    }
  }

  private headers(hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers };
    if (hasBody) {
      headers['content-type'] = 'application/json';
    }
    if (this.options.apiKey) {
      headers['x-api-key'] = this.options.apiKey;
    } else if (this.options.token) {
      headers.authorization = `Bearer ${this.options.token}`;
    }
    return headers;
  }

  private async once<T>(spec: RequestSpec): Promise<T> {
    const url = this.url(spec.path, spec.query);
    const timeout = this.options.timeoutMs > 0 ? AbortSignal.timeout(this.options.timeoutMs) : undefined;
    const signals = [timeout, spec.signal].filter((signal): signal is AbortSignal => signal !== undefined);
    const signal = signals.length > 1 ? anySignal(signals) : signals[0];
    const hasBody = spec.body !== undefined;
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, {
        method: spec.method,
        headers: this.headers(hasBody),
        body: hasBody ? JSON.stringify(spec.body) : undefined,
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (spec.signal?.aborted) {
        throw spec.signal.reason;
      }
      if (timeout?.aborted) {
        throw new TimeoutError(`no answer from ${spec.method} ${url} within ${this.options.timeoutMs} ms`, {
          code: 'timeout',
          status: 0,
          cause: error,
        });
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new NetworkError(`cannot reach ${this.options.baseUrl} (${spec.method} ${spec.path}): ${reason}`, {
        code: 'network_error',
        status: 0,
        cause: error,
      });
    }
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (response.ok) {
      return body as T;
    }
    throw errorFromResponse(
      response.status,
      body,
      response.headers.get('x-request-id'),
      parseRetryAfter(response.headers.get('retry-after')),
    );
  }
}
