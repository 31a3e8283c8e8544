import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';
import { Latency, LoadResult, fromAutocannon } from './report';

export interface LoadOptions {
  label: string;
  url: string;
  connections: number;
  /** Measured seconds. */
  duration: number;
  /** Seconds of the same load first, thrown away: JIT, pools and caches warm up. */
  warmup: number;
  requests: autocannon.RequestStep[];
}

/** Runs a warm-up, then the measured run, in this process (keep servers in other processes). */
export async function measure(options: LoadOptions): Promise<LoadResult> {
  const base = { url: options.url, connections: options.connections, requests: options.requests, timeout: 10 };
  if (options.warmup > 0) {
    await autocannon({ ...base, duration: options.warmup });
  }
  const run = autocannon({ ...base, duration: options.duration });
  const latency = recordLatency(run);
  const result = await run;
  return fromAutocannon(options.label, result, latency());
}

/**
 * autocannon's own histogram keeps whole milliseconds, which reads 0 ms for a sub-millisecond
 * p50; this one keeps microseconds. Like autocannon, it counts 2xx responses only.
 */
function recordLatency(run: autocannon.Instance): () => Latency {
  const histogram = createHistogram();
  run.on('response', (_client: unknown, status: number, _bytes: number, milliseconds: number) => {
    if (status >= 200 && status < 300) {
      histogram.record(Math.max(1, Math.round(milliseconds * 1000)));
    }
  });
  return () =>
    histogram.count === 0
      ? { p50: 0, p99: 0, max: 0 }
      : { p50: histogram.percentile(50) / 1000, p99: histogram.percentile(99) / 1000, max: histogram.max / 1000 };
}

/** Cycles through `items` across every connection, so each request picks the next one. */
export function cycle<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length];
}
