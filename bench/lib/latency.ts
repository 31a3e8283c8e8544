/** Latency samples in ms, reduced to what the reports print. */
export interface LatencyStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank on a sorted array: with 200 samples, p99 is the second-slowest. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}
