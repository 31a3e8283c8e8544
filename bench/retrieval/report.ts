import { cpus, totalmem } from 'node:os';
import { RunMetrics } from '../lib/retrieval-metrics';

/** Published numbers from the SciFact README (Anserini regressions, trec_eval). */
export const PUBLISHED: readonly { system: string; metrics: Omit<RunMetrics, 'queries'> }[] = [
  {
    system: 'published: BM25 flat (title+text), Lucene',
    metrics: { ndcg10: 0.6789, recall100: 0.9253, recall1000: 0.9767 },
  },
  { system: 'published: BM25 multifield, Lucene', metrics: { ndcg10: 0.6647, recall100: 0.9076, recall1000: 0.98 } },
  {
    system: 'published: BGE-base-en-v1.5 dense, exact',
    metrics: { ndcg10: 0.7408, recall100: 0.9667, recall1000: 0.9967 },
  },
];

export interface Row {
  system: string;
  train?: RunMetrics;
  test: Omit<RunMetrics, 'queries'>;
  note?: string;
}

const f = (value: number | undefined): string => (value === undefined ? '' : value.toFixed(4));

/** A markdown table, so a run's output can be pasted into bench/README.md as it is. */
export function table(rows: readonly Row[]): string {
  const lines = [
    '| system | train nDCG@10 | train R@100 | test nDCG@10 | test R@100 | test R@1000 | note |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (row) =>
        `| ${row.system} | ${f(row.train?.ndcg10)} | ${f(row.train?.recall100)} | ${f(row.test.ndcg10)} | ${f(row.test.recall100)} | ${f(row.test.recall1000)} | ${row.note ?? ''} |`,
    ),
  ];
  return lines.join('\n');
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) {
    return NaN;
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function latencyLine(label: string, samples: readonly number[]): string {
  return `${label}: p50 ${percentile(samples, 50).toFixed(2)} ms, p99 ${percentile(samples, 99).toFixed(2)} ms, max ${Math.max(...samples).toFixed(2)} ms (n=${samples.length})`;
}

export function machineLine(postgresVersion: string): string {
  const cpu = cpus();
  return `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${postgresVersion}`;
}
