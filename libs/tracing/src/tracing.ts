import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { EngramConfig } from '@engram/config';
import { createLogger } from '@engram/common';
import { setTracingEnabled } from './state';
import { configureTenantAttribute } from './tenant';

export interface Tracing {
  readonly enabled: boolean;
  /** Exports what is still buffered, then stops; call after the apps have closed. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** `engram-api` or `engram-worker`; OTEL_SERVICE_NAME wins. */
  serviceName: string;
  /** Tests: spans go to this exporter (e.g. an in-memory one) as if an endpoint were set. */
  exporter?: SpanExporter;
}

const OFF: Tracing = { enabled: false, shutdown: async () => undefined };

/**
 * Starts tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, before the modules it instruments
 * (`http`, `pg`) are loaded: the CLI calls it first thing in `serve`, `api` and `worker`.
 * Unset, the SDK is never loaded: `@opentelemetry/api` answers with its no-op tracer and
 * nothing is sent anywhere.
 */
export async function startTracing(config: EngramConfig, options: StartTracingOptions): Promise<Tracing> {
  configureTenantAttribute({ mode: config.ENGRAM_TRACE_TENANT, key: config.ENGRAM_TRACE_TENANT_KEY });
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined && options.exporter === undefined) {
    return OFF;
  }
  const { startSdk } = await import('./sdk');
  const logger = createLogger(config.LOG_LEVEL);
  const sdk = startSdk({
    serviceName: config.OTEL_SERVICE_NAME ?? options.serviceName,
    sampleRatio: config.OTEL_TRACES_SAMPLER_ARG,
    logger,
    exporter: options.exporter,
  });
  setTracingEnabled(true);
  if (config.ENGRAM_TRACE_TENANT === 'hashed' && config.ENGRAM_TRACE_TENANT_KEY === undefined) {
    logger.warn('ENGRAM_TRACE_TENANT_KEY is unset: tenant hashes on spans differ between processes and restarts');
  }
  return {
    enabled: true,
    async shutdown() {
      setTracingEnabled(false);
      await sdk.shutdown();
    },
  };
}
