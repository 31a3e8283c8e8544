import { SqlMigration } from './migration';

/**
 * Audit events are now written by the process that recorded them, straight into memory_audit
 * (docs/adr/0002-audit-outbox.md), so audit_outbox has no writer and no reader. Events still
 * parked there move into memory_audit first (the event id makes it a no-op for any already
 * drained); the down migration gives back an empty outbox.
 */
export class AuditOutboxRetired1763800000020 extends SqlMigration {
  readonly name = 'AuditOutboxRetired1763800000020';
  readonly previous = 'StorageUsage1763800000019';
  protected readonly upSql = `
    INSERT INTO memory_audit (tenant_id, id, ts, operation, key, success, latency_ms, value_hash, request_id, actor, affected)
    SELECT e.tenant_id, e.id, e.ts, e.operation, e.key, e.success, e.latency_ms, e.value_hash, e.request_id, e.actor, e.affected
    FROM audit_outbox, jsonb_to_record(audit_outbox.event) AS e(
      tenant_id text, id uuid, ts timestamptz, operation text, key text, success boolean,
      latency_ms double precision, value_hash text, request_id text, actor text, affected integer)
    ON CONFLICT (tenant_id, id) DO NOTHING;
    DROP TABLE audit_outbox;
  `;
  protected readonly downSql = `
    CREATE TABLE audit_outbox (
      tenant_id   text NOT NULL,
      seq         bigint GENERATED ALWAYS AS IDENTITY,
      event       jsonb NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, seq)
    );
    CREATE INDEX audit_outbox_seq_idx ON audit_outbox (seq);
    SELECT engram_enable_tenant_rls('audit_outbox');
  `;
}
