import { assertTenant, Queryable } from '@engram/db';

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

export interface LexicalSchema {
  /** Table holding the memories: tenant_id text, id uuid, namespace text, and the tsvector column. */
  memories: string;
  tsvColumn: string;
  /** Text search configuration the tsvector column was built with; the query must use the same one. */
  config: string;
  statsTable: string;
  termsTable: string;
  /** Prefix for the trigger functions and triggers. */
  prefix: string;
}

export const MEMORIES_LEXICAL_SCHEMA: LexicalSchema = {
  memories: 'memories',
  tsvColumn: 'tsv',
  config: 'english',
  statsTable: 'memory_lexical_stats',
  termsTable: 'memory_lexical_terms',
  prefix: 'memory_lexical',
};

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

/**
 * The index the candidate probe needs: tenant, namespace and tsvector in one GIN (btree_gin).
 * With a GIN on the tsvector alone the planner reads the whole namespace through the tenant btree
 * and tests every row's tsvector (detoasting each); with this one it visits only matching rows.
 * On PGlite the `btree_gin` extension must be loaded (`@electric-sql/pglite/contrib/btree_gin`).
 */
export function lexicalProbeIndexUpSql(s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA): string {
  return `
    CREATE EXTENSION IF NOT EXISTS btree_gin;
    CREATE INDEX ${s.prefix}_probe_idx ON ${s.memories} USING gin (tenant_id, namespace, ${s.tsvColumn});
  `;
}

export function lexicalProbeIndexDownSql(s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA): string {
  // btree_gin stays: other indexes may use it.
  return `DROP INDEX ${s.prefix}_probe_idx;`;
}

/** DDL for the statistics tables, the token-count function and the triggers that maintain them. */
export function lexicalStatsUpSql(s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA): string {
  return `
    CREATE TABLE ${s.statsTable} (
      tenant_id     text NOT NULL,
      namespace     text NOT NULL,
      doc_count      bigint NOT NULL,
      total_tokens   bigint NOT NULL,
      total_lexemes  bigint NOT NULL,
      PRIMARY KEY (tenant_id, namespace)
    );
    CREATE TABLE ${s.termsTable} (
      tenant_id  text NOT NULL,
      namespace  text NOT NULL,
      lexeme     text NOT NULL,
      doc_freq   integer NOT NULL,
      PRIMARY KEY (tenant_id, namespace, lexeme)
    );

    -- Token count of a document: positions per lexeme summed (a lexeme stored without positions counts once).
    CREATE OR REPLACE FUNCTION tsvector_token_count(tsvector) RETURNS integer
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $fn$ SELECT coalesce(sum(coalesce(array_length(positions, 1), 1)), 0)::integer FROM unnest($1) $fn$;

    -- Applies signed per-document changes. Rows are upserted in key order so that concurrent
    -- writers to one namespace queue on the same locks in the same order instead of deadlocking.
    CREATE FUNCTION ${s.prefix}_apply(tenant_ids text[], namespaces text[], tsvs tsvector[], signs integer[])
      RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO ${s.statsTable} AS st (tenant_id, namespace, doc_count, total_tokens, total_lexemes)
      SELECT c.tenant_id, c.namespace, sum(c.sign), sum(c.sign * tsvector_token_count(c.tsv)), sum(c.sign * length(c.tsv))
        FROM unnest(tenant_ids, namespaces, tsvs, signs) AS c(tenant_id, namespace, tsv, sign)
       GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (tenant_id, namespace) DO UPDATE
        SET doc_count = st.doc_count + excluded.doc_count,
            total_tokens = st.total_tokens + excluded.total_tokens,
            total_lexemes = st.total_lexemes + excluded.total_lexemes;

      INSERT INTO ${s.termsTable} AS tt (tenant_id, namespace, lexeme, doc_freq)
      SELECT c.tenant_id, c.namespace, l.lexeme, sum(c.sign)
        FROM unnest(tenant_ids, namespaces, tsvs, signs) AS c(tenant_id, namespace, tsv, sign)
        CROSS JOIN LATERAL unnest(c.tsv) AS l
       GROUP BY 1, 2, 3 HAVING sum(c.sign) <> 0 ORDER BY 1, 2, 3
      ON CONFLICT (tenant_id, namespace, lexeme) DO UPDATE SET doc_freq = tt.doc_freq + excluded.doc_freq;

      IF -1 = ANY (signs) THEN
        DELETE FROM ${s.termsTable} tt
         USING (SELECT DISTINCT c.tenant_id, c.namespace, l.lexeme
                  FROM unnest(tenant_ids, namespaces, tsvs, signs) AS c(tenant_id, namespace, tsv, sign)
                  CROSS JOIN LATERAL unnest(c.tsv) AS l WHERE c.sign < 0) gone
         WHERE tt.tenant_id = gone.tenant_id AND tt.namespace = gone.namespace AND tt.lexeme = gone.lexeme
           AND tt.doc_freq <= 0;
        DELETE FROM ${s.statsTable} st
         WHERE st.doc_count <= 0
           AND (st.tenant_id, st.namespace) IN
               (SELECT c.tenant_id, c.namespace FROM unnest(tenant_ids, namespaces, signs) AS c(tenant_id, namespace, sign));
      END IF;
    END
    $fn$;

    CREATE FUNCTION ${s.prefix}_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM ${s.prefix}_apply(array_agg(tenant_id), array_agg(namespace), array_agg(${s.tsvColumn}), array_agg(1))
         FROM new_rows HAVING count(*) > 0;
      RETURN NULL;
    END
    $fn$;
    CREATE FUNCTION ${s.prefix}_on_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM ${s.prefix}_apply(array_agg(tenant_id), array_agg(namespace), array_agg(${s.tsvColumn}), array_agg(-1))
         FROM old_rows HAVING count(*) > 0;
      RETURN NULL;
    END
    $fn$;
    -- Only rows whose text or namespace changed count: an update of metadata or access
    -- statistics leaves the statistics (and their row locks) alone.
    CREATE FUNCTION ${s.prefix}_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM ${s.prefix}_apply(array_agg(c.tenant_id), array_agg(c.namespace), array_agg(c.tsv), array_agg(c.sign))
         FROM (SELECT o.tenant_id, o.namespace, o.${s.tsvColumn} AS tsv, -1 AS sign
                 FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id
                WHERE o.${s.tsvColumn} IS DISTINCT FROM n.${s.tsvColumn} OR o.namespace IS DISTINCT FROM n.namespace
               UNION ALL
               SELECT n.tenant_id, n.namespace, n.${s.tsvColumn}, 1
                 FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id
                WHERE o.${s.tsvColumn} IS DISTINCT FROM n.${s.tsvColumn} OR o.namespace IS DISTINCT FROM n.namespace) c
       HAVING count(*) > 0;
      RETURN NULL;
    END
    $fn$;

    CREATE TRIGGER ${s.prefix}_insert AFTER INSERT ON ${s.memories}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s.prefix}_on_insert();
    CREATE TRIGGER ${s.prefix}_delete AFTER DELETE ON ${s.memories}
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s.prefix}_on_delete();
    CREATE TRIGGER ${s.prefix}_update AFTER UPDATE ON ${s.memories}
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s.prefix}_on_update();

    -- Existing memories (the migration may run after memories were written).
    SELECT ${s.prefix}_apply(array_agg(tenant_id), array_agg(namespace), array_agg(${s.tsvColumn}), array_agg(1))
      FROM ${s.memories} HAVING count(*) > 0;
  `;
}

export function lexicalStatsDownSql(s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA): string {
  return `
    DROP TRIGGER ${s.prefix}_insert ON ${s.memories};
    DROP TRIGGER ${s.prefix}_delete ON ${s.memories};
    DROP TRIGGER ${s.prefix}_update ON ${s.memories};
    DROP FUNCTION ${s.prefix}_on_insert();
    DROP FUNCTION ${s.prefix}_on_delete();
    DROP FUNCTION ${s.prefix}_on_update();
    DROP FUNCTION ${s.prefix}_apply(text[], text[], tsvector[], integer[]);
    DROP FUNCTION tsvector_token_count(tsvector);
    DROP TABLE ${s.termsTable};
    DROP TABLE ${s.statsTable};
  `;
}

/** Which document length BM25 normalises by; see DEFAULT_DOC_LENGTH for the measured choice. */
export type DocLength = 'tokens' | 'lexemes';

/**
 * The BM25 search statement. Parameters: $1 tenant_id, $2 namespace, $3 query text, $4 limit,
 * $5 k1, $6 b, $7 maxDocFrequency. Returns `id` and `score`, best first, ties by id.
 * An empty result when the query has no lexeme known to the namespace.
 *
 * Plan shape (bench/README.md has the EXPLAIN): the query's lexemes are looked up by primary key
 * in the term table; the probe tsquery is an InitPlan, so candidates come from a bitmap scan of
 * the GIN index; per candidate, `setweight` + `ts_filter` cut the tsvector down to the query's
 * lexemes in C before it is unnested (unnesting whole documents in SQL costs far more).
 * With `docLength` 'lexemes', dl = length(tsv) (distinct lexemes, O(1)); with 'tokens' it is
 * the token count, which costs an unnest of every candidate.
 */
export function bm25SearchSql(s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA, docLength: DocLength = DEFAULT_DOC_LENGTH): string {
  const [total, dl] =
    docLength === 'tokens' ? ['total_tokens', `tsvector_token_count(m.${s.tsvColumn})`] : ['total_lexemes', `length(m.${s.tsvColumn})`];
  return `
    WITH stats AS MATERIALIZED (
      SELECT doc_count::float8 AS n, ${total}::float8 / doc_count AS avgdl
        FROM ${s.statsTable} WHERE tenant_id = $1 AND namespace = $2 AND doc_count > 0
    ), query_terms AS MATERIALIZED (
      SELECT q.lexeme,
             coalesce(array_length(q.positions, 1), 1) * ln(1 + (st.n - t.doc_freq + 0.5) / (t.doc_freq + 0.5)) AS weight,
             t.doc_freq <= $7::float8 * st.n AS probes
        FROM stats st
       CROSS JOIN unnest(to_tsvector('${s.config}', $3)) AS q
       CROSS JOIN LATERAL (SELECT doc_freq FROM ${s.termsTable} t
                            WHERE t.tenant_id = $1 AND t.namespace = $2 AND t.lexeme = q.lexeme) t
    ), candidates AS MATERIALIZED (
      SELECT m.id, ${dl} AS dl,
             ts_filter(setweight(setweight(m.${s.tsvColumn}, 'D'), 'A', (SELECT array_agg(lexeme) FROM query_terms)), '{a}') AS matched
        FROM ${s.memories} m
       WHERE m.tenant_id = $1 AND m.namespace = $2
         -- Lexemes quoted for tsquery input: embedded quotes and backslashes doubled.
         AND m.${s.tsvColumn} @@ (SELECT string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | ')::tsquery
                                    FROM query_terms
                                   WHERE probes OR NOT EXISTS (SELECT 1 FROM query_terms WHERE probes))
    )
    SELECT c.id,
           sum(qt.weight * tf.tf * ($5::float8 + 1)
               / (tf.tf + $5::float8 * (1 - $6::float8 + $6::float8 * c.dl / st.avgdl)))::float8 AS score
      FROM candidates c
     CROSS JOIN stats st
     CROSS JOIN LATERAL (SELECT d.lexeme, coalesce(array_length(d.positions, 1), 1) AS tf FROM unnest(c.matched) AS d) tf
      JOIN query_terms qt ON qt.lexeme = tf.lexeme
     GROUP BY c.id
     ORDER BY score DESC, c.id
     LIMIT $4
  `;
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
