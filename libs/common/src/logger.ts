import { LoggerService } from '@nestjs/common';
import { TraceFlags, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { Logger } from 'pino';
import { jobLogContext, requestContext } from './request-context';

/** Paths that may hold credentials; pino replaces their values before a line is written. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-engram-key"]',
  'req.headers["x-machine-token"]',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.secret',
];

/**
 * JSON logs; every line written inside a request carries its request id and tenant, inside a
 * job its name, id and the request id that enqueued it, and with tracing on the trace and span
 * ids of the moment. On stdout, or on stderr where stdout is a protocol (`engram mcp` speaks
 * MCP on it).
 */
export function createLogger(level: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'engram' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin() {
      const context = requestContext.current();
      const fields: Record<string, string> = context
        ? { request_id: context.requestId, ...(context.tenantId ? { tenant_id: context.tenantId } : {}) }
        : { ...jobLogContext.current() };
      // With tracing off there is no active span: one lookup in the no-op context, nothing more.
      // A trace the sampler dropped is not named: its id would lead nowhere.
      const span = trace.getActiveSpan()?.spanContext();
      if (span && isSpanContextValid(span) && (span.traceFlags & TraceFlags.SAMPLED) !== 0) {
        fields.trace_id = span.traceId;
        fields.span_id = span.spanId;
      }
      return fields;
    },
  };
  return to === 'stderr' ? pino(options, pino.destination({ dest: 2, sync: true })) : pino(options);
}

/** Routes Nest's own logging (bootstrap, modules, Logger instances) into the same JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
