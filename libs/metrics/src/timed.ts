import type { Histogram, LabelValues } from 'prom-client';
import { AppError } from '@engram/common';
import { SpanOptions, inSpan } from '@engram/tracing';

export interface TimedOptions<L extends string> {
  /** A label of the histogram that receives the outcome; without one, only `settled` sees it. */
  statusLabel?: L;
  /** The outcome of a call that returns; `ok` unless the metric's dashboards say otherwise. */
  success?: string;
  /** The outcome of a call that throws; `error` unless given (see `outcomeOf`). */
  classify?: (error: unknown) => string;
  /** Runs once per call, after the histogram: count the outcome, audit it. Must not throw. */
  settled?: (status: string, seconds: number) => void;
  /**
   * Also a span around the call (a no-op when tracing is off), so one place emits both: its
   * `engram.outcome` is the status, and it is marked failed unless the error is a refusal.
   */
  span?: SpanOptions;
}

/**
 * The one way to time an async call: observes its duration into `histogram` under `labels`
 * whether it returns or throws, then hands the outcome to `settled`; with `span`, inside a span
 * of the same call. The error is rethrown.
 */
export async function timed<T, L extends string>(
  histogram: Histogram<L>,
  labels: LabelValues<L>,
  run: () => Promise<T>,
  options: TimedOptions<L> = {},
): Promise<T> {
  let status = options.success ?? 'ok';
  const measured = async () => {
    const started = performance.now();
    try {
      return await run();
    } catch (error) {
      status = options.classify ? options.classify(error) : 'error';
      throw error;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      histogram.observe(
        options.statusLabel === undefined ? labels : { ...labels, [options.statusLabel]: status },
        seconds,
      );
      options.settled?.(status, seconds);
    }
  };
  if (options.span === undefined) {
    return measured();
  }
  return inSpan(options.span, measured, (error) => ({ label: status, failed: !(error instanceof AppError) }));
}

/** How an operation failed, for `status` labels: a refused request is not a fault of ours. */
export function outcomeOf(error: unknown): 'not_found' | 'rejected' | 'error' {
  if (error instanceof AppError) {
    return error.code.endsWith('_not_found') ? 'not_found' : 'rejected';
  }
  return 'error';
}
