import type { MetricsService } from '@engram/metrics';
import { Database, Queryable, assertTenant } from './database';

/** Options of a scoped call: the caller's transaction, or SET LOCALs for a transaction opened here. */
export interface ScopeOptions {
  /** The caller's open transaction: the work runs on it instead of opening one. */
  tx?: Queryable;
  /** Planner or trigger settings for the transaction this call opens (not allowed with `tx`). */
  settings?: Readonly<Record<string, string | number>>;
}

/**
 * The one way a repository method reaches the database. Each call is timed as `method` into
 * engram_db_query_duration_seconds{repository, method, status}; `tenant()` also refuses an
 * empty tenant id (an undefined in a WHERE would widen the query) and runs in a transaction
 * scoped to that tenant, so row-level security backs up each statement's own tenant_id predicate.
 *
 * Transactions, one convention: a repository method that can join its caller's transaction
 * takes `tx?: Queryable` as its LAST parameter and hands it on as `{ tx }`. With one, the work
 * runs on it (it must be the same tenant's transaction, or a cross-tenant one in a job); without,
 * the call opens its own. A service that needs several writes to commit together opens the
 * transaction (Database.withTenant, or a quota's withStorageQuota) and passes its `tx` to each.
 */
export class RepositoryScope {
  constructor(
    private readonly db: Database,
    private readonly metrics: MetricsService,
    /** The `repository` label. */
    readonly repository: string,
  ) {}

  /** `work` on `tenantId`'s rows, in its row-level security context. */
  tenant<T>(
    tenantId: string,
    method: string,
    work: (tx: Queryable) => Promise<T>,
    options: ScopeOptions = {},
  ): Promise<T> {
    assertTenant(tenantId);
    if (options.tx && options.settings) {
      throw new Error('settings apply only to a transaction the scope opens itself');
    }
    return this.metrics.timeQuery(this.repository, method, () =>
      options.tx ? work(options.tx) : this.db.withTenant(tenantId, work, options.settings),
    );
  }

  /**
   * `work` across tenants by design (expiry jobs, audit writes, key lookup by hash), as the role
   * row-level security does not restrict: every statement in it must say which tenants it touches.
   */
  crossTenant<T>(
    method: string,
    work: (tx: Queryable) => Promise<T>,
    options: Pick<ScopeOptions, 'tx'> = {},
  ): Promise<T> {
    return this.metrics.timeQuery(this.repository, method, () =>
      options.tx ? work(options.tx) : this.db.crossTenant(work),
    );
  }

  /**
   * Timing only, for statements that need no tenant context of their own: tables without a
   * tenant_id (the tenants registry, auth_state), a function that sets the tenant itself, or a
   * transaction another component opened. Runs on `tx` if given, else on the pool.
   */
  untenanted<T>(
    method: string,
    work: (q: Queryable) => Promise<T>,
    options: Pick<ScopeOptions, 'tx'> = {},
  ): Promise<T> {
    return this.metrics.timeQuery(this.repository, method, () => work(options.tx ?? this.db));
  }
}
