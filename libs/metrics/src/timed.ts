import type { Histogram, LabelValues } from 'prom-client';
import { AppError } from '@engram/common';

export interface TimedOptions<L extends string> {
  /** A label of the histogram that receives the outcome; without one, only `settled` sees it. */
  statusLabel?: L;
  /** The outcome of a call that returns; `ok` unless the metric's dashboards say otherwise. */
  success?: string;
  /** The outcome of a call that throws; `error` unless given (see `outcomeOf`). */
  classify?: (error: unknown) => string;
  /** Runs once per call, after the histogram: count the outcome, audit it. Must not throw. */
  settled?: (status: string, seconds: number) => void;
}

/**
 * The one way to time an async call: observes its duration into `histogram` under `labels`
 * whether it returns or throws, then hands the outcome to `settled`. The error is rethrown.
 */
export async function timed<T, L extends string>(
  histogram: Histogram<L>,
  labels: LabelValues<L>,
  run: () => Promise<T>,
  options: TimedOptions<L> = {},
): Promise<T> {
  const started = performance.now();
  let status = options.success ?? 'ok';
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
}

/** How an operation failed, for `status` labels: a refused request is not a fault of ours. */
export function outcomeOf(error: unknown): 'not_found' | 'rejected' | 'error' {
  if (error instanceof AppError) {
    return error.code.endsWith('_not_found') ? 'not_found' : 'rejected';
  }
  return 'error';
}
