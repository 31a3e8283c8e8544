import { SqlMigration } from './migration';

export class MemoryRelations1763800000014 extends SqlMigration {
  readonly name = 'MemoryRelations1763800000014';
  readonly previous = 'MemoryEmbeddings1763800000013';
  // Both ends reference (tenant_id, id), so an edge can never join two tenants, and deleting a
  // memory deletes its edges in both directions.
  protected readonly upSql = `
    CREATE TABLE memory_relations (
      tenant_id   text NOT NULL,
      from_id     uuid NOT NULL,
      relation    text NOT NULL,
      to_id       uuid NOT NULL,
      weight      real NOT NULL DEFAULT 1 CHECK (weight > 0 AND weight <= 1),
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, from_id, relation, to_id),
      FOREIGN KEY (tenant_id, from_id) REFERENCES memories (tenant_id, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant_id, to_id) REFERENCES memories (tenant_id, id) ON DELETE CASCADE
    );
    CREATE INDEX memory_relations_to_idx ON memory_relations (tenant_id, to_id);
    SELECT engram_enable_tenant_rls('memory_relations');
  `;
  protected readonly downSql = `DROP TABLE memory_relations;`;
}
