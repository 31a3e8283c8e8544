import { SqlMigration } from './migration';

export class TenantUsage1763800000006 extends SqlMigration {
  readonly name = 'TenantUsage1763800000006';
  readonly previous = 'TenantLifecycle1763800000005';
  // One counter row per tenant: quota checks update it atomically in the writer's transaction
  // (UPDATE … WHERE used + n <= limit), so concurrent writers serialise on it and never overshoot.
  // Deletions give counts back through a statement trigger, so every path that deletes rows
  // (API, expiry job, ops scripts in SQL mode, tenant erasure) keeps the counter exact.
  // Other tables opt in with: CREATE TRIGGER … AFTER DELETE ON t REFERENCING OLD TABLE AS gone
  //   FOR EACH STATEMENT EXECUTE FUNCTION engram_release_usage('<usage column>').
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

    CREATE FUNCTION engram_release_usage() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      EXECUTE format(
        'UPDATE tenant_usage u SET %1$I = GREATEST(u.%1$I - c.n, 0), updated_at = now()
         FROM (SELECT tenant_id, count(*) AS n FROM gone GROUP BY tenant_id) c
         WHERE u.tenant_id = c.tenant_id', TG_ARGV[0]);
      RETURN NULL;
    END $fn$;
    CREATE TRIGGER memory_pins_release_usage AFTER DELETE ON memory_pins
      REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION engram_release_usage('pins');
  `;
  protected readonly downSql = `
    DROP TRIGGER memory_pins_release_usage ON memory_pins;
    DROP FUNCTION engram_release_usage();
    DROP TABLE tenant_usage;
  `;
}
