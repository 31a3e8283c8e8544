import { SqlMigration } from './migration';

export class TenantLifecycle1763800000005 extends SqlMigration {
  readonly name = 'TenantLifecycle1763800000005';
  readonly previous = 'MemoryAudit1763800000004';
  // Pins used to accept any tenant slug; from here a tenant must exist, so every tenant that
  // already owns pins is registered rather than orphaned.
  protected readonly upSql = `
    INSERT INTO tenants (id, name)
    SELECT DISTINCT tenant_id, tenant_id FROM memory_pins
    WHERE tenant_id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'
    ON CONFLICT (id) DO NOTHING;
    ALTER TABLE tenants
      ADD CONSTRAINT tenants_plan_check CHECK (plan IN ('free', 'standard', 'premium')),
      ADD CONSTRAINT tenants_status_check CHECK (status IN ('active', 'suspended', 'pending_deletion')),
      ADD CONSTRAINT tenants_quotas_object CHECK (jsonb_typeof(quotas) = 'object');
    CREATE INDEX tenants_status_id_idx ON tenants (status, id);
    CREATE INDEX tenants_plan_id_idx ON tenants (plan, id);
  `;
  protected readonly downSql = `
    DROP INDEX tenants_plan_id_idx;
    DROP INDEX tenants_status_id_idx;
    ALTER TABLE tenants
      DROP CONSTRAINT tenants_quotas_object,
      DROP CONSTRAINT tenants_status_check,
      DROP CONSTRAINT tenants_plan_check;
  `;
}
