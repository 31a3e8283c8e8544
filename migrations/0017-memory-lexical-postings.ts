import { SqlMigration } from './migration';

/**
 * BM25 postings for memories: one row per memory and lexeme, kept by statement-level triggers on
 * `memories`, backfilled here. They replace the (tenant_id, namespace, tsv) GIN probe of
 * migration 0015, which the app role could not use: under row-level security `@@` is not
 * leakproof, so the planner scanned the tenant's memories instead (docs/adr/0005-bm25-postings.md).
 * Nothing else reads that index, so it goes. The SQL is frozen here as released (the model is
 * described in libs/search/src/lexical/bm25.ddl.ts); a change needs a new migration.
 */
export class MemoryLexicalPostings1763800000017 extends SqlMigration {
  readonly name = 'MemoryLexicalPostings1763800000017';
  readonly previous = 'PinGetFunction1763800000016';
  protected readonly upSql = `
    -- tf is at most 256 (a tsvector keeps that many positions per lexeme); dl can exceed int2.
    -- The primary key carries tf, dl and expires_at so BM25 never visits the heap.
    CREATE TABLE memory_lexical_postings (
      tenant_id   text NOT NULL,
      namespace   text COLLATE "C" NOT NULL,
      lexeme      text COLLATE "C" NOT NULL,
      memory_id   uuid NOT NULL,
      tf          smallint NOT NULL,
      dl          integer NOT NULL,
      expires_at  timestamptz,
      PRIMARY KEY (tenant_id, namespace, lexeme, memory_id) INCLUDE (tf, dl, expires_at)
    );

    CREATE FUNCTION memory_lexical_postings_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO memory_lexical_postings (tenant_id, namespace, lexeme, memory_id, tf, dl, expires_at)
     SELECT n.tenant_id, n.namespace, l.lexeme, n.id, coalesce(array_length(l.positions, 1), 1),
            length(n.tsv), n.expires_at
       FROM new_rows n CROSS JOIN LATERAL unnest(n.tsv) AS l;
      RETURN NULL;
    END
    $fn$;
    CREATE FUNCTION memory_lexical_postings_on_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      DELETE FROM memory_lexical_postings p
       USING (SELECT o.tenant_id, o.namespace, o.id, l.lexeme
                FROM old_rows o CROSS JOIN LATERAL unnest(o.tsv) AS l) gone
       WHERE p.tenant_id = gone.tenant_id AND p.namespace = gone.namespace AND p.lexeme = gone.lexeme
         AND p.memory_id = gone.id;
      RETURN NULL;
    END
    $fn$;
    CREATE FUNCTION memory_lexical_postings_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      DELETE FROM memory_lexical_postings p
       USING (SELECT o.tenant_id, o.namespace, o.id, l.lexeme
                FROM (SELECT o.* FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id WHERE o.tsv IS DISTINCT FROM n.tsv OR o.namespace IS DISTINCT FROM n.namespace) o CROSS JOIN LATERAL unnest(o.tsv) AS l) gone
       WHERE p.tenant_id = gone.tenant_id AND p.namespace = gone.namespace AND p.lexeme = gone.lexeme
         AND p.memory_id = gone.id;
      INSERT INTO memory_lexical_postings (tenant_id, namespace, lexeme, memory_id, tf, dl, expires_at)
     SELECT n.tenant_id, n.namespace, l.lexeme, n.id, coalesce(array_length(l.positions, 1), 1),
            length(n.tsv), n.expires_at
       FROM (SELECT n.* FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id WHERE o.tsv IS DISTINCT FROM n.tsv OR o.namespace IS DISTINCT FROM n.namespace) n CROSS JOIN LATERAL unnest(n.tsv) AS l;
      UPDATE memory_lexical_postings p SET expires_at = moved.expires_at
         FROM (SELECT n.tenant_id, n.namespace, n.id, n.expires_at AS expires_at, l.lexeme
                 FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.id = o.id CROSS JOIN LATERAL unnest(n.tsv) AS l
                WHERE NOT (o.tsv IS DISTINCT FROM n.tsv OR o.namespace IS DISTINCT FROM n.namespace) AND o.expires_at IS DISTINCT FROM n.expires_at) moved
        WHERE p.tenant_id = moved.tenant_id AND p.namespace = moved.namespace AND p.lexeme = moved.lexeme
          AND p.memory_id = moved.id;
      RETURN NULL;
    END
    $fn$;

CREATE TRIGGER memory_lexical_postings_insert AFTER INSERT ON memories
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_postings_on_insert();
    CREATE TRIGGER memory_lexical_postings_delete AFTER DELETE ON memories
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_postings_on_delete();
    CREATE TRIGGER memory_lexical_postings_update AFTER UPDATE ON memories
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_postings_on_update();

    -- Existing memories (the migration may run after memories were written).
    INSERT INTO memory_lexical_postings (tenant_id, namespace, lexeme, memory_id, tf, dl, expires_at)
     SELECT m.tenant_id, m.namespace, l.lexeme, m.id, coalesce(array_length(l.positions, 1), 1),
            length(m.tsv), m.expires_at
       FROM memories m CROSS JOIN LATERAL unnest(m.tsv) AS l;
  SELECT engram_enable_tenant_rls('memory_lexical_postings');DROP INDEX memory_lexical_probe_idx;`;
  protected readonly downSql = `
    CREATE EXTENSION IF NOT EXISTS btree_gin;
    CREATE INDEX memory_lexical_probe_idx ON memories USING gin (tenant_id, namespace, tsv);
  
    DROP TRIGGER memory_lexical_postings_insert ON memories; DROP FUNCTION memory_lexical_postings_on_insert();
    DROP TRIGGER memory_lexical_postings_delete ON memories; DROP FUNCTION memory_lexical_postings_on_delete();
    DROP TRIGGER memory_lexical_postings_update ON memories; DROP FUNCTION memory_lexical_postings_on_update();
    DROP TABLE memory_lexical_postings;
  `;
}
