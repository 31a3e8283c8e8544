import { Injectable } from '@nestjs/common';
import { Database, assertTenant } from '@engram/db';
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

export type RbacAuditRow = Omit<RbacAuditEvent, 'ts'> & { ts: Date };

/**
 * rbac_audit. Batches arrive as one jsonb array: one statement whatever the batch size (no
 * 65,535 bind-parameter ceiling), and a replayed batch inserts nothing twice.
 */
@Injectable()
export class RbacAuditRepository {
  constructor(
    private readonly db: Database,
    private readonly metrics: MetricsService,
  ) {}

  insertEvents(events: RbacAuditEvent[]): Promise<number> {
    return this.metrics.timeQuery('rbac_audit', 'insertEvents', async () => {
      // A batch spans tenants: written as the owner role, each row carrying its own tenant_id.
      const rows = await this.db.crossTenant((tx) =>
        tx.query<{ inserted: number }>(
          `WITH inserted AS (
           INSERT INTO rbac_audit (tenant_id, id, ts, actor, role, resource, action, decision, reason, enforced, request_id)
           SELECT tenant_id, id, ts, actor, role, resource, action, decision, reason, enforced, request_id
           FROM jsonb_to_recordset($1::jsonb) AS e(
             tenant_id text, id uuid, ts timestamptz, actor text, role text, resource text, action text,
             decision text, reason text, enforced boolean, request_id text)
           ON CONFLICT (tenant_id, id) DO NOTHING
           RETURNING 1
         ) SELECT count(*)::int AS inserted FROM inserted`,
          [JSON.stringify(events)],
          'rbac_audit_insert',
        ),
      );
      return rows[0].inserted;
    });
  }

  /** Newest first, one tenant; walks rbac_audit_tenant_ts_idx from the cursor down. */
  list(tenantId: string, filter: RbacAuditFilter): Promise<RbacAuditRow[]> {
    assertTenant(tenantId);
    return this.metrics.timeQuery('rbac_audit', 'list', () =>
      this.db.withTenant(tenantId, (tx) =>
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
      ),
    );
  }
}
