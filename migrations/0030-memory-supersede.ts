import { SqlMigration } from './migration';

/**
 * Supersede: a memory is `active` or `superseded`; a superseded one names its successor
 * (`superseded_by`, with the time, `superseded_at`) and the successor names it (`supersedes`).
 * The link is two columns on memories rather than a `memory_relations` edge: it is single-valued
 * in each direction, read with every memory (no join in the search candidate query) and written
 * together with the state in one row update; relation edges are many-to-many, weighted and
 * writable by clients under any name.
 *
 * Large-table care: every column is nullable or has a constant default (no table rewrite in
 * Postgres >= 11); the CHECK and foreign keys are added NOT VALID (no scan under the ACCESS
 * EXCLUSIVE lock) and validated after (SHARE UPDATE EXCLUSIVE: reads and writes go on).
 * The foreign keys null only their own column when the other memory is hard-deleted (a column
 * list on SET NULL, Postgres >= 15): tenant_id stays.
 *
 * Indexes, tenant first: `memories_superseded_idx` is the candidate query's anti-join (search
 * leaves superseded memories out before any LIMIT); superseded rows are a small share, so the
 * index is small. `memories_supersedes_key` makes "superseded at most once" a constraint, and
 * serves the foreign key's SET NULL on delete, as `memories_superseded_by_idx` does for its own.
 */
export class MemorySupersede1763800000030 extends SqlMigration {
  readonly name = 'MemorySupersede1763800000030';
  readonly previous = 'ApiKeyScopeBinding1763800000029';
  protected readonly upSql = `
    ALTER TABLE memories
      ADD COLUMN state text NOT NULL DEFAULT 'active',
      ADD COLUMN superseded_by uuid,
      ADD COLUMN superseded_at timestamptz,
      ADD COLUMN supersedes uuid;
    ALTER TABLE memories
      ADD CONSTRAINT memories_state_check CHECK (
        (state = 'active' AND superseded_at IS NULL) OR (state = 'superseded' AND superseded_at IS NOT NULL)
      ) NOT VALID,
      ADD CONSTRAINT memories_superseded_by_fkey FOREIGN KEY (tenant_id, superseded_by)
        REFERENCES memories (tenant_id, id) ON DELETE SET NULL (superseded_by) NOT VALID,
      ADD CONSTRAINT memories_supersedes_fkey FOREIGN KEY (tenant_id, supersedes)
        REFERENCES memories (tenant_id, id) ON DELETE SET NULL (supersedes) NOT VALID;
    ALTER TABLE memories VALIDATE CONSTRAINT memories_state_check;
    ALTER TABLE memories VALIDATE CONSTRAINT memories_superseded_by_fkey;
    ALTER TABLE memories VALIDATE CONSTRAINT memories_supersedes_fkey;
    CREATE UNIQUE INDEX memories_supersedes_key ON memories (tenant_id, supersedes) WHERE supersedes IS NOT NULL;
    CREATE INDEX memories_superseded_by_idx ON memories (tenant_id, superseded_by) WHERE superseded_by IS NOT NULL;
    CREATE INDEX memories_superseded_idx ON memories (tenant_id, id) INCLUDE (superseded_at) WHERE state = 'superseded';
  `;
  protected readonly downSql = `
    DROP INDEX memories_superseded_idx;
    DROP INDEX memories_superseded_by_idx;
    DROP INDEX memories_supersedes_key;
    ALTER TABLE memories
      DROP CONSTRAINT memories_supersedes_fkey,
      DROP CONSTRAINT memories_superseded_by_fkey,
      DROP CONSTRAINT memories_state_check,
      DROP COLUMN supersedes,
      DROP COLUMN superseded_at,
      DROP COLUMN superseded_by,
      DROP COLUMN state;
  `;
}
