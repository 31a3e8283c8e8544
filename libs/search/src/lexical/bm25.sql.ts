import { assertTenant, Queryable } from '@engram/db';
import { LexicalSchema, MEMORIES_LEXICAL_SCHEMA } from './bm25.ddl';

/**
 * BM25 ranking inside Postgres, over the `memories` full-text column.
 *
 * Postgres' own `ts_rank`/`ts_rank_cd` know nothing of collection statistics (no IDF, no length
 * normalisation against the average), which costs ~0.1 nDCG@10 on scientific-claim retrieval
 * (see bench/README.md, "retrieval"). BM25 needs three statistics, kept exactly, per
 * (tenant, namespace), in the same transaction as every write to `memories`, by statement-level
 * triggers over transition tables (one pass per statement, so a batch insert of 1,000 memories
 * costs one aggregate upsert, not 1,000):
 *
 *  - `memory_lexical_stats`: document count and total document length (tokens);
 *  - `memory_lexical_terms`: document frequency of each lexeme.
 *
 * The query is one statement: the query text's lexemes (same text search config as the
 * column) are looked up in the term table for their IDF; candidates come from the GIN index on
 * the tsvector with the lexemes OR-ed (AND-ing them, as `websearch_to_tsquery` does, loses most
 * relevant documents for long natural-language queries); each candidate scores
 * Σ qtf · idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)), with
 * idf = ln(1 + (N − df + 0.5)/(df + 0.5)) (the non-negative form), tf = the number of positions of
 * the lexeme in the document, dl = the document's token count (Σ positions over its lexemes).
 *
 * Lexemes so common that they occur in more than `maxDocFrequency` of the namespace's documents
 * still score, but do not generate candidates (unless the query has no other lexeme): a document
 * matching only such lexemes scores near zero anyway, and leaving them out of the index probe
 * keeps the candidate set (and the latency) bounded at 100k memories.
 *
 * The same SQL serves the product (default names below) and the retrieval bench (a scratch
 * schema with a second, 'simple'-config column), hence the builder functions.
 */

export interface Bm25Parameters {
  k1: number;
  b: number;
  /** Lexemes in more than this fraction of the namespace's documents generate no candidates (they still score). */
  maxDocFrequency: number;
}

/**
 * Measured on the SciFact train claims (bench/README.md): dl = distinct lexemes scores the same as
 * the token count (train nDCG@10 0.6930 both) and costs nothing per candidate. Probing only
 * lexemes in ≤ 10% of documents keeps train nDCG@10 (0.6930) and test nDCG@10/R@100
 * (0.6905/0.9220) and cuts the candidates; train R@100 moved by more than 0.001 (a strict
 * rule would pick 25%) and R@1000 drops (0.97 → 0.95), both beyond the API's k ≤ 200 in
 * practice. Chosen for latency. k1 and b are the usual BM25 values.
 */
export const DEFAULT_DOC_LENGTH: DocLength = 'lexemes';
export const DEFAULT_BM25: Bm25Parameters = { k1: 0.9, b: 0.4, maxDocFrequency: 0.1 };

/** Which document length BM25 normalises by; see DEFAULT_DOC_LENGTH for the measured choice. */
export type DocLength = 'tokens' | 'lexemes';

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
}

export interface Bm25SqlOptions {
  schema?: LexicalSchema;
  docLength?: DocLength;
  /** Only memories that have not expired (the product; the bench's scratch table has no expiry). */
  liveOnly?: boolean;
  /**
   * The namespaces array holds exactly one name. GIN cannot use `= ANY(array)`, so with one
   * namespace the probe says `namespace = array[1]` and the index narrows by namespace too.
   */
  singleNamespace?: boolean;
}

/**
 * The BM25 stage as a chain of CTEs ending in `lexical (memory_id, lexical_score)`, best first,
 * at most `limit` rows, so it can open a larger statement (search's candidate query) or stand
 * alone (bm25SearchSql). Empty when the query has no lexeme known to the namespaces.
 *
 * Over several namespaces the statistics are summed: the namespaces searched together are
 * scored as one collection. Expired memories not yet deleted by the expiry job still count in
 * the statistics (a small, short-lived share), but never become candidates.
 *
 * Plan shape (bench/README.md has the EXPLAIN): the query's lexemes are looked up by primary key
 * in the term table; the probe tsquery is an InitPlan, so candidates come from a bitmap scan of
 * the (tenant_id, namespace, tsv) GIN index; per candidate, `setweight` + `ts_filter` cut the
 * tsvector down to the query's lexemes in C before it is unnested (unnesting whole documents in
 * SQL costs far more). With `docLength` 'lexemes', dl = length(tsv) (distinct lexemes, O(1));
 * with 'tokens' it is the token count, which costs an unnest of every candidate.
 */
export function bm25CandidateCtes(p: Bm25Placeholders, options: Bm25SqlOptions = {}): string {
  const s = options.schema ?? MEMORIES_LEXICAL_SCHEMA;
  const [total, dl] =
    (options.docLength ?? DEFAULT_DOC_LENGTH) === 'tokens'
      ? ['total_tokens', `tsvector_token_count(m.${s.tsvColumn})`]
      : ['total_lexemes', `length(m.${s.tsvColumn})`];
  const live = options.liveOnly ? 'AND (m.expires_at IS NULL OR m.expires_at > now())' : '';
  const inScope = options.singleNamespace
    ? `m.namespace = (${p.namespaces}::text[])[1]`
    : `m.namespace = ANY(${p.namespaces}::text[])`;
  return `lexical_stats AS MATERIALIZED (
      SELECT sum(doc_count)::float8 AS n, sum(${total})::float8 / sum(doc_count) AS avgdl
        FROM ${s.statsTable} WHERE tenant_id = ${p.tenant} AND namespace = ANY(${p.namespaces}::text[])
      HAVING sum(doc_count) > 0
    ), lexical_terms AS MATERIALIZED (
      SELECT q.lexeme,
             coalesce(array_length(q.positions, 1), 1) * ln(1 + (st.n - t.doc_freq + 0.5) / (t.doc_freq + 0.5)) AS weight,
             t.doc_freq <= ${p.maxDocFrequency}::float8 * st.n AS probes
        FROM lexical_stats st
       CROSS JOIN unnest(to_tsvector('${s.config}', ${p.query}::text)) AS q
       CROSS JOIN LATERAL (SELECT sum(t.doc_freq)::float8 AS doc_freq FROM ${s.termsTable} t
                            WHERE t.tenant_id = ${p.tenant} AND t.namespace = ANY(${p.namespaces}::text[]) AND t.lexeme = q.lexeme) t
       WHERE t.doc_freq > 0
    ), lexical_matches AS MATERIALIZED (
      SELECT m.id, ${dl} AS dl,
             ts_filter(setweight(setweight(m.${s.tsvColumn}, 'D'), 'A', (SELECT array_agg(lexeme) FROM lexical_terms)), '{a}') AS matched
        FROM ${s.memories} m
       WHERE m.tenant_id = ${p.tenant} AND ${inScope} ${live}
         -- Lexemes quoted for tsquery input: embedded quotes and backslashes doubled.
         AND m.${s.tsvColumn} @@ (SELECT string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | ')::tsquery
                                    FROM lexical_terms
                                   WHERE probes OR NOT EXISTS (SELECT 1 FROM lexical_terms WHERE probes))
    ), lexical AS (
      SELECT c.id AS memory_id,
             sum(qt.weight * tf.tf * (${p.k1}::float8 + 1)
                 / (tf.tf + ${p.k1}::float8 * (1 - ${p.b}::float8 + ${p.b}::float8 * c.dl / st.avgdl)))::float8 AS lexical_score
        FROM lexical_matches c
       CROSS JOIN lexical_stats st
       CROSS JOIN LATERAL (SELECT d.lexeme, coalesce(array_length(d.positions, 1), 1) AS tf FROM unnest(c.matched) AS d) tf
        JOIN lexical_terms qt ON qt.lexeme = tf.lexeme
       GROUP BY c.id
       ORDER BY lexical_score DESC, c.id
       LIMIT ${p.limit}
    )`;
}

/**
 * The BM25 stage on its own, for one namespace. Parameters: $1 tenant_id, $2 namespace,
 * $3 query text, $4 limit, $5 k1, $6 b, $7 maxDocFrequency. Returns `id` and `score`, best
 * first, ties by id.
 */
export function bm25SearchSql(
  s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA,
  docLength: DocLength = DEFAULT_DOC_LENGTH,
): string {
  const ctes = bm25CandidateCtes(
    { tenant: '$1', namespaces: 'ARRAY[$2::text]', query: '$3', limit: '$4', k1: '$5', b: '$6', maxDocFrequency: '$7' },
    { schema: s, docLength, singleNamespace: true },
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
    [tenantId, namespace, query, limit, parameters.k1, parameters.b, parameters.maxDocFrequency],
    'search_bm25',
  );
  return rows.map((row) => ({ id: row.id, score: Number(row.score) }));
}
