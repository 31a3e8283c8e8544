import { Injectable } from '@nestjs/common';
import { Database, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';

export interface TenantFlagRow {
  tenant_id: string;
  flag: string;
  enabled: boolean;
  updated_at: Date;
  updated_by: string;
}

const COLUMNS = 'tenant_id, flag, enabled, updated_at, updated_by';

/**
 * The tenant_feature_flags table. Tenant first in every method, each in the tenant's row-level
 * security context, except listAll, which feeds every tenant's overrides into memory.
 */
@Injectable()
export class FlagsRepository {
  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'flags');
  }

  /** Every tenant's overrides: the in-memory copy that isEnabled reads is built from this. */
  listAll(): Promise<TenantFlagRow[]> {
    return this.scope.crossTenant('listAll', (tx) =>
      // Across tenants by design: no tenant predicate.
      tx.query<TenantFlagRow>(`SELECT ${COLUMNS} FROM tenant_feature_flags ORDER BY tenant_id, flag`),
    );
  }

  list(tenantId: string): Promise<TenantFlagRow[]> {
    return this.scope.tenant(tenantId, 'list', (tx) =>
      tx.query<TenantFlagRow>(`SELECT ${COLUMNS} FROM tenant_feature_flags WHERE tenant_id = $1 ORDER BY flag`, [
        tenantId,
      ]),
    );
  }

  /** Sets the override; null when the tenant does not exist (or is being deleted). */
  upsert(tenantId: string, flag: string, enabled: boolean, updatedBy: string): Promise<TenantFlagRow | null> {
    return this.scope.tenant(tenantId, 'upsert', async (tx) => {
      const rows = await tx.query<TenantFlagRow>(
        `INSERT INTO tenant_feature_flags (tenant_id, flag, enabled, updated_by)
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1 AND status <> 'pending_deletion')
         ON CONFLICT (tenant_id, flag) DO UPDATE SET
           enabled = EXCLUDED.enabled, updated_by = EXCLUDED.updated_by, updated_at = now()
         RETURNING ${COLUMNS}`,
        [tenantId, flag, enabled, updatedBy],
      );
      return rows[0] ?? null;
    });
  }

  /** Removes the override; true if there was one. */
  delete(tenantId: string, flag: string): Promise<boolean> {
    return this.scope.tenant(tenantId, 'delete', async (tx) => {
      const rows = await tx.query<{ flag: string }>(
        'DELETE FROM tenant_feature_flags WHERE tenant_id = $1 AND flag = $2 RETURNING flag',
        [tenantId, flag],
      );
      return rows.length > 0;
    });
  }
}
