import { evaluateRuns, ndcgAt, rankRun, recallAt, ScoredDoc } from './retrieval-metrics';

const run = (...docs: [string, number][]): ScoredDoc[] => docs.map(([docId, score]) => ({ docId, score }));
const judged = (...docIds: string[]): Map<string, number> => new Map(docIds.map((id) => [id, 1]));

describe('retrieval metrics (trec_eval semantics)', () => {
  it('breaks score ties by doc id ascending and keeps the first copy of a duplicate', () => {
    const ranked = rankRun(run(['b', 1], ['c', 2], ['a', 1], ['c', 0.5]));
    expect(ranked.map((doc) => doc.docId)).toEqual(['c', 'a', 'b']);
  });

  it('computes nDCG@10 by hand: relevant at ranks 1 and 3 of two relevant docs', () => {
    const ranked = rankRun(run(['d1', 3], ['x', 2], ['d2', 1]));
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) = 1.6309…
    expect(ndcgAt(ranked, judged('d1', 'd2'), 10)).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3)), 10);
  });

  it('uses the qrel score as gain and cuts the ideal ranking at k', () => {
    const judgements = new Map([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    const ranked = rankRun(run(['b', 3], ['a', 2]));
    // k = 2: DCG = 1 + 2/log2(3); ideal (2, 1) = 2 + 1/log2(3).
    expect(ndcgAt(ranked, judgements, 2)).toBeCloseTo((1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)), 10);
  });

  it('gives 0 when the relevant doc is ranked just past the cut-off', () => {
    const ranked = rankRun(run(...Array.from({ length: 11 }, (_, i): [string, number] => [`d${i}`, 100 - i])));
    expect(ndcgAt(ranked, judged('d10'), 10)).toBe(0);
    expect(recallAt(ranked, judged('d10'), 10)).toBe(0);
    expect(recallAt(ranked, judged('d10'), 11)).toBe(1);
  });

  it('computes recall as found / all relevant', () => {
    const ranked = rankRun(run(['a', 3], ['b', 2], ['c', 1]));
    expect(recallAt(ranked, judged('a', 'c', 'z'), 2)).toBeCloseTo(1 / 3, 10);
    expect(recallAt(ranked, judged('a', 'c', 'z'), 100)).toBeCloseTo(2 / 3, 10);
  });

  it('averages over every judged query, counting a query with no results as 0', () => {
    const qrels = new Map([
      ['q1', judged('a')],
      ['q2', judged('b')],
    ]);
    const metrics = evaluateRuns(qrels, new Map([['q1', run(['a', 1])]]));
    expect(metrics).toEqual({ ndcg10: 0.5, recall100: 0.5, recall1000: 0.5, queries: 2 });
  });
});
