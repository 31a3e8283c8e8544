import { assertTenant, Queryable } from '@engram/db';
import { LexicalSchema, MEMORIES_LEXICAL_SCHEMA } from './bm25.ddl';

/**
 * BM25 ranking inside Postgres, over the `memories` full-text column.
 *
 * Postgres' own `ts_rank`/`ts_rank_cd` know nothing of collection statistics (no IDF, no length
 * normalisation against the average), which costs ~0.1 nDCG@10 on scientific-claim retrieval
 * (see bench/README.md, "retrieval"). BM25 needs collection statistics, kept exactly, per
 * (tenant, namespace), in the same transaction as every write to `memories`, by statement-level
 * triggers over transition tables (one pass per statement, so a batch insert of 1,000 memories
 * costs one aggregate upsert, not 1,000):
 *
 *  - `memory_lexical_stats`: document count and total document length;
 *  - `memory_lexical_terms`: document frequency of each lexeme;
 *  - `memory_lexical_postings`: per memory and lexeme, tf, the memory's length and its expiry
 *    (bm25.ddl.ts says why this replaced a GIN probe of the tsvector).
 *
 * Each document scores Σ qtf · idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)) over the
 * query's lexemes (same text search config as the column), with
 * idf = ln(1 + (N − df + 0.5)/(df + 0.5)) (the non-negative form), tf = the number of positions of
 * the lexeme in the document, dl = its number of distinct lexemes. Any of the query's words may
 * match (AND-ing them, as `websearch_to_tsquery` does, loses most relevant documents for long
 * natural-language queries).
 *
 * Common lexemes (in more than `maxDocFrequency` of the namespace's documents) do not generate
 * candidates, unless the query has no other lexeme: a document matching only such lexemes scores
 * near zero anyway, and leaving them out keeps the candidate set bounded. They still score: the
 * best `rescoreFactor × limit` candidates by their rare-lexeme score get the common lexemes'
 * share added from the postings' primary key before the final cut. (Adding it to every
 * candidate costs one index probe per candidate and common lexeme — the p99 at 100k memories;
 * leaving it out costs 0.02 nDCG@10 on SciFact. Measured in bench/README.md, "retrieval".)
 *
 * The same SQL serves the product (default names below) and the retrieval bench (a scratch
 * schema with a second, 'simple'-config column), hence the builder functions.
 */

export interface Bm25Parameters {
  k1: number;
  b: number;
  /** Lexemes in more than this fraction of the namespace's documents generate no candidates (they still score). */
  maxDocFrequency: number;
  /** How many candidates, as a multiple of the stage's limit, have common lexemes added to their score. */
  rescoreFactor: number;
}

/**
 * Measured on the SciFact train claims (bench/README.md): probing only lexemes in ≤ 10% of
 * documents keeps train nDCG@10 (0.6930) and test nDCG@10/R@100 (0.6905/0.9220) and cuts the
 * candidates; R@1000 drops (0.97 → 0.95), beyond the API's k ≤ 200. Rescoring the best 3 × limit
 * candidates with the common lexemes gives the same train nDCG@10 as rescoring all of them
 * (0.6930) at a bounded cost; 1 × limit lost R@100. k1 and b are the usual BM25 values.
 */
export const DEFAULT_BM25: Bm25Parameters = { k1: 0.9, b: 0.4, maxDocFrequency: 0.1, rescoreFactor: 3 };

/** SQL placeholders (or expressions) the BM25 stage is built over; the caller binds them. */
export interface Bm25Placeholders {
  tenant: string;
  /** A text[] of namespace names: statistics are summed over them (one collection). */
  namespaces: string;
  query: string;
  limit: string;
  k1: string;
  b: string;
  maxDocFrequency: string;
  rescoreFactor: string;
  /**
   * Optional predicate on the candidate's memory (aliased `m`; the stage adds the tenant and id):
   * applied before the top-limit cut, so a narrow filter (one user, a date window) still gets
   * `limit` candidates. One primary-key probe per probed candidate.
   */
  memoryFilter?: string;
  /** The instant expiry is judged at (default now()): as_of searches pass theirs. */
  now?: string;
  /** A predicate on a candidate's memory id, applied before the stage's LIMIT (e.g. not superseded). */
  candidateFilter?: (memoryId: string) => string;
}

/** The WHERE of the probed candidates: the memory filter and the candidate filter, when given. */
function candidateWhere(p: Bm25Placeholders, memories: string): string {
  const conditions = [
    p.memoryFilter === undefined
      ? null
      : `EXISTS (SELECT 1 FROM ${memories} m WHERE m.tenant_id = ${p.tenant} AND m.id = c.memory_id AND ${p.memoryFilter})`,
    p.candidateFilter ? p.candidateFilter('c.memory_id') : null,
  ].filter((condition): condition is string => condition !== null);
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
}

/**
 * The BM25 stage as a chain of CTEs ending in `lexical (memory_id, lexical_score)`, best first,
 * at most `limit` rows, so it can open a larger statement (search's candidate query) or stand
 * alone (bm25SearchSql). Empty when the query has no lexeme known to the namespaces.
 *
 * Over several namespaces the statistics are summed: the namespaces searched together are
 * scored as one collection. Expired memories not yet deleted by the expiry job still count in
 * the statistics (a small, short-lived share), but never become candidates (the postings carry
 * the expiry).
 *
 * Plan shape (docs/queries.md has the EXPLAIN, taken as the app role under row-level security):
 * the query's lexemes by primary key in the term table; candidates by an index-only scan of the
 * postings' primary key per rare lexeme, aggregated; the common lexemes' share by primary-key
 * probes for the best rescoreFactor × limit candidates only.
 */
export function bm25CandidateCtes(p: Bm25Placeholders, s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA): string {
  const termScore = (dl: string) =>
    `qt.weight * p.tf * (${p.k1}::float8 + 1) / (p.tf + ${p.k1}::float8 * (1 - ${p.b}::float8 + ${p.b}::float8 * ${dl} / st.avgdl))`;
  return `lexical_stats AS MATERIALIZED (
      SELECT sum(doc_count)::float8 AS n, sum(total_lexemes)::float8 / sum(doc_count) AS avgdl
        FROM ${s.statsTable} WHERE tenant_id = ${p.tenant} AND namespace = ANY(${p.namespaces}::text[])
      HAVING sum(doc_count) > 0
    ), lexical_terms AS MATERIALIZED (
      SELECT q.lexeme,
             coalesce(array_length(q.positions, 1), 1) * ln(1 + (st.n - t.doc_freq + 0.5) / (t.doc_freq + 0.5)) AS weight,
             t.doc_freq <= ${p.maxDocFrequency}::float8 * st.n AS rare
        FROM lexical_stats st
       CROSS JOIN unnest(to_tsvector('${s.config}', ${p.query}::text)) AS q
       CROSS JOIN LATERAL (SELECT sum(t.doc_freq)::float8 AS doc_freq FROM ${s.termsTable} t
                            WHERE t.tenant_id = ${p.tenant} AND t.namespace = ANY(${p.namespaces}::text[]) AND t.lexeme = q.lexeme) t
       WHERE t.doc_freq > 0
    ), lexical_query AS MATERIALIZED (
      -- A query of common lexemes only probes with all of them.
      SELECT lexeme, weight, rare OR NOT bool_or(rare) OVER () AS probes FROM lexical_terms
    ), lexical_probed AS MATERIALIZED (
      -- The LATERAL subqueries end in OFFSET 0 so the planner cannot flatten them into joins:
      -- each stays an index lookup per lexeme (and per candidate below), whatever the table
      -- statistics say. Flattened, a postings table not yet analyzed got hash joins over the
      -- tenant's whole range (1.5 s instead of 10 ms at 10k memories).
      SELECT p.memory_id, p.namespace, min(p.dl) AS dl, sum(${termScore('p.dl')}) AS score
        FROM lexical_query qt
       CROSS JOIN lexical_stats st
       CROSS JOIN LATERAL (
             SELECT p.memory_id, p.namespace, p.tf, p.dl FROM ${s.postingsTable} p
              WHERE p.tenant_id = ${p.tenant} AND p.namespace = ANY(${p.namespaces}::text[]) AND p.lexeme = qt.lexeme
                AND (p.expires_at IS NULL OR p.expires_at > ${p.now ?? 'now()'})
             OFFSET 0) p
       WHERE qt.probes
       GROUP BY p.memory_id, p.namespace
    ), lexical_best AS MATERIALIZED (
      SELECT c.* FROM lexical_probed c${candidateWhere(p, s.memories)}
       ORDER BY score DESC, memory_id LIMIT ${p.limit} * ${p.rescoreFactor}
    ), lexical_common AS (
      SELECT c.memory_id, sum(${termScore('c.dl')}) AS score
        FROM lexical_best c
        JOIN lexical_query qt ON NOT qt.probes
       CROSS JOIN lexical_stats st
       CROSS JOIN LATERAL (
             SELECT p.tf FROM ${s.postingsTable} p
              WHERE p.tenant_id = ${p.tenant} AND p.namespace = c.namespace AND p.lexeme = qt.lexeme AND p.memory_id = c.memory_id
             OFFSET 0) p
       GROUP BY c.memory_id
    ), lexical AS (
      SELECT c.memory_id, (c.score + coalesce(x.score, 0))::float8 AS lexical_score
        FROM lexical_best c
        LEFT JOIN lexical_common x ON x.memory_id = c.memory_id
       ORDER BY lexical_score DESC, c.memory_id
       LIMIT ${p.limit}
    )`;
}

/**
 * The BM25 stage on its own, for one namespace. Parameters: $1 tenant_id, $2 namespace,
 * $3 query text, $4 limit, $5 k1, $6 b, $7 maxDocFrequency, $8 rescoreFactor. Returns `id`
 * and `score`, best first, ties by id.
 */
export function bm25SearchSql(s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA): string {
  const ctes = bm25CandidateCtes(
    {
      tenant: '$1',
      namespaces: 'ARRAY[$2::text]',
      query: '$3',
      limit: '$4::int',
      k1: '$5',
      b: '$6',
      maxDocFrequency: '$7',
      rescoreFactor: '$8::int',
    },
    s,
  );
  return `WITH ${ctes} SELECT memory_id AS id, lexical_score AS score FROM lexical ORDER BY score DESC, id`;
}

export interface LexicalHit {
  id: string;
  score: number;
}

const PRODUCT_BM25_SQL = bm25SearchSql();

/**
 * BM25 top-`limit` memories of one tenant's namespace for `query`. One round trip, named
 * statement. `db` is a Database or a transaction's Queryable.
 */
export async function searchBm25(
  db: Queryable,
  tenantId: string,
  namespace: string,
  query: string,
  limit: number,
  parameters: Bm25Parameters = DEFAULT_BM25,
): Promise<LexicalHit[]> {
  assertTenant(tenantId);
  const rows = await db.query<{ id: string; score: number }>(
    PRODUCT_BM25_SQL,
    [
      tenantId,
      namespace,
      query,
      limit,
      parameters.k1,
      parameters.b,
      parameters.maxDocFrequency,
      parameters.rescoreFactor,
    ],
    'search_bm25',
  );
  return rows.map((row) => ({ id: row.id, score: Number(row.score) }));
}
