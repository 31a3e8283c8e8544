import { SqlMigration } from './migration';

/**
 * The BM25 statistics (0015) and postings (0017) follow an UPDATE of `memories` through row-level
 * triggers that fire only for rows whose text, namespace, keys or (postings) expiry changed.
 *
 * The statement-level update triggers they replace fired for every UPDATE, a status or access
 * count one included, and joined the statement's transition tables old_rows and new_rows to find
 * the changed rows. Postgres plans a trigger's queries once per session and keeps the plan, with
 * row estimates taken from the transition tables of that first call: after a one-row update, a
 * 1,000-row `SET embedding_status = 'ready'` joined them in a nested loop (42M row pairs, 31 s)
 * and hit the statement timeout, although no text had changed. Postgres refuses a column list
 * on a trigger with transition tables, hence rows: `UPDATE OF` skips a statement that sets none
 * of the columns without looking at a row, and WHEN skips a row whose values did not change, so
 * an update of anything else queues no trigger call at all. A changed row costs index lookups
 * by its own key. Inserts and deletes keep their statement-level triggers (no join, linear).
 *
 * tsv is generated from content: Postgres counts it as updated when content is set.
 * Row order: a single statement that changes the text of many memories of one namespace takes
 * the term rows' locks row by row rather than in key order; the API changes one memory's text
 * per statement, so two writers only ever queue on the namespace's statistics row first.
 *
 * The SQL is spelled out rather than built from libs/search: a released migration never moves.
 */
export class LexicalRowUpdateTriggers1763800000021 extends SqlMigration {
  readonly name = 'LexicalRowUpdateTriggers1763800000021';
  readonly previous = 'AuditOutboxRetired1763800000020';
  protected readonly upSql = `
    DROP TRIGGER memory_lexical_update ON memories;
    DROP TRIGGER memory_lexical_postings_update ON memories;

    CREATE OR REPLACE FUNCTION memory_lexical_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM memory_lexical_apply(ARRAY[OLD.tenant_id, NEW.tenant_id], ARRAY[OLD.namespace, NEW.namespace],
                                   ARRAY[OLD.tsv, NEW.tsv], ARRAY[-1, 1]);
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER memory_lexical_update AFTER UPDATE OF tenant_id, namespace, content, tsv ON memories
      FOR EACH ROW
      WHEN (OLD.tsv IS DISTINCT FROM NEW.tsv OR OLD.namespace IS DISTINCT FROM NEW.namespace
            OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
      EXECUTE FUNCTION memory_lexical_on_update();

    -- Every statement names the full primary key (lexeme = ANY of the memory's lexemes): index
    -- probes, never a scan of the namespace's postings.
    CREATE OR REPLACE FUNCTION memory_lexical_postings_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF OLD.tsv IS DISTINCT FROM NEW.tsv OR OLD.namespace IS DISTINCT FROM NEW.namespace
         OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.id IS DISTINCT FROM NEW.id THEN
        DELETE FROM memory_lexical_postings p
         WHERE p.tenant_id = OLD.tenant_id AND p.namespace = OLD.namespace
           AND p.lexeme = ANY (tsvector_to_array(OLD.tsv)) AND p.memory_id = OLD.id;
        INSERT INTO memory_lexical_postings (tenant_id, namespace, lexeme, memory_id, tf, dl, expires_at)
        SELECT NEW.tenant_id, NEW.namespace, l.lexeme, NEW.id, coalesce(array_length(l.positions, 1), 1),
               length(NEW.tsv), NEW.expires_at
          FROM unnest(NEW.tsv) AS l;
      ELSE
        UPDATE memory_lexical_postings p SET expires_at = NEW.expires_at
         WHERE p.tenant_id = NEW.tenant_id AND p.namespace = NEW.namespace
           AND p.lexeme = ANY (tsvector_to_array(NEW.tsv)) AND p.memory_id = NEW.id;
      END IF;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER memory_lexical_postings_update AFTER UPDATE OF tenant_id, id, namespace, content, tsv, expires_at
      ON memories
      FOR EACH ROW
      WHEN (OLD.tsv IS DISTINCT FROM NEW.tsv OR OLD.namespace IS DISTINCT FROM NEW.namespace
            OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.id IS DISTINCT FROM NEW.id
            OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
      EXECUTE FUNCTION memory_lexical_postings_on_update();
  `;
  // The statement-level triggers and functions exactly as 0015 and 0017 made them.
  protected readonly downSql = `
    DROP TRIGGER memory_lexical_update ON memories;
    DROP TRIGGER memory_lexical_postings_update ON memories;

    CREATE OR REPLACE FUNCTION memory_lexical_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    CREATE TRIGGER memory_lexical_update AFTER UPDATE ON memories
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_on_update();

    CREATE OR REPLACE FUNCTION memory_lexical_postings_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
    CREATE TRIGGER memory_lexical_postings_update AFTER UPDATE ON memories
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_postings_on_update();
  `;
}
