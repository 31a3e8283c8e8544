import { SqlMigration } from './migration';

export class RbacAudit1763800000010 extends SqlMigration {
  readonly name = 'RbacAudit1763800000010';
  readonly previous = 'TenantRls1763800000009';
  // Pages are read newest first per tenant with a (ts, id) cursor; the index serves that order
  // and the filters are applied to its rows. id makes replayed batches no-ops.
  protected readonly upSql = `
    CREATE TABLE rbac_audit (
      tenant_id   text NOT NULL,
      id          uuid NOT NULL,
      ts          timestamptz NOT NULL,
      actor       text NOT NULL,
      role        text NOT NULL,
      resource    text NOT NULL,
      action      text NOT NULL,
      decision    text NOT NULL CHECK (decision IN ('allow', 'deny')),
      reason      text NOT NULL,
      enforced    boolean NOT NULL,
      request_id  text,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX rbac_audit_tenant_ts_idx ON rbac_audit (tenant_id, ts DESC, id DESC);
    SELECT engram_enable_tenant_rls('rbac_audit');
  `;
  protected readonly downSql = `DROP TABLE rbac_audit;`;
}
