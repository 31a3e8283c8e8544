import { jobLogContext, requestContext } from '@engram/common';
import { currentTraceCarrier } from '@engram/tracing';

/**
 * Where a job came from, carried in its data under one reserved key: the request id (for the
 * job's log lines) and the W3C trace context (its span continues the trace that enqueued it).
 * Added by the producers, removed before a handler sees the payload.
 */
export const JOB_ORIGIN_KEY = '_origin';

export interface JobOrigin {
  request_id?: string;
  trace?: Record<string, string>;
}

/** The payload with its origin added; unchanged when there is nothing to carry or no object. */
export function withOrigin<T>(payload: T): T {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return payload;
  }
  const requestId = requestContext.current()?.requestId ?? jobLogContext.current()?.request_id;
  const trace = currentTraceCarrier();
  if (requestId === undefined && trace === undefined) {
    return payload;
  }
  const origin: JobOrigin = {
    ...(requestId === undefined ? {} : { request_id: requestId }),
    ...(trace ? { trace } : {}),
  };
  return { ...payload, [JOB_ORIGIN_KEY]: origin };
}

/** The payload as its producer gave it, and the origin it carried. */
export function splitOrigin(data: unknown): { payload: unknown; origin: JobOrigin } {
  if (data === null || typeof data !== 'object' || !(JOB_ORIGIN_KEY in data)) {
    return { payload: data, origin: {} };
  }
  const { [JOB_ORIGIN_KEY]: origin, ...payload } = data as Record<string, unknown>;
  return { payload, origin: isOrigin(origin) ? origin : {} };
}

function isOrigin(value: unknown): value is JobOrigin {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const { request_id: requestId, trace } = value as Record<string, unknown>;
  return (
    (requestId === undefined || typeof requestId === 'string') &&
    (trace === undefined ||
      (trace !== null && typeof trace === 'object' && Object.values(trace).every((v) => typeof v === 'string')))
  );
}
