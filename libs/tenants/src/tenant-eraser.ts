import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@engram/audit';
import { MemoryCache } from '@engram/cache';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { InvalidationBus } from './invalidation.bus';
import { TenantsRepository } from './tenants.repository';
import { GLOBAL_TENANT } from './tenants.service';

const ERASE_BATCH = 5000;
/** Tables holding audit trails, kept on erasure when TENANT_ERASE_AUDIT=false. */
const AUDIT_TABLE = /audit/;

/**
 * Erases everything a tenant owns once it is pending_deletion: every table with a tenant_id
 * column (found in the catalog, so later features are covered without a change here), then the
 * registry row. Postgres is the record of what is to be erased: the per-tenant job and the
 * periodic sweep both land here, possibly at once, so a run is idempotent (a rerun finds nothing
 * left; a tenant no longer pending is left alone) and the registry row, which is what keeps the
 * tenant in the sweep, goes only after every table is checked empty.
 */
@Injectable()
export class TenantEraser {
  private readonly logger = new Logger('TenantEraser');

  constructor(
    private readonly repository: TenantsRepository,
    private readonly db: Database,
    private readonly bus: InvalidationBus,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
    private readonly cache: MemoryCache,
  ) {}

  /** Erases the tenant if it is pending_deletion; throws (to be retried) if rows remain. */
  async erase(tenantId: string): Promise<void> {
    const tenant = await this.repository.get(tenantId);
    if (!tenant || tenant.status !== 'pending_deletion' || tenantId === GLOBAL_TENANT) {
      return;
    }
    const started = performance.now();
    const eraseAudit = this.config.get('TENANT_ERASE_AUDIT');
    const tables = (await this.repository.tenantOwnedTables()).filter(
      (table) => eraseAudit || !AUDIT_TABLE.test(table),
    );
    let affected = 0;
    for (const table of tables) {
      affected += await this.repository.eraseFrom(tenantId, table, ERASE_BATCH);
    }
    // A concurrent run (or a write that passed the tenant check just before the deletion) can
    // leave rows this run's batches did not see; keep the tenant pending until none remain.
    for (const table of tables) {
      if (await this.repository.hasRowsIn(tenantId, table)) {
        throw new Error(`tenant ${tenantId} still has rows in ${table}; erasure will be retried`);
      }
    }
    if (!(await this.repository.deleteErased(tenantId))) {
      return;
    }
    await this.cache.invalidate(tenantId, ['pins', 'memories']);
    await this.db.transaction((tx) => this.bus.publish(tx, { kind: 'tenant', id: tenantId }));
    this.logger.log(`erased tenant ${tenantId}: ${affected} rows in ${tables.length} tables`);
    // Recorded under the operators' tenant: the erased tenant keeps no rows, not even this one.
    this.audit.record({
      tenant_id: GLOBAL_TENANT,
      operation: 'tenant_erase',
      key: tenantId,
      success: true,
      latency_ms: performance.now() - started,
      affected,
    });
  }

  /** Erases every pending tenant, one at a time; one failure does not stop the others. */
  async eraseAllPending(): Promise<{ erased: number; failed: number }> {
    let erased = 0;
    let failed = 0;
    for (const tenantId of await this.repository.pendingDeletion()) {
      try {
        await this.erase(tenantId);
        erased++;
      } catch (error) {
        failed++;
        this.logger.warn(`erasure of tenant ${tenantId} failed, next sweep retries: ${(error as Error).message}`);
      }
    }
    return { erased, failed };
  }
}
