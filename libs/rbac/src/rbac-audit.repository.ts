import { Injectable } from '@nestjs/common';
import { AuditColumns, AuditTrail, insertAuditBatch } from '@engram/audit';
import { Database, Queryable, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { RbacAuditEvent } from './rbac-audit.types';

export interface RbacAuditFilter {
  decision?: 'allow' | 'deny';
  role?: string;
  resource?: string;
  action?: string;
  since?: Date;
  /** Rows strictly older than this (ts, id) position: the cursor of the previous page. */
  before?: { ts: Date; id: string };
  limit: number;
}

const RBAC_AUDIT_COLUMNS: AuditColumns<RbacAuditEvent> = {
  tenant_id: 'text',
  id: 'uuid',
  ts: 'timestamptz',
  actor: 'text',
  role: 'text',
  resource: 'text',
  action: 'text',
  decision: 'text',
  reason: 'text',
  enforced: 'boolean',
  request_id: 'text',
};

export type RbacAuditRow = Omit<RbacAuditEvent, 'ts'> & { ts: Date };

/**
 * rbac_audit: written through the AuditSink (batches span tenants, so they run in the sink's
 * cross-tenant transaction, each row carrying its own tenant_id; the event id makes a replayed
 * batch a no-op), read one tenant at a time.
 */
@Injectable()
export class RbacAuditRepository implements AuditTrail<RbacAuditEvent> {
  readonly table = 'rbac_audit';

  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'rbac_audit');
  }

  insert(tx: Queryable, events: readonly RbacAuditEvent[]): Promise<number> {
    return this.scope.untenanted('insert', (q) => insertAuditBatch(q, this.table, RBAC_AUDIT_COLUMNS, events), { tx });
  }

  /** Newest first, one tenant; walks rbac_audit_tenant_ts_idx from the cursor down. */
  list(tenantId: string, filter: RbacAuditFilter): Promise<RbacAuditRow[]> {
    return this.scope.tenant(tenantId, 'list', (tx) =>
      tx.query<RbacAuditRow>(
        `SELECT tenant_id, id, ts, actor, role, resource, action, decision, reason, enforced, request_id
         FROM rbac_audit
         WHERE tenant_id = $1
           AND ($2::text IS NULL OR decision = $2)
           AND ($3::text IS NULL OR role = $3)
           AND ($4::text IS NULL OR resource = $4)
           AND ($5::text IS NULL OR action = $5)
           AND ($6::timestamptz IS NULL OR ts >= $6)
           AND ($7::timestamptz IS NULL OR (ts, id) < ($7, $8::uuid))
         ORDER BY ts DESC, id DESC
         LIMIT $9`,
        [
          tenantId,
          filter.decision ?? null,
          filter.role ?? null,
          filter.resource ?? null,
          filter.action ?? null,
          filter.since ?? null,
          filter.before?.ts ?? null,
          filter.before?.id ?? null,
          filter.limit,
        ],
        'rbac_audit_list',
      ),
    );
  }
}
