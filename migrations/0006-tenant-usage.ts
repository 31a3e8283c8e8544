import { SqlMigration } from './migration';

export class TenantUsage1763800000006 extends SqlMigration {
  readonly name = 'TenantUsage1763800000006';
  readonly previous = 'TenantLifecycle1763800000005';
  // One counter row per tenant: quota checks update it atomically in the writer's transaction
  // (UPDATE … WHERE used + n <= limit), so concurrent writers serialise on it and never overshoot.
  protected readonly upSql = `
    CREATE TABLE tenant_usage (
      tenant_id      text PRIMARY KEY,
      pins           bigint NOT NULL DEFAULT 0 CHECK (pins >= 0),
      memories       bigint NOT NULL DEFAULT 0 CHECK (memories >= 0),
      storage_bytes  bigint NOT NULL DEFAULT 0 CHECK (storage_bytes >= 0),
      updated_at     timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO tenant_usage (tenant_id, pins)
    SELECT t.id, (SELECT count(*) FROM memory_pins p WHERE p.tenant_id = t.id) FROM tenants t;
  `;
  protected readonly downSql = `DROP TABLE tenant_usage;`;
}
