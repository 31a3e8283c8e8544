import { SqlMigration } from './migration';

/**
 * Who and when a memory is about: `user_id`, `agent_id`, `session_id` (a conversation or run),
 * `occurred_at` (when the event happened; NULL means "when it was stored", so readers use
 * coalesce(occurred_at, created_at) and no existing row is rewritten), and `idempotency_key`
 * (set by chat ingestion for each message, so a retried exchange stores nothing twice).
 *
 * Every new column is nullable without a default: ADD COLUMN is a catalogue change, no table
 * rewrite. Content stays unique per namespace for ordinary memories, now per user and agent
 * within it (the same words about two users are two facts, and a key bound to one user must not
 * get another user's memory back as "the duplicate"; '' stands for none, which no id can be);
 * messages (rows with an idempotency key) are unique by that key instead, since two turns of a
 * chat may say the same thing ("ok"). The swap rebuilds that unique index once (it holds a write
 * lock while it builds).
 * The indexes lead with tenant_id and serve the list filters (newest first per user / agent),
 * a session's messages in order, and the occurred_at window.
 */
export class MemoryScopes1763800000028 extends SqlMigration {
  readonly name = 'MemoryScopes1763800000028';
  readonly previous = 'DriftComparisons1763800000027';
  protected readonly upSql = `
    ALTER TABLE memories
      ADD COLUMN user_id text,
      ADD COLUMN agent_id text,
      ADD COLUMN session_id text,
      ADD COLUMN occurred_at timestamptz,
      ADD COLUMN idempotency_key text;
    CREATE INDEX memories_user_idx ON memories (tenant_id, user_id, created_at DESC, id DESC) WHERE user_id IS NOT NULL;
    CREATE INDEX memories_agent_idx ON memories (tenant_id, agent_id, created_at DESC, id DESC) WHERE agent_id IS NOT NULL;
    CREATE INDEX memories_session_idx ON memories (tenant_id, session_id, (coalesce(occurred_at, created_at)), created_at, id)
      WHERE session_id IS NOT NULL;
    CREATE INDEX memories_occurred_idx ON memories (tenant_id, (coalesce(occurred_at, created_at)));
    CREATE UNIQUE INDEX memories_idempotency_key_idx ON memories (tenant_id, namespace, idempotency_key)
      WHERE idempotency_key IS NOT NULL;
    CREATE UNIQUE INDEX memories_content_unique_idx ON memories
      (tenant_id, namespace, content_hash, (coalesce(user_id, '')), (coalesce(agent_id, '')))
      WHERE idempotency_key IS NULL;
    ALTER TABLE memories DROP CONSTRAINT memories_tenant_id_namespace_content_hash_key;
  `;
  // Messages may repeat content; the old constraint cannot come back over them, so going back
  // keeps the oldest copy of each repeated content (the columns that told them apart go too).
  protected readonly downSql = `
    DELETE FROM memories m USING (
      SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id, namespace, content_hash ORDER BY created_at, id) AS n
        FROM memories
    ) d
    WHERE m.tenant_id = d.tenant_id AND m.id = d.id AND d.n > 1;
    ALTER TABLE memories ADD CONSTRAINT memories_tenant_id_namespace_content_hash_key UNIQUE (tenant_id, namespace, content_hash);
    DROP INDEX memories_content_unique_idx;
    DROP INDEX memories_idempotency_key_idx;
    DROP INDEX memories_occurred_idx;
    DROP INDEX memories_session_idx;
    DROP INDEX memories_agent_idx;
    DROP INDEX memories_user_idx;
    ALTER TABLE memories
      DROP COLUMN idempotency_key,
      DROP COLUMN occurred_at,
      DROP COLUMN session_id,
      DROP COLUMN agent_id,
      DROP COLUMN user_id;
  `;
}
