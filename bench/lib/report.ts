import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type autocannon from 'autocannon';

/** One measured load run, reduced to what the reports compare. Latencies in milliseconds. */
export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

/** A single autocannon run as a LoadResult (its latencies are whole milliseconds). */
export function fromAutocannon(label: string, result: autocannon.Result): LoadResult {
  return {
    label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)]),
    ),
  };
}

/** A run that answered with errors measured the error path, not the one it claims to. */
export function assertClean(result: LoadResult): void {
  if (result.non2xx > 0 || result.errors > 0 || result.total === 0) {
    throw new Error(
      `${result.label}: ${result.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors ` +
        `(status codes ${JSON.stringify(result.statusCodes)}); the numbers would not mean what they say`,
    );
  }
}

/** `subject / baseline`, as printed: "0.42×". */
export function ratio(subject: number, baseline: number): string {
  return baseline > 0 ? `${(subject / baseline).toFixed(2)}×` : 'n/a';
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table: first column left-aligned, the rest right-aligned. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export const LOAD_HEADERS = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests'];

export function loadRow(scenario: string, result: LoadResult): string[] {
  return [
    scenario,
    formatNumber(result.requestsPerSecond),
    formatNumber(result.p50, 2),
    formatNumber(result.p99, 2),
    formatNumber(result.max, 1),
    formatNumber(result.total),
  ];
}

/** The row comparing a subject with its baseline: throughput and p99 as subject/baseline. */
export function ratioRow(scenario: string, subject: LoadResult, baseline: LoadResult): string[] {
  return [
    scenario,
    ratio(subject.requestsPerSecond, baseline.requestsPerSecond),
    ratio(subject.p50, baseline.p50),
    ratio(subject.p99, baseline.p99),
    '',
    '',
  ];
}

/** Writes a run's raw numbers under bench/results/ (git-ignored) and returns the path. */
export function writeResults(bench: string, data: unknown, root = process.cwd()): string {
  const directory = join(root, 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${bench}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  return path;
}
