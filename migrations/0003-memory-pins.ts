import { SqlMigration } from './migration';

export class MemoryPins1763800000003 extends SqlMigration {
  readonly name = 'MemoryPins1763800000003';
  readonly previous = 'Tenants1763800000002';
  // key is COLLATE "C" so the primary key serves prefix ranges and keyset pages in byte order.
  protected readonly upSql = `
    CREATE TABLE memory_pins (
      tenant_id   text NOT NULL,
      key         text COLLATE "C" NOT NULL,
      id          uuid NOT NULL DEFAULT gen_random_uuid(),
      value       jsonb NOT NULL,
      source      text,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      expires_at  timestamptz,
      PRIMARY KEY (tenant_id, key),
      UNIQUE (tenant_id, id)
    );
    CREATE INDEX memory_pins_expires_at_idx ON memory_pins (expires_at) WHERE expires_at IS NOT NULL;
  `;
  protected readonly downSql = `DROP TABLE memory_pins;`;
}
