import { Queryable, assertTenant } from '@engram/db';
import { SqlParams } from '@engram/memories';

/**
 * The lexical candidate stage of search, kept apart so another scorer can replace it: any SQL
 * SELECT producing (memory_id uuid, lexical_score float8) for one tenant, some namespaces and a
 * query text, best first, at most `limit` rows, live memories only. Higher is better; scores
 * need not be bounded (fusion normalises them). The placeholders are bound by the caller.
 */
export interface LexicalStagePlaceholders {
  tenant: string;
  /** a text[] of namespace names */
  namespaces: string;
  query: string;
  limit: string;
}

/** `all`: every word must match (websearch syntax); `any`: OR of the query's lexemes. */
export type LexicalMatch = 'all' | 'any';

/**
 * Full text over the stored `tsv` column, served by the (tenant_id, tsv) GIN index:
 * websearch_to_tsquery (all words must match; quotes, "or" and "-word" work as on a search
 * engine), ranked by ts_rank_cd with normalisation 32 (rank / (rank + 1)).
 *
 * Why AND and not OR: ranking costs ~3 µs per matching row, and OR-ing a question's words
 * matched 82% of a 100k-memory tenant in bench/context (500 ms). The vector stage already
 * supplies any-word overlap (the local embedding is a bag of words), from an index, so the
 * lexical stage adds the precise all-words matches. `any` (SEARCH_LEXICAL_MATCH) ORs the
 * query's lexemes instead: better recall on long queries, but cost grows with the tenant.
 */
export function lexicalCandidatesSql(p: LexicalStagePlaceholders, match: LexicalMatch = 'all'): string {
  const tsquery =
    match === 'all'
      ? `websearch_to_tsquery('english', ${p.query}::text)`
      : `(SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery
          FROM unnest(tsvector_to_array(to_tsvector('english', ${p.query}::text))) AS lexeme)`;
  return `SELECT m.id AS memory_id, ts_rank_cd(m.tsv, q.tsq, 32)::float8 AS lexical_score
    FROM memories m, ${tsquery} q(tsq)
    WHERE m.tenant_id = ${p.tenant} AND m.namespace = ANY(${p.namespaces}::text[]) AND m.tsv @@ q.tsq
      AND (m.expires_at IS NULL OR m.expires_at > now())
    ORDER BY lexical_score DESC
    LIMIT ${p.limit}`;
}

/** The lexical stage on its own (benchmarks, diagnostics); search embeds the same SQL as a CTE. */
export async function lexicalCandidates(
  db: Queryable,
  tenantId: string,
  namespaces: string[],
  query: string,
  limit: number,
  match: LexicalMatch = 'all',
): Promise<{ memory_id: string; lexical_score: number }[]> {
  assertTenant(tenantId);
  const params = new SqlParams();
  const sql = lexicalCandidatesSql(
    {
      tenant: params.add(tenantId),
      namespaces: params.add(namespaces),
      query: params.add(query),
      limit: params.add(limit),
    },
    match,
  );
  return db.query(sql, params.values);
}
