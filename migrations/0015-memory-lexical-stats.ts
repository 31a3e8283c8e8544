import { SqlMigration } from './migration';

/**
 * BM25 statistics for memories' full-text column: per-(tenant, namespace) document count and
 * total length, per-lexeme document frequency, kept exactly by statement-level triggers on
 * `memories` (see libs/search/src/lexical/bm25.sql.ts). Needs the `memories` table with
 * tenant_id, id, namespace and a `tsv` tsvector column; it backfills rows already there. Also
 * the (tenant_id, namespace, tsv) GIN index the BM25 candidate probe plans on (btree_gin).
 * The SQL is frozen here, byte for byte as released: libs/search/src/lexical/bm25.ddl.ts still
 * generates this DDL for other schemas (the retrieval bench), but an edit there never reaches a
 * database that ran this migration. A change to these tables or triggers needs a new migration.
 */
export class MemoryLexicalStats1763800000015 extends SqlMigration {
  readonly name = 'MemoryLexicalStats1763800000015';
  readonly previous = 'MemoryRelations1763800000014';
  // The triggers write the statistics as the role that wrote the memories: the app role inside
  // Database.withTenant (RLS admits the tenant's own rows, which are the only ones its
  // statements touch) or the login role in Database.crossTenant.
  protected readonly upSql = `
    CREATE TABLE memory_lexical_stats (
      tenant_id     text NOT NULL,
      namespace     text NOT NULL,
      doc_count      bigint NOT NULL,
      total_tokens   bigint NOT NULL,
      total_lexemes  bigint NOT NULL,
      PRIMARY KEY (tenant_id, namespace)
    );
    CREATE TABLE memory_lexical_terms (
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
    CREATE FUNCTION memory_lexical_apply(tenant_ids text[], namespaces text[], tsvs tsvector[], signs integer[])
      RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO memory_lexical_stats AS st (tenant_id, namespace, doc_count, total_tokens, total_lexemes)
      SELECT c.tenant_id, c.namespace, sum(c.sign), sum(c.sign * tsvector_token_count(c.tsv)), sum(c.sign * length(c.tsv))
        FROM unnest(tenant_ids, namespaces, tsvs, signs) AS c(tenant_id, namespace, tsv, sign)
       GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (tenant_id, namespace) DO UPDATE
        SET doc_count = st.doc_count + excluded.doc_count,
            total_tokens = st.total_tokens + excluded.total_tokens,
            total_lexemes = st.total_lexemes + excluded.total_lexemes;

      INSERT INTO memory_lexical_terms AS tt (tenant_id, namespace, lexeme, doc_freq)
      SELECT c.tenant_id, c.namespace, l.lexeme, sum(c.sign)
        FROM unnest(tenant_ids, namespaces, tsvs, signs) AS c(tenant_id, namespace, tsv, sign)
        CROSS JOIN LATERAL unnest(c.tsv) AS l
       GROUP BY 1, 2, 3 HAVING sum(c.sign) <> 0 ORDER BY 1, 2, 3
      ON CONFLICT (tenant_id, namespace, lexeme) DO UPDATE SET doc_freq = tt.doc_freq + excluded.doc_freq;

      IF -1 = ANY (signs) THEN
        DELETE FROM memory_lexical_terms tt
         USING (SELECT DISTINCT c.tenant_id, c.namespace, l.lexeme
                  FROM unnest(tenant_ids, namespaces, tsvs, signs) AS c(tenant_id, namespace, tsv, sign)
                  CROSS JOIN LATERAL unnest(c.tsv) AS l WHERE c.sign < 0) gone
         WHERE tt.tenant_id = gone.tenant_id AND tt.namespace = gone.namespace AND tt.lexeme = gone.lexeme
           AND tt.doc_freq <= 0;
        DELETE FROM memory_lexical_stats st
         WHERE st.doc_count <= 0
           AND (st.tenant_id, st.namespace) IN
               (SELECT c.tenant_id, c.namespace FROM unnest(tenant_ids, namespaces, signs) AS c(tenant_id, namespace, sign));
      END IF;
    END
    $fn$;

    CREATE FUNCTION memory_lexical_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM memory_lexical_apply(array_agg(tenant_id), array_agg(namespace), array_agg(tsv), array_agg(1))
         FROM new_rows HAVING count(*) > 0;
      RETURN NULL;
    END
    $fn$;
    CREATE FUNCTION memory_lexical_on_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM memory_lexical_apply(array_agg(tenant_id), array_agg(namespace), array_agg(tsv), array_agg(-1))
         FROM old_rows HAVING count(*) > 0;
      RETURN NULL;
    END
    $fn$;
    -- Only rows whose text or namespace changed count: an update of metadata or access
    -- statistics leaves the statistics (and their row locks) alone.
    CREATE FUNCTION memory_lexical_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM memory_lexical_apply(array_agg(c.tenant_id), array_agg(c.namespace), array_agg(c.tsv), array_agg(c.sign))
         FROM (SELECT o.tenant_id, o.namespace, o.tsv AS tsv, -1 AS sign
                 FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id
                WHERE o.tsv IS DISTINCT FROM n.tsv OR o.namespace IS DISTINCT FROM n.namespace
               UNION ALL
               SELECT n.tenant_id, n.namespace, n.tsv, 1
                 FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id
                WHERE o.tsv IS DISTINCT FROM n.tsv OR o.namespace IS DISTINCT FROM n.namespace) c
       HAVING count(*) > 0;
      RETURN NULL;
    END
    $fn$;

CREATE TRIGGER memory_lexical_insert AFTER INSERT ON memories
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_on_insert();
    CREATE TRIGGER memory_lexical_delete AFTER DELETE ON memories
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_on_delete();
    CREATE TRIGGER memory_lexical_update AFTER UPDATE ON memories
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_on_update();

    -- Existing memories (the migration may run after memories were written).
    SELECT memory_lexical_apply(array_agg(tenant_id), array_agg(namespace), array_agg(tsv), array_agg(1))
      FROM memories HAVING count(*) > 0;
  
    CREATE EXTENSION IF NOT EXISTS btree_gin;
    CREATE INDEX memory_lexical_probe_idx ON memories USING gin (tenant_id, namespace, tsv);
  SELECT engram_enable_tenant_rls('memory_lexical_stats');
    SELECT engram_enable_tenant_rls('memory_lexical_terms');
    DROP INDEX memories_tsv_idx;`;
  // memories_tsv_idx (tenant_id, tsv) served the all-words stage BM25 replaced; the probe index
  // leads with the same columns, so keeping both would only double the GIN writes.
  protected readonly downSql = `CREATE INDEX memories_tsv_idx ON memories USING gin (tenant_id, tsv);DROP INDEX memory_lexical_probe_idx;
    DROP TRIGGER memory_lexical_insert ON memories; DROP FUNCTION memory_lexical_on_insert();
    DROP TRIGGER memory_lexical_delete ON memories; DROP FUNCTION memory_lexical_on_delete();
    DROP TRIGGER memory_lexical_update ON memories; DROP FUNCTION memory_lexical_on_update();
    DROP FUNCTION memory_lexical_apply(text[], text[], tsvector[], integer[]);
    DROP FUNCTION tsvector_token_count(tsvector);
    DROP TABLE memory_lexical_terms;
    DROP TABLE memory_lexical_stats;
  `;
}
