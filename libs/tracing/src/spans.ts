import {
  Attributes,
  Context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  isSpanContextValid,
  propagation,
  trace,
} from '@opentelemetry/api';

/** Every span Engram starts itself comes from this tracer (the SDK's, or a no-op when off). */
export const tracer = () => trace.getTracer('engram');

export interface SpanOptions {
  name: string;
  attributes?: Attributes;
  kind?: SpanKind;
  /** The parent; the active context unless given (a job continues the trace that enqueued it). */
  parent?: Context;
}

/** Attributes without the undefined ones (an attribute that is off is absent, not empty). */
export function definedAttributes(attributes: Record<string, string | number | boolean | undefined>): Attributes {
  const result: Attributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) {
      result[name] = value;
    }
  }
  return result;
}

/**
 * Runs `run` inside a span that ends when it settles. `outcome` gives the span's
 * `engram.outcome` and whether it failed; an error's message is never recorded (it can hold
 * user input or a tenant id), only its type.
 */
export async function inSpan<T>(
  options: SpanOptions,
  run: () => Promise<T>,
  outcome: (error: unknown) => { label: string; failed: boolean } = () => ({ label: 'error', failed: true }),
): Promise<T> {
  return tracer().startActiveSpan(
    options.name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await run();
      } catch (error) {
        const { label, failed } = outcome(error);
        span.setAttribute('engram.outcome', label);
        span.setAttribute('error.type', error instanceof Error ? error.constructor.name : typeof error);
        if (failed) {
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Sets attributes on the active span, if one is recording (a no-op when tracing is off). */
export function annotateActiveSpan(attributes: Record<string, string | number | boolean | undefined>): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) {
    span.setAttributes(definedAttributes(attributes));
  }
}

/** The active trace as W3C headers (`traceparent`, `tracestate`), or undefined when there is none. */
export function currentTraceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** The context a carrier names, to continue its trace elsewhere (a job, another process). */
export function contextFromCarrier(carrier: Record<string, string> | undefined): Context | undefined {
  return carrier === undefined ? undefined : propagation.extract(ROOT_CONTEXT, carrier);
}

/** `trace_id` and `span_id` of the active span, for log lines; empty when nothing is traced. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined) {
    return {};
  }
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}
