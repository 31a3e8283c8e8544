import autocannon from 'autocannon';
import { RecordableHistogram, createHistogram } from 'node:perf_hooks';
import { LoadResult } from './report';

export interface Target {
  label: string;
  url: string;
  /** A fresh request sequence for each run against this target. */
  requests: () => autocannon.RequestStep[];
}

export interface CompareOptions {
  connections: number;
  /** Measured seconds per target, split evenly over the rounds. */
  duration: number;
  /** Alternating rounds; more rounds spread a neighbour's burst of load over every target. */
  rounds: number;
  /** Seconds of load per target first, thrown away: JIT, pools and caches warm up. */
  warmup: number;
}

/**
 * Measures several targets under the same load in alternating rounds (A B, B A, A B, …), so
 * load from other work on a shared machine falls on all of them alike and their ratio holds
 * even when absolute numbers drift. The load generator runs in this process: keep servers in
 * others.
 */
export async function compareInRounds(targets: Target[], options: CompareOptions): Promise<LoadResult[]> {
  const totals = targets.map((target) => new Totals(target.label));
  const run = (target: Target, duration: number, into?: Totals) =>
    runOnce({ url: target.url, connections: options.connections, duration, requests: target.requests() }, into);
  if (options.warmup > 0) {
    for (const target of targets) {
      await run(target, options.warmup);
    }
  }
  const roundSeconds = options.duration / options.rounds;
  for (let round = 0; round < options.rounds; round++) {
    const order = targets.map((_, index) => index);
    if (round % 2 === 1) {
      order.reverse();
    }
    for (const index of order) {
      await run(targets[index], roundSeconds, totals[index]);
    }
  }
  return totals.map((total) => total.result());
}

/** One autocannon run; with `into`, its responses are added to those totals. */
async function runOnce(options: autocannon.Options, into?: Totals): Promise<void> {
  const instance = autocannon({ ...options, timeout: 10 });
  if (into) {
    // autocannon's own histogram keeps whole milliseconds (a sub-millisecond p50 reads 0);
    // this one keeps microseconds. Like autocannon, latency counts 2xx responses only.
    instance.on('response', (_client: unknown, status: number, _bytes: number, milliseconds: number) =>
      into.response(status, milliseconds),
    );
  }
  const result = await instance;
  into?.finish(result);
}

class Totals {
  private readonly latency: RecordableHistogram = createHistogram();
  private seconds = 0;
  private total = 0;
  private non2xx = 0;
  private errors = 0;
  private readonly statusCodes: Record<string, number> = {};

  constructor(private readonly label: string) {}

  response(status: number, milliseconds: number): void {
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      this.latency.record(Math.max(1, Math.round(milliseconds * 1000)));
    }
  }

  finish(result: autocannon.Result): void {
    this.seconds += result.duration;
    this.total += result.requests.total;
    this.non2xx += result.non2xx;
    this.errors += result.errors;
  }

  result(): LoadResult {
    const empty = this.latency.count === 0;
    return {
      label: this.label,
      requestsPerSecond: this.seconds > 0 ? this.total / this.seconds : 0,
      p50: empty ? 0 : this.latency.percentile(50) / 1000,
      p99: empty ? 0 : this.latency.percentile(99) / 1000,
      max: empty ? 0 : this.latency.max / 1000,
      total: this.total,
      non2xx: this.non2xx,
      errors: this.errors,
      statusCodes: { ...this.statusCodes },
    };
  }
}

/** Cycles through `items` across every connection, so each request picks the next one. */
export function cycle<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length];
}
