import { Injectable } from '@nestjs/common';
import { Database, Queryable, RepositoryScope, assertTenant } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { QuotaName } from './tenants.dto';
import { QuotaExceededError } from './tenants.errors';
import { TenantsService } from './tenants.service';

/** Quotas that count stored things, and the tenant_usage column each is counted in. */
export type CountedQuota = Exclude<QuotaName, 'requests_per_minute'>;
const USAGE_COLUMN: Record<CountedQuota, string> = {
  max_pins: 'pins',
  max_memories: 'memories',
  storage_bytes: 'storage_bytes',
};

/** Quotas counted in rows, reserved by the writer; storage_bytes is counted by the database. */
export type RowQuota = Exclude<CountedQuota, 'storage_bytes'>;

/** The transaction-local setting the storage triggers (migration 0019) enforce storage_bytes by. */
const STORAGE_LIMIT_SETTING = 'engram.storage_bytes_limit';
/** SQLSTATE those triggers raise when a statement grows the tenant's bytes past the limit. */
const STORAGE_EXCEEDED = 'EQ001';

/**
 * Exact usage counting against quotas. A writer reserves inside its own transaction, after its
 * insert: the conditional UPDATE on the tenant's counter row takes the row lock, so concurrent
 * writers queue on it and each re-checks the limit against the committed count. No overshoot;
 * a rejected writer's transaction rolls back its insert.
 */
@Injectable()
export class QuotaService {
  private readonly rejections;
  private readonly scope: RepositoryScope;

  constructor(
    private readonly tenants: TenantsService,
    private readonly db: Database,
    metrics: MetricsService,
  ) {
    this.scope = new RepositoryScope(db, metrics, 'quotas');
    this.rejections = metrics.counter('quota_rejections_total', 'Writes refused because a quota was reached', [
      'quota',
    ]);
  }

  /**
   * Counts `n` more against `quota` or throws 403 quota_exceeded. Pass the writer's transaction
   * (`tx`) so the count and the write commit or roll back together.
   */
  async reserve(tenantId: string, quota: RowQuota, n: number, tx?: Queryable): Promise<void> {
    assertTenant(tenantId);
    const info = await this.tenants.requireActive(tenantId);
    const limit = info.quotas[quota];
    const column = USAGE_COLUMN[quota];
    const rows = await this.scope.tenant(
      tenantId,
      'reserve',
      (q) =>
        q.query<{ used: number }>(
          `UPDATE tenant_usage SET ${column} = ${column} + $2, updated_at = now()
         WHERE tenant_id = $1 AND ${column} + $2 <= $3 RETURNING ${column}::float8 AS used`,
          [tenantId, n, limit],
          `quota_reserve_${column}`,
        ),
      { tx },
    );
    if (rows.length === 0) {
      this.rejections.inc({ quota });
      throw new QuotaExceededError(`quota ${quota} (${limit}) reached`, {
        quota,
        limit,
      });
    }
  }

  /**
   * Runs `work` in one transaction scoped to the tenant with its storage_bytes quota in force:
   * the database counts the bytes of every row written or removed (migration 0019), and a
   * statement that grows the tenant's total past the quota fails; the transaction rolls back and
   * the caller gets 403 quota_exceeded, like the other quotas. Shrinking is always allowed. The
   * tenant's state is read before the transaction opens, so nothing inside it waits on the pool.
   * It opens the transaction for the repository method that calls it, which times itself.
   */
  async withStorageQuota<T>(tenantId: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
    assertTenant(tenantId);
    const limit = (await this.tenants.requireActive(tenantId)).quotas.storage_bytes;
    try {
      return await this.db.withTenant(tenantId, work, { [STORAGE_LIMIT_SETTING]: limit });
    } catch (error) {
      if ((error as { code?: unknown }).code === STORAGE_EXCEEDED) {
        this.rejections.inc({ quota: 'storage_bytes' });
        throw new QuotaExceededError(`quota storage_bytes (${limit}) reached`, { quota: 'storage_bytes', limit });
      }
      throw error;
    }
  }

  /**
   * Gives back `n`; never below zero. Tables with the engram_release_usage delete trigger (see
   * migration 0006; memory_pins has it) need not call this: the trigger covers every delete path.
   */
  async release(tenantId: string, quota: RowQuota, n: number, tx?: Queryable): Promise<void> {
    await this.scope.tenant(tenantId, 'release', (q) => releaseCounts(q, new Map([[tenantId, n]]), quota), { tx });
  }

  /**
   * Gives back counts for several tenants in one statement, for cross-tenant jobs (expiry) that
   * run in their own cross-tenant transaction `tx`.
   */
  async releaseMany(counts: Map<string, number>, quota: RowQuota, tx?: Queryable): Promise<void> {
    if (counts.size === 0) {
      return;
    }
    await this.scope.crossTenant('releaseMany', (q) => releaseCounts(q, counts, quota), { tx });
  }
}

/** One statement for every tenant in `counts`; each row names its tenant. */
async function releaseCounts(q: Queryable, counts: Map<string, number>, quota: RowQuota): Promise<void> {
  const column = USAGE_COLUMN[quota];
  await q.query(
    `UPDATE tenant_usage u SET ${column} = GREATEST(u.${column} - d.n, 0), updated_at = now()
     FROM jsonb_each_text($1::jsonb) AS e(tenant_id, n_text), LATERAL (SELECT e.n_text::bigint AS n) d
     WHERE u.tenant_id = e.tenant_id`,
    [JSON.stringify(Object.fromEntries(counts))],
  );
}
