/**
 * DDL of the BM25 statistics and postings (see bm25.sql.ts for the model) for any table shaped
 * like `memories`: the retrieval bench builds scratch schemas with it. The `memories` tables of
 * a real database get theirs from migrations 0015 and 0017, which hold this SQL frozen as it was
 * released; a change here reaches no database until a new migration carries it.
 */

export interface LexicalSchema {
  /** Table holding the memories: tenant_id text, id uuid, namespace text, and the tsvector column. */
  memories: string;
  tsvColumn: string;
  /** Text search configuration the tsvector column was built with; the query must use the same one. */
  config: string;
  statsTable: string;
  termsTable: string;
  /** One row per (memory, lexeme): what BM25 needs of a document, readable from an index alone. */
  postingsTable: string;
  /** The memories' expiry column, copied into the postings; null when the table has none. */
  expiresAtColumn: string | null;
  /** Prefix for the trigger functions and triggers. */
  prefix: string;
}

export const MEMORIES_LEXICAL_SCHEMA: LexicalSchema = {
  memories: 'memories',
  tsvColumn: 'tsv',
  config: 'english',
  statsTable: 'memory_lexical_stats',
  termsTable: 'memory_lexical_terms',
  postingsTable: 'memory_lexical_postings',
  expiresAtColumn: 'expires_at',
  prefix: 'memory_lexical',
};

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

${statementTriggersSql(s.memories, s.prefix)}

    -- Existing memories (the migration may run after memories were written).
    SELECT ${s.prefix}_apply(array_agg(tenant_id), array_agg(namespace), array_agg(${s.tsvColumn}), array_agg(1))
      FROM ${s.memories} HAVING count(*) > 0;
  `;
}

/**
 * The postings: for every memory and each lexeme of its tsvector, the lexeme's frequency in it
 * (tf), its length in distinct lexemes (dl) and its expiry. BM25 reads candidates and scores
 * from the primary key alone (an index-only scan, no tsvector detoasted), and every predicate
 * on it is a leakproof equality, so it stays an index scan under row-level security — unlike
 * `tsv @@ query`, whose operator is not leakproof: under a policy the planner may not use it as
 * an index condition and falls back to scanning the tenant's rows (docs/adr/0005).
 *
 * Statement-level triggers keep the postings equal to the memories' tsvectors in the writing
 * transaction: insert adds a memory's rows, delete removes them by primary key, an update of the
 * text or namespace replaces them and an update of the expiry rewrites it; an update of anything
 * else (metadata, access counts) finds no changed row and writes nothing. (Postgres refuses a
 * column list on triggers with transition tables, so the update trigger fires for every update.)
 */
export function lexicalPostingsUpSql(s: LexicalSchema = MEMORIES_LEXICAL_SCHEMA): string {
  const expires = (alias: string) => (s.expiresAtColumn ? `${alias}.${s.expiresAtColumn}` : 'NULL::timestamptz');
  /** `rows` is a table or a parenthesised subquery of memories, read as `alias`. */
  const insertPostings = (rows: string, alias: string) =>
    `INSERT INTO ${s.postingsTable} (tenant_id, namespace, lexeme, memory_id, tf, dl, expires_at)
     SELECT ${alias}.tenant_id, ${alias}.namespace, l.lexeme, ${alias}.id, coalesce(array_length(l.positions, 1), 1),
            length(${alias}.${s.tsvColumn}), ${expires(alias)}
       FROM ${rows} ${alias} CROSS JOIN LATERAL unnest(${alias}.${s.tsvColumn}) AS l`;
  const deletePostings = (rows: string, alias: string) =>
    `DELETE FROM ${s.postingsTable} p
       USING (SELECT ${alias}.tenant_id, ${alias}.namespace, ${alias}.id, l.lexeme
                FROM ${rows} ${alias} CROSS JOIN LATERAL unnest(${alias}.${s.tsvColumn}) AS l) gone
       WHERE p.tenant_id = gone.tenant_id AND p.namespace = gone.namespace AND p.lexeme = gone.lexeme
         AND p.memory_id = gone.id`;
  const changed = `o.${s.tsvColumn} IS DISTINCT FROM n.${s.tsvColumn} OR o.namespace IS DISTINCT FROM n.namespace`;
  const paired = 'old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id';
  const expiryUpdate = s.expiresAtColumn
    ? `UPDATE ${s.postingsTable} p SET expires_at = moved.expires_at
         FROM (SELECT n.tenant_id, n.namespace, n.id, n.${s.expiresAtColumn} AS expires_at, l.lexeme
                 FROM ${paired} CROSS JOIN LATERAL unnest(n.${s.tsvColumn}) AS l
                WHERE NOT (${changed}) AND o.${s.expiresAtColumn} IS DISTINCT FROM n.${s.expiresAtColumn}) moved
        WHERE p.tenant_id = moved.tenant_id AND p.namespace = moved.namespace AND p.lexeme = moved.lexeme
          AND p.memory_id = moved.id;`
    : '';
  return `
    -- tf is at most 256 (a tsvector keeps that many positions per lexeme); dl can exceed int2.
    -- The primary key carries tf, dl and expires_at so BM25 never visits the heap.
    CREATE TABLE ${s.postingsTable} (
      tenant_id   text NOT NULL,
      namespace   text COLLATE "C" NOT NULL,
      lexeme      text COLLATE "C" NOT NULL,
      memory_id   uuid NOT NULL,
      tf          smallint NOT NULL,
      dl          integer NOT NULL,
      expires_at  timestamptz,
      PRIMARY KEY (tenant_id, namespace, lexeme, memory_id) INCLUDE (tf, dl, expires_at)
    );

    CREATE FUNCTION ${s.prefix}_postings_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      ${insertPostings('new_rows', 'n')};
      RETURN NULL;
    END
    $fn$;
    CREATE FUNCTION ${s.prefix}_postings_on_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      ${deletePostings('old_rows', 'o')};
      RETURN NULL;
    END
    $fn$;
    CREATE FUNCTION ${s.prefix}_postings_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      ${deletePostings(`(SELECT o.* FROM ${paired} WHERE ${changed})`, 'o')};
      ${insertPostings(`(SELECT n.* FROM ${paired} WHERE ${changed})`, 'n')};
      ${expiryUpdate}
      RETURN NULL;
    END
    $fn$;

${statementTriggersSql(s.memories, `${s.prefix}_postings`)}

    -- Existing memories (the migration may run after memories were written).
    ${insertPostings(s.memories, 'm')};
  `;
}

/**
 * Statement-level AFTER INSERT, DELETE and UPDATE triggers `<prefix>_insert|delete|update` on
 * `table`, calling `<prefix>_on_insert|on_delete|on_update()` with transition tables `new_rows`
 * and `old_rows`.
 */
function statementTriggersSql(table: string, prefix: string): string {
  return `CREATE TRIGGER ${prefix}_insert AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}_on_insert();
    CREATE TRIGGER ${prefix}_delete AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}_on_delete();
    CREATE TRIGGER ${prefix}_update AFTER UPDATE ON ${table}
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}_on_update();`;
}
