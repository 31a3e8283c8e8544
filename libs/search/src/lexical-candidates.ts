import { SqlParams } from '@engram/memories';
import { Bm25Parameters, DEFAULT_BM25, bm25CandidateCtes } from './lexical/bm25.sql';

/**
 * The lexical candidate stage of search, kept apart so another scorer can replace it: CTEs
 * ending in `lexical (memory_id uuid, lexical_score float8)` for one tenant, some namespaces and
 * a query text, best first, at most `limit` rows, live memories only. Higher is better; scores
 * need not be bounded (fusion normalises them).
 *
 * The scorer is BM25 over the postings of the stored `tsv` column with collection statistics
 * kept by triggers (lexical/bm25.sql.ts): any of the query's words may match, rare words weigh
 * more, long memories are normalised against the average. It replaced an all-words `ts_rank_cd`
 * stage that reached SciFact nDCG@10 0.44 through this search path; BM25 reaches 0.69
 * (bench/README.md).
 */
export function lexicalCandidateCtes(
  params: SqlParams,
  stage: {
    tenant: string;
    namespaces: string;
    query: string;
    limit: number;
    memoryFilter?: string;
    now?: string;
    candidateFilter?: (memoryId: string) => string;
  },
  bm25: Bm25Parameters = DEFAULT_BM25,
): string {
  return bm25CandidateCtes({
    tenant: stage.tenant,
    namespaces: stage.namespaces,
    query: stage.query,
    limit: `${params.add(stage.limit)}::int`,
    k1: params.add(bm25.k1),
    b: params.add(bm25.b),
    maxDocFrequency: params.add(bm25.maxDocFrequency),
    rescoreFactor: `${params.add(bm25.rescoreFactor)}::int`,
    ...(stage.memoryFilter === undefined ? {} : { memoryFilter: stage.memoryFilter }),
    now: stage.now,
    candidateFilter: stage.candidateFilter,
  });
}
