import { DiagLogLevel, context, diag, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK, resources } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { ScrubbingSpanProcessor } from './privacy';

/** Probes and scrapes every few seconds would drown the traces that matter. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

export interface SdkOptions {
  serviceName: string;
  sampleRatio: number;
  logger: Logger;
  /** Tests: spans go here, synchronously, instead of to OTLP. */
  exporter?: SpanExporter;
}

/**
 * The OpenTelemetry SDK for traces only: OTLP over HTTP (the endpoint, headers and timeout come
 * from the standard OTEL_EXPORTER_OTLP_* variables), HTTP and Postgres instrumentation. Metrics
 * stay with Prometheus and logs with pino: the SDK's own metric and log exporters are not
 * created, so nothing but spans is sent.
 */
export function startSdk(options: SdkOptions): { shutdown(): Promise<void> } {
  const log = options.logger;
  diag.setLogger(
    {
      error: (message, ...args) => log.error({ args }, `opentelemetry: ${message}`),
      warn: (message, ...args) => log.warn({ args }, `opentelemetry: ${message}`),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter());
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
      // Outgoing calls are traced inside a traced operation only (not the exporter's own).
      requireParentforOutgoingSpans: true,
    }),
    new PgInstrumentation({
      // Pool upkeep, LISTEN connections and timers outside any operation stay untraced.
      requireParentSpan: true,
      // Never parameter values: they are tenants' data.
      enhancedDatabaseReporting: false,
    }),
  ];
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    // No process detector: it records the command line, which may carry secrets.
    resourceDetectors: [resources.envDetector, resources.hostDetector],
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [new ScrubbingSpanProcessor(processor)],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();
  return {
    async shutdown() {
      await sdk.shutdown();
      // The patches stay on modules shared with whatever runs next in this process (tests).
      for (const instrumentation of instrumentations) {
        instrumentation.disable();
      }
      trace.disable();
      context.disable();
      propagation.disable();
      diag.disable();
    },
  };
}
