import { SqlMigration } from './migration';

/**
 * A memory may hold several vectors per model: passage 0 covers the start of its text (all of a
 * short one), passages 1… the later windows of a text longer than the model's input (the sentence
 * model reads 256 tokens). Search scores a memory by its best passage. Vectors stored before keep
 * passage 0, which is what they were; a re-embed adds the rest.
 */
export class MemoryEmbeddingPassages1763800000023 extends SqlMigration {
  readonly name = 'MemoryEmbeddingPassages1763800000023';
  readonly previous = 'MemoriesPendingEmbeddingIndex1763800000022';
  protected readonly upSql = `
    ALTER TABLE memory_embeddings ADD COLUMN passage smallint NOT NULL DEFAULT 0 CHECK (passage >= 0);
    ALTER TABLE memory_embeddings DROP CONSTRAINT memory_embeddings_pkey;
    ALTER TABLE memory_embeddings ADD PRIMARY KEY (tenant_id, memory_id, model, passage);
  `;
  protected readonly downSql = `
    DELETE FROM memory_embeddings WHERE passage > 0;
    ALTER TABLE memory_embeddings DROP CONSTRAINT memory_embeddings_pkey;
    ALTER TABLE memory_embeddings ADD PRIMARY KEY (tenant_id, memory_id, model);
    ALTER TABLE memory_embeddings DROP COLUMN passage;
  `;
}
