import { Injectable } from '@nestjs/common';
import { Database } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { AuditEvent } from './audit.types';

/**
 * memory_audit and its outbox. Batches mix tenants by design, so statements run in cross-tenant
 * transactions; each row keeps the tenant_id of the event that produced it.
 * Rows arrive in batches as one jsonb array, so a batch is one
 * statement whatever its size (no 65,535 bind-parameter ceiling), and replays are no-ops.
 */
@Injectable()
export class AuditRepository {
  constructor(
    private readonly db: Database,
    private readonly metrics: MetricsService,
  ) {}

  insertEvents(events: AuditEvent[]): Promise<number> {
    return this.metrics.timeQuery('audit', 'insertEvents', async () => {
      const rows = await this.db.crossTenant((tx) =>
        tx.query<{ inserted: number }>(
          `WITH inserted AS (
           INSERT INTO memory_audit (tenant_id, id, ts, operation, key, success, latency_ms, value_hash, request_id, actor, affected)
           SELECT tenant_id, id, ts, operation, key, success, latency_ms, value_hash, request_id, actor, affected
           FROM jsonb_to_recordset($1::jsonb) AS e(
             tenant_id text, id uuid, ts timestamptz, operation text, key text, success boolean,
             latency_ms double precision, value_hash text, request_id text, actor text, affected integer)
           ON CONFLICT (tenant_id, id) DO NOTHING
           RETURNING 1
         ) SELECT count(*)::int AS inserted FROM inserted`,
          [JSON.stringify(events)],
          'audit_insert',
        ),
      );
      return rows[0].inserted;
    });
  }

  /** Parks events the queue would not take (Redis down) until the worker drains them. */
  insertOutbox(events: AuditEvent[]): Promise<void> {
    return this.metrics.timeQuery('audit', 'insertOutbox', async () => {
      await this.db.crossTenant((tx) =>
        tx.query(
          `INSERT INTO audit_outbox (tenant_id, event)
           SELECT e->>'tenant_id', e FROM jsonb_array_elements($1::jsonb) AS e`,
          [JSON.stringify(events)],
        ),
      );
    });
  }

  /** Moves up to `limit` outbox events into memory_audit atomically; returns how many moved. */
  drainOutbox(limit: number): Promise<number> {
    return this.metrics.timeQuery('audit', 'drainOutbox', async () => {
      const rows = await this.db.crossTenant((tx) =>
        tx.query<{ moved: number }>(
          `WITH taken AS (
           DELETE FROM audit_outbox WHERE seq IN (
             SELECT seq FROM audit_outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
           ) RETURNING event
         ), inserted AS (
           INSERT INTO memory_audit (tenant_id, id, ts, operation, key, success, latency_ms, value_hash, request_id, actor, affected)
           SELECT e.tenant_id, e.id, e.ts, e.operation, e.key, e.success, e.latency_ms, e.value_hash, e.request_id, e.actor, e.affected
           FROM taken, jsonb_to_record(taken.event) AS e(
             tenant_id text, id uuid, ts timestamptz, operation text, key text, success boolean,
             latency_ms double precision, value_hash text, request_id text, actor text, affected integer)
           ON CONFLICT (tenant_id, id) DO NOTHING
           RETURNING 1
         ) SELECT (SELECT count(*) FROM taken)::int AS moved`,
          [limit],
        ),
      );
      return rows[0].moved;
    });
  }
}
