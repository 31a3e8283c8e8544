import { Injectable } from '@nestjs/common';
import { Queryable } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { AuditTrail, auditBatchJson } from './audit-sink';
import { AuditEvent } from './audit.types';

/**
 * memory_audit, written through the AuditSink. Batches mix tenants by design, so they run in
 * the sink's cross-tenant transaction; each row keeps the tenant_id of the event that produced
 * it. The event id makes a replayed batch a no-op.
 */
@Injectable()
export class AuditRepository implements AuditTrail<AuditEvent> {
  readonly table = 'memory_audit';

  constructor(private readonly metrics: MetricsService) {}

  insert(tx: Queryable, events: readonly AuditEvent[]): Promise<number> {
    return this.metrics.timeQuery('audit', 'insert', async () => {
      const rows = await tx.query<{ inserted: number }>(
        `WITH inserted AS (
           INSERT INTO memory_audit (tenant_id, id, ts, operation, key, success, latency_ms, value_hash, request_id, actor, affected)
           SELECT tenant_id, id, ts, operation, key, success, latency_ms, value_hash, request_id, actor, affected
           FROM jsonb_to_recordset($1::jsonb) AS e(
             tenant_id text, id uuid, ts timestamptz, operation text, key text, success boolean,
             latency_ms double precision, value_hash text, request_id text, actor text, affected integer)
           ON CONFLICT (tenant_id, id) DO NOTHING
           RETURNING 1
         ) SELECT count(*)::int AS inserted FROM inserted`,
        [auditBatchJson(events)],
        'audit_insert',
      );
      return rows[0].inserted;
    });
  }
}
