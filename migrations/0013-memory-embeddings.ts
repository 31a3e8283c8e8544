import { SqlMigration } from './migration';

export class MemoryEmbeddings1763800000013 extends SqlMigration {
  readonly name = 'MemoryEmbeddings1763800000013';
  readonly previous = 'Memories1763800000012';
  // The column has no fixed dimension so models of any size share the table; HNSW needs one, so
  // each model gets a partial expression index (embedding::vector(N)) WHERE model = '…'. The
  // built-in local model's index is created here; other models' indexes are created by the
  // embeddings service when a namespace first uses them. namespace is copied from the memory so
  // the vector stage filters without a join.
  protected readonly upSql = `
    CREATE TABLE memory_embeddings (
      tenant_id   text NOT NULL,
      memory_id   uuid NOT NULL,
      model       text NOT NULL,
      namespace   text COLLATE "C" NOT NULL,
      embedding   vector NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, memory_id, model),
      FOREIGN KEY (tenant_id, memory_id) REFERENCES memories (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX memory_embeddings_scope_idx ON memory_embeddings (tenant_id, model, namespace);
    CREATE INDEX memory_embeddings_hnsw_local_hash_384 ON memory_embeddings
      USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE model = 'local-hash-384';
    SELECT engram_enable_tenant_rls('memory_embeddings');
  `;
  protected readonly downSql = `DROP TABLE memory_embeddings;`;
}
