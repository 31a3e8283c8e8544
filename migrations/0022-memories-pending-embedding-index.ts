import { SqlMigration } from './migration';

/**
 * The embedding sweep (libs/memories, `embeddings.sweep`) looks across tenants for memories still
 * `pending` a vector some time after their last write. Pending rows are few (a backlog at most),
 * so a partial index on the write time finds them without reading the table.
 */
export class MemoriesPendingEmbeddingIndex1763800000022 extends SqlMigration {
  readonly name = 'MemoriesPendingEmbeddingIndex1763800000022';
  readonly previous = 'LexicalRowUpdateTriggers1763800000021';
  protected readonly upSql = `
    CREATE INDEX memories_pending_embedding_idx ON memories (updated_at) WHERE embedding_status = 'pending';
  `;
  protected readonly downSql = `DROP INDEX memories_pending_embedding_idx;`;
}
