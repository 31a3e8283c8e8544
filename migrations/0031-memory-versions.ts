import { SqlMigration } from './migration';

/**
 * Every version of every memory: one row per change, written by triggers on `memories` in the
 * transaction of the change, whichever path writes (API, batch, PATCH, supersede, import,
 * extraction, rules). Each row is the memory's state after the change, so "the memory as of T"
 * is the last version with valid_from <= T (a backward scan of the primary key).
 *
 * - Insert: version 1, `change` 'create', valid_from = created_at (statement-level, one INSERT
 *   per statement over the transition table: a 1,000-memory batch costs one pass). An import
 *   (engram.change_reason 'import') writes `change` 'import' valid from the memory's updated_at:
 *   its content before that is not in the file.
 * - Update: a row-level trigger (see 0021 for why not statement-level) that fires only when a
 *   versioned column changed: content, namespace, type, metadata, tags, importance, source,
 *   expiry or state. Embedding status, access counts, a re-embed and the successor's deletion
 *   nulling `superseded_by` write nothing. `change` is 'superseded' for active → superseded,
 *   else 'update'.
 * - Who and why come from transaction-local settings the writer sets (engram.change_reason:
 *   api, extraction, rule, import, …; engram.actor, engram.key_id); an insert's actor is the
 *   memory's own provenance.
 * - Hard delete removes the versions with the memory (foreign-key cascade): nothing resurfaces.
 *
 * Backfill: memories already stored get one 'baseline' version valid from their updated_at
 * (what they were before that is unknown, so an as_of earlier than it does not show them).
 * It copies the table once inside this migration; the trigger creation holds writes to
 * memories until it commits.
 */
export class MemoryVersions1763800000031 extends SqlMigration {
  readonly name = 'MemoryVersions1763800000031';
  readonly previous = 'MemorySupersede1763800000030';
  protected readonly upSql = `
    CREATE TABLE memory_versions (
      tenant_id      text NOT NULL,
      memory_id      uuid NOT NULL,
      version        integer NOT NULL,
      valid_from     timestamptz NOT NULL,
      change         text NOT NULL CHECK (change IN ('create', 'update', 'superseded', 'baseline', 'import')),
      reason         text NOT NULL DEFAULT 'api',
      actor          text,
      key_id         text,
      namespace      text COLLATE "C" NOT NULL,
      content        text NOT NULL,
      type           text NOT NULL,
      metadata       jsonb NOT NULL,
      tags           text[] NOT NULL,
      importance     real NOT NULL,
      source         text,
      expires_at     timestamptz,
      state          text NOT NULL,
      superseded_by  uuid,
      supersedes     uuid,
      PRIMARY KEY (tenant_id, memory_id, version),
      FOREIGN KEY (tenant_id, memory_id) REFERENCES memories (tenant_id, id) ON DELETE CASCADE
    );
    SELECT engram_enable_tenant_rls('memory_versions');

    CREATE FUNCTION memory_versions_on_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO memory_versions (tenant_id, memory_id, version, valid_from, change, reason, actor, key_id,
        namespace, content, type, metadata, tags, importance, source, expires_at, state, superseded_by, supersedes)
      SELECT n.tenant_id, n.id, 1,
             CASE WHEN current_setting('engram.change_reason', true) = 'import' THEN n.updated_at ELSE n.created_at END,
             CASE WHEN current_setting('engram.change_reason', true) = 'import' THEN 'import' ELSE 'create' END,
             coalesce(nullif(current_setting('engram.change_reason', true), ''), 'api'), n.actor, n.created_by_key,
             n.namespace, n.content, n.type, n.metadata, n.tags, n.importance, n.source, n.expires_at, n.state,
             n.superseded_by, n.supersedes
        FROM new_rows n;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER memory_versions_insert AFTER INSERT ON memories
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_versions_on_insert();

    CREATE FUNCTION memory_versions_on_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO memory_versions (tenant_id, memory_id, version, valid_from, change, reason, actor, key_id,
        namespace, content, type, metadata, tags, importance, source, expires_at, state, superseded_by, supersedes)
      SELECT NEW.tenant_id, NEW.id,
             coalesce((SELECT max(v.version) FROM memory_versions v WHERE v.tenant_id = NEW.tenant_id AND v.memory_id = NEW.id), 0) + 1,
             CASE WHEN NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN NEW.updated_at ELSE clock_timestamp() END,
             CASE WHEN OLD.state = 'active' AND NEW.state = 'superseded' THEN 'superseded' ELSE 'update' END,
             coalesce(nullif(current_setting('engram.change_reason', true), ''), 'api'),
             nullif(current_setting('engram.actor', true), ''), nullif(current_setting('engram.key_id', true), ''),
             NEW.namespace, NEW.content, NEW.type, NEW.metadata, NEW.tags, NEW.importance, NEW.source, NEW.expires_at,
             NEW.state, NEW.superseded_by, NEW.supersedes;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER memory_versions_update
      AFTER UPDATE OF namespace, content, type, metadata, tags, importance, source, expires_at, state ON memories
      FOR EACH ROW
      WHEN (OLD.namespace IS DISTINCT FROM NEW.namespace OR OLD.content IS DISTINCT FROM NEW.content
            OR OLD.type IS DISTINCT FROM NEW.type OR OLD.metadata IS DISTINCT FROM NEW.metadata
            OR OLD.tags IS DISTINCT FROM NEW.tags OR OLD.importance IS DISTINCT FROM NEW.importance
            OR OLD.source IS DISTINCT FROM NEW.source OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
            OR OLD.state IS DISTINCT FROM NEW.state)
      EXECUTE FUNCTION memory_versions_on_update();

    INSERT INTO memory_versions (tenant_id, memory_id, version, valid_from, change, reason, actor, key_id,
      namespace, content, type, metadata, tags, importance, source, expires_at, state, superseded_by, supersedes)
    SELECT m.tenant_id, m.id, 1, m.updated_at, 'baseline', 'migration', m.actor, m.created_by_key,
           m.namespace, m.content, m.type, m.metadata, m.tags, m.importance, m.source, m.expires_at, m.state,
           m.superseded_by, m.supersedes
      FROM memories m;
  `;
  protected readonly downSql = `
    DROP TRIGGER memory_versions_update ON memories;
    DROP TRIGGER memory_versions_insert ON memories;
    DROP FUNCTION memory_versions_on_update();
    DROP FUNCTION memory_versions_on_insert();
    DROP TABLE memory_versions;
  `;
}
