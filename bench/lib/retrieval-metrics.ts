/**
 * Ranking-quality metrics with trec_eval semantics (`ndcg_cut.k`, `recall.k`), used by the
 * retrieval bench. Pure functions: a run is a list of scored documents, qrels map doc id → gain.
 */

export interface ScoredDoc {
  docId: string;
  score: number;
}

/** Relevance judgements of one query: doc id → gain (the qrel score; 0 or less = not relevant). */
export type Judgements = ReadonlyMap<string, number>;

/**
 * Orders a run the way the bench scores it: score descending, ties by doc id ascending in
 * code-point order, duplicates of a doc id keep only their first (best) entry. A fixed order
 * makes every number reproducible whatever order the search returned equal scores in.
 */
export function rankRun(run: readonly ScoredDoc[]): ScoredDoc[] {
  const sorted = [...run].sort((a, b) => b.score - a.score || (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0));
  const seen = new Set<string>();
  return sorted.filter((doc) => (seen.has(doc.docId) ? false : (seen.add(doc.docId), true)));
}

/**
 * nDCG@k as trec_eval's `ndcg_cut.k`: DCG = Σ gain_i / log2(i + 1) over ranks i = 1..k, divided
 * by the DCG of the ideal ordering of all judged relevant docs cut at k. 0 when nothing is relevant.
 */
export function ndcgAt(ranked: readonly ScoredDoc[], judgements: Judgements, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((doc, index) => {
    const gain = judgements.get(doc.docId) ?? 0;
    if (gain > 0) {
      dcg += gain / Math.log2(index + 2);
    }
  });
  const ideal = [...judgements.values()]
    .filter((gain) => gain > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, gain, index) => sum + gain / Math.log2(index + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Recall@k as trec_eval's `recall.k`: relevant docs in the top k / all relevant docs. */
export function recallAt(ranked: readonly ScoredDoc[], judgements: Judgements, k: number): number {
  const relevant = [...judgements.values()].filter((gain) => gain > 0).length;
  if (relevant === 0) {
    return 0;
  }
  const found = ranked.slice(0, k).filter((doc) => (judgements.get(doc.docId) ?? 0) > 0).length;
  return found / relevant;
}

export interface RunMetrics {
  ndcg10: number;
  recall100: number;
  recall1000: number;
  queries: number;
}

/**
 * Averages over every judged query; a query missing from `runs` (nothing retrieved) counts as 0,
 * it is not dropped — dropping it would flatter a system that fails on hard queries.
 */
export function evaluateRuns(
  qrels: ReadonlyMap<string, Judgements>,
  runs: ReadonlyMap<string, readonly ScoredDoc[]>,
): RunMetrics {
  let ndcg10 = 0;
  let recall100 = 0;
  let recall1000 = 0;
  for (const [queryId, judgements] of qrels) {
    const ranked = rankRun(runs.get(queryId) ?? []);
    ndcg10 += ndcgAt(ranked, judgements, 10);
    recall100 += recallAt(ranked, judgements, 100);
    recall1000 += recallAt(ranked, judgements, 1000);
  }
  const queries = qrels.size;
  return queries === 0
    ? { ndcg10: 0, recall100: 0, recall1000: 0, queries }
    : { ndcg10: ndcg10 / queries, recall100: recall100 / queries, recall1000: recall1000 / queries, queries };
}
