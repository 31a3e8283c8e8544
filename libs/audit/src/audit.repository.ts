import { Injectable } from '@nestjs/common';
import { Database, Queryable, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { AuditColumns, AuditTrail, insertAuditBatch } from './audit-sink';
import { AuditEvent } from './audit.types';

/**
 * memory_audit, written through the AuditSink. Batches mix tenants by design, so they run in
 * the sink's cross-tenant transaction; each row keeps the tenant_id of the event that produced
 * it. The event id makes a replayed batch a no-op.
 */
const MEMORY_AUDIT_COLUMNS: AuditColumns<AuditEvent> = {
  tenant_id: 'text',
  id: 'uuid',
  ts: 'timestamptz',
  operation: 'text',
  key: 'text',
  success: 'boolean',
  latency_ms: 'double precision',
  value_hash: 'text',
  request_id: 'text',
  actor: 'text',
  affected: 'integer',
};

@Injectable()
export class AuditRepository implements AuditTrail<AuditEvent> {
  readonly table = 'memory_audit';

  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'audit');
  }

  insert(tx: Queryable, events: readonly AuditEvent[]): Promise<number> {
    return this.scope.untenanted('insert', (q) => insertAuditBatch(q, this.table, MEMORY_AUDIT_COLUMNS, events), {
      tx,
    });
  }
}
