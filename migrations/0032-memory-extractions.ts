import { SqlMigration } from './migration';

/**
 * One row per extraction request: what it reads (message memory ids), where it stands, and what
 * it decided per fact (action and memory id only: the facts' text lives in the memories, so a
 * hard delete of a memory leaves no copy of its content here).
 */
export class MemoryExtractions1763800000032 extends SqlMigration {
  readonly name = 'MemoryExtractions1763800000032';
  readonly previous = 'MemoryVersions1763800000031';
  protected readonly upSql = `
    CREATE TABLE memory_extractions (
      tenant_id      text NOT NULL,
      id             uuid NOT NULL DEFAULT gen_random_uuid(),
      namespace      text COLLATE "C" NOT NULL,
      message_ids    uuid[] NOT NULL CHECK (cardinality(message_ids) BETWEEN 1 AND 1000),
      status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      extractor      text NOT NULL CHECK (extractor IN ('llm', 'offline')),
      attempts       integer NOT NULL DEFAULT 0,
      error_code     text,
      error_message  text,
      decisions      jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now(),
      finished_at    timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, namespace) REFERENCES namespaces (tenant_id, name) ON DELETE CASCADE
    );
    SELECT engram_enable_tenant_rls('memory_extractions');
  `;
  protected readonly downSql = `DROP TABLE memory_extractions;`;
}
