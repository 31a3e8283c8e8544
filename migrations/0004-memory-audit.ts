import { SqlMigration } from './migration';

export class MemoryAudit1763800000004 extends SqlMigration {
  readonly name = 'MemoryAudit1763800000004';
  readonly previous = 'MemoryPins1763800000003';
  // audit_outbox holds events the API could not hand to the queue (Redis down); the worker drains it.
  protected readonly upSql = `
    CREATE TABLE memory_audit (
      tenant_id   text NOT NULL,
      id          uuid NOT NULL,
      ts          timestamptz NOT NULL,
      operation   text NOT NULL,
      key         text,
      success     boolean NOT NULL,
      latency_ms  double precision NOT NULL,
      value_hash  text,
      request_id  text,
      actor       text,
      affected    integer,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX memory_audit_tenant_ts_idx ON memory_audit (tenant_id, ts DESC);

    CREATE TABLE audit_outbox (
      tenant_id   text NOT NULL,
      seq         bigint GENERATED ALWAYS AS IDENTITY,
      event       jsonb NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, seq)
    );
    CREATE INDEX audit_outbox_seq_idx ON audit_outbox (seq);
  `;
  protected readonly downSql = `DROP TABLE audit_outbox; DROP TABLE memory_audit;`;
}
