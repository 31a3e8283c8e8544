import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBody } from './api-schemas';
import { AppError } from './app-error';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable';
import { statusForError } from './error-status';

interface Described {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Sent as Retry-After. */
  retryAfterSeconds?: number;
}

/** Fastify's own errors (body parsing, limits) carry FST_* codes; give them ours. */
const FASTIFY_CODES: Record<string, { code: string; status: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', status: 400 },
};

const HTTP_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'route_not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * The codes given to errors that are not AppErrors (Fastify's and Nest's own), with the status
 * each is sent with; `invalid_request` also covers a framework 4xx that has no code of its own.
 */
export function fallbackErrorStatuses(): ReadonlyMap<string, number> {
  const statuses = new Map<string, number>(Object.values(FASTIFY_CODES).map(({ code, status }) => [code, status]));
  for (const [status, code] of Object.entries(HTTP_CODES)) {
    statuses.set(code, Number(status));
  }
  return statuses;
}

function fastifyCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && code in FASTIFY_CODES ? code : undefined;
}

export function describeError(error: unknown): Described {
  if (error instanceof AppError) {
    return { status: statusForError(error), code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof HttpException && fastifyCodeOf(error.cause) !== undefined) {
    // Nest wraps Fastify's own errors (body parsing, limits); the cause keeps the real code.
    return describeError(error.cause);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String((response as { message: unknown }).message)
        : error.message;
    return { status, code: HTTP_CODES[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request'), message };
  }
  const fastifyCode = fastifyCodeOf(error);
  if (fastifyCode !== undefined) {
    const known = FASTIFY_CODES[fastifyCode];
    return { status: known.status, code: known.code, message: (error as Error).message };
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, code: HTTP_CODES[statusCode] ?? 'invalid_request', message: (error as Error).message };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      code: 'database_unavailable',
      message: 'The database is unavailable; retry shortly',
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    };
  }
  return { status: 500, code: 'internal_error', message: 'Internal server error' };
}

export function errorBody(described: Described, requestId: string): ErrorBody {
  return {
    error: {
      code: described.code,
      message: described.message,
      ...(described.details === undefined ? {} : { details: described.details }),
    },
    request_id: requestId,
  };
}

/** Sends the error body; 5xx details are logged, never sent. */
export function replyWithError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const described = describeError(error);
  if (described.code === 'database_unavailable') {
    request.log.warn({ code: described.code, reason: (error as Error | undefined)?.message }, 'database unavailable');
  } else if (described.status >= 500) {
    request.log.error({ err: error }, 'request failed');
  } else {
    request.log.info({ code: described.code, status: described.status }, 'request rejected');
  }
  if (described.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', described.retryAfterSeconds);
  }
  void reply.status(described.status).header('content-type', 'application/json').send(errorBody(described, request.id));
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    replyWithError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
