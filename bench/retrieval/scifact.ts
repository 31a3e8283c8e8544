import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Judgements } from '../lib/retrieval-metrics';

/**
 * The SciFact (BEIR layout) files, read from `../shared/data/scifact` beside the repository.
 * The data is CC BY-NC: it is read in place, never copied into the repository.
 */
export interface SciFactDoc {
  id: string;
  /** Title and text concatenated with one space, as the published flat runs index them. */
  content: string;
}

export interface SciFact {
  dir: string;
  docs: SciFactDoc[];
  /** Query id → claim text. Only `text` is read: `metadata` holds the evidence and must never reach a query. */
  queries: Map<string, string>;
  test: Map<string, Judgements>;
  train: Map<string, Judgements>;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error('cannot find the repository root (no package.json above the bench)');
    }
    dir = parent;
  }
  return dir;
}

export function defaultSciFactDir(): string {
  return resolve(repoRoot(), '../shared/data/scifact');
}

export function sciFactAvailable(dir: string): boolean {
  return ['corpus.jsonl', 'queries.jsonl', 'qrels/test.tsv', 'qrels/train.tsv'].every((file) =>
    existsSync(join(dir, file)),
  );
}

function jsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

function readQrels(path: string): Map<string, Judgements> {
  const qrels = new Map<string, Map<string, number>>();
  const lines = readFileSync(path, 'utf8').split('\n').slice(1);
  for (const line of lines) {
    if (line.trim() === '') {
      continue;
    }
    const [queryId, docId, score] = line.split('\t');
    const judgements = qrels.get(queryId) ?? new Map<string, number>();
    judgements.set(docId, Number(score));
    qrels.set(queryId, judgements);
  }
  return qrels;
}

export function loadSciFact(dir: string): SciFact {
  const docs = jsonLines<{ _id: string; title: string; text: string }>(join(dir, 'corpus.jsonl')).map((doc) => ({
    id: doc._id,
    content: `${doc.title} ${doc.text}`,
  }));
  const queries = new Map(
    jsonLines<{ _id: string; text: string }>(join(dir, 'queries.jsonl')).map((q) => [q._id, q.text]),
  );
  return {
    dir,
    docs,
    queries,
    test: readQrels(join(dir, 'qrels/test.tsv')),
    train: readQrels(join(dir, 'qrels/train.tsv')),
  };
}
