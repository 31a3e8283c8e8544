import { Injectable } from '@nestjs/common';
import { escapeIdentifier } from 'pg';
import { Database, Queryable, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { Plan, QuotaOverrides, TenantStatus } from './tenants.dto';

export interface TenantRow {
  id: string;
  name: string;
  plan: Plan;
  status: TenantStatus;
  quotas: Partial<Record<string, number>>;
  created_at: Date;
  updated_at: Date;
}

export interface UsageRow {
  pins: number;
  memories: number;
  storage_bytes: number;
}

export interface QuotaUsageSummaryRow {
  quota: string;
  /** null when no active tenant has a limit above 0 for this quota. */
  max_ratio: number | null;
  /** Tenants at or above each of the ratios asked for, in their order. */
  at_or_above: number[];
}

const TENANT_COLUMNS = 'id, name, plan, status, quotas, created_at, updated_at';

/**
 * The tenants registry and the per-tenant usage counters. `tenants` is not tenant-owned (it has
 * no tenant_id and no row-level security): only admin routes and the auth layer read it.
 */
@Injectable()
export class TenantsRepository {
  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'tenants');
  }

  /** Creates the tenant and its usage counters together; null if the id is taken. */
  create(input: { id: string; name: string; plan: Plan; quotas: QuotaOverrides }): Promise<TenantRow | null> {
    return this.scope.tenant(input.id, 'create', async (tx) => {
      const rows = await tx.query<TenantRow>(
        `INSERT INTO tenants (id, name, plan, quotas) VALUES ($1, $2, $3, $4::jsonb)
           ON CONFLICT (id) DO NOTHING RETURNING ${TENANT_COLUMNS}`,
        [input.id, input.name, input.plan, JSON.stringify(stripNulls(input.quotas))],
      );
      if (rows.length === 0) {
        return null;
      }
      await tx.query('INSERT INTO tenant_usage (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING', [input.id]);
      return rows[0];
    });
  }

  get(id: string): Promise<TenantRow | null> {
    return this.scope.untenanted('get', async (q) => {
      const rows = await q.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1`, [id], 'tenants_get');
      return rows[0] ?? null;
    });
  }

  list(options: {
    status?: TenantStatus;
    plan?: Plan;
    afterId: string;
    limit: number;
    onlyId: string | null;
  }): Promise<TenantRow[]> {
    return this.scope.untenanted('list', (q) =>
      q.query<TenantRow>(
        `SELECT ${TENANT_COLUMNS} FROM tenants
         WHERE id > $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR plan = $3)
           AND ($5::text IS NULL OR id = $5)
         ORDER BY id LIMIT $4`,
        [options.afterId, options.status ?? null, options.plan ?? null, options.limit + 1, options.onlyId],
      ),
    );
  }

  /** Applies the changes; quota overrides merge into the existing ones (null removes one). */
  update(id: string, changes: { name?: string; plan?: Plan; quotas?: QuotaOverrides }): Promise<TenantRow | null> {
    return this.scope.untenanted('update', async (q) => {
      const rows = await q.query<TenantRow>(
        `UPDATE tenants SET
           name = coalesce($2, name),
           plan = coalesce($3, plan),
           quotas = jsonb_strip_nulls(quotas || coalesce($4::jsonb, '{}'::jsonb)),
           updated_at = now()
         WHERE id = $1 RETURNING ${TENANT_COLUMNS}`,
        [id, changes.name ?? null, changes.plan ?? null, changes.quotas ? JSON.stringify(changes.quotas) : null],
      );
      return rows[0] ?? null;
    });
  }

  /** Moves a tenant between states; returns null if it was not in one of `from`. */
  setStatus(id: string, from: TenantStatus[], to: TenantStatus, tx?: Queryable): Promise<TenantRow | null> {
    return this.scope.untenanted(
      'setStatus',
      async (q) => {
        const rows = await q.query<TenantRow>(
          `UPDATE tenants SET status = $3, updated_at = now() WHERE id = $1 AND status = ANY($2::text[])
         RETURNING ${TENANT_COLUMNS}`,
          [id, from, to],
        );
        return rows[0] ?? null;
      },
      { tx },
    );
  }

  usage(tenantId: string): Promise<UsageRow> {
    return this.scope.tenant(tenantId, 'usage', async (tx) => {
      const rows = await tx.query<UsageRow>(
        `SELECT pins::float8 AS pins, memories::float8 AS memories, storage_bytes::float8 AS storage_bytes
           FROM tenant_usage WHERE tenant_id = $1`,
        [tenantId],
      );
      return rows[0] ?? { pins: 0, memories: 0, storage_bytes: 0 };
    });
  }

  /**
   * Across every active tenant, per counted quota: the highest share of its limit in use, and how
   * many tenants are at or above each of `ratios`. One scan of tenant_usage joined to tenants
   * (one row per tenant); a limit of 0 counts no ratio. The plan defaults come in as
   * `planQuotas` ({plan: {quota: limit}}), a tenant's override wins. Aggregates only: no row
   * names a tenant.
   */
  quotaUsageSummary(
    planQuotas: Record<string, Record<string, number>>,
    ratios: readonly [number, number, number],
  ): Promise<QuotaUsageSummaryRow[]> {
    return this.scope.crossTenant('quotaUsageSummary', (tx) =>
      tx.query<QuotaUsageSummaryRow>(
        `SELECT v.quota, max(r.ratio) AS max_ratio,
                ARRAY[count(*) FILTER (WHERE r.ratio >= $2), count(*) FILTER (WHERE r.ratio >= $3),
                      count(*) FILTER (WHERE r.ratio >= $4)]::float8[] AS at_or_above
           FROM tenants t
           JOIN tenant_usage u ON u.tenant_id = t.id
           CROSS JOIN LATERAL (VALUES ('max_pins', u.pins::float8), ('max_memories', u.memories::float8),
                                      ('storage_bytes', u.storage_bytes::float8)) AS v(quota, used)
           CROSS JOIN LATERAL (SELECT coalesce((t.quotas ->> v.quota)::float8,
                                               ($1::jsonb -> t.plan ->> v.quota)::float8) AS lim) l
           CROSS JOIN LATERAL (SELECT CASE WHEN l.lim > 0 THEN v.used / l.lim END AS ratio) r
          WHERE t.status = 'active'
          GROUP BY v.quota`,
        [JSON.stringify(planQuotas), ...ratios],
      ),
    );
  }

  /**
   * Every table with a tenant_id column, found in the catalog so tables added by later features
   * are erased without this code knowing them.
   */
  tenantOwnedTables(): Promise<string[]> {
    return this.scope.untenanted('tenantOwnedTables', async (q) => {
      const rows = await q.query<{ table_name: string }>(
        `SELECT c.table_name FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name`,
      );
      return rows.map((row) => row.table_name);
    });
  }

  /**
   * Deletes the tenant's rows from `table` in batches, under the tenant's own row-level security
   * context, so even a wrong predicate could not reach another tenant. Returns rows deleted. Each
   * batch is its own transaction (timed as `eraseBatch`), so locks never outlive one batch.
   */
  async eraseFrom(tenantId: string, table: string, batchSize: number): Promise<number> {
    const quoted = escapeIdentifier(table);
    let total = 0;
    for (;;) {
      const deleted = await this.scope.tenant(tenantId, 'eraseBatch', async (tx) => {
        const rows = await tx.query<{ n: number }>(
          `WITH gone AS (
               DELETE FROM ${quoted} WHERE ctid IN (
                 SELECT ctid FROM ${quoted} WHERE tenant_id = $1
                 -- A late pass must never touch a new tenant that reused the id.
                 AND EXISTS (SELECT 1 FROM tenants WHERE id = $1 AND status = 'pending_deletion')
                 LIMIT $2
               ) RETURNING 1
             ) SELECT count(*)::int AS n FROM gone`,
          [tenantId, batchSize],
        );
        return rows[0].n;
      });
      total += deleted;
      if (deleted < batchSize) {
        return total;
      }
    }
  }

  /** Ids of every tenant whose deletion was requested and whose erasure has not finished. */
  pendingDeletion(): Promise<string[]> {
    return this.scope.untenanted('pendingDeletion', async (q) => {
      const rows = await q.query<{ id: string }>(
        `SELECT id FROM tenants WHERE status = 'pending_deletion' ORDER BY updated_at, id`,
      );
      return rows.map((row) => row.id);
    });
  }

  /** Whether the tenant still has a row in `table` (under its own row-level security context). */
  hasRowsIn(tenantId: string, table: string): Promise<boolean> {
    const quoted = escapeIdentifier(table);
    return this.scope.tenant(tenantId, 'hasRowsIn', async (tx) => {
      const rows = await tx.query<{ exists: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${quoted} WHERE tenant_id = $1) AS exists`,
        [tenantId],
      );
      return rows[0].exists;
    });
  }

  /** Removes the registry row once its data is gone, only if deletion was requested. */
  deleteErased(id: string): Promise<boolean> {
    return this.scope.untenanted('deleteErased', async (q) => {
      const rows = await q.query(`DELETE FROM tenants WHERE id = $1 AND status = 'pending_deletion' RETURNING id`, [
        id,
      ]);
      return rows.length > 0;
    });
  }
}

function stripNulls(quotas: QuotaOverrides): Record<string, number> {
  return Object.fromEntries(
    Object.entries(quotas).filter(([, value]) => value !== null && value !== undefined),
  ) as Record<string, number>;
}
