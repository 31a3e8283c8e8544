import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@engram/audit';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { JobHandler, JobHandlerInstance, JobPayloads, defineJob } from '@engram/jobs';
import { InvalidationBus } from './invalidation.bus';
import { TenantsRepository } from './tenants.repository';
import { GLOBAL_TENANT } from './tenants.service';

declare module '@engram/jobs' {
  interface JobPayloads {
    'tenants.erase': { tenant_id: string };
  }
}

defineJob('tenants.erase', { attempts: 10, backoffMs: 5000 });

const ERASE_BATCH = 5000;
/** Tables holding audit trails, kept on erasure when TENANT_ERASE_AUDIT=false. */
const AUDIT_TABLE = /audit/;

/**
 * Erases everything a tenant owns once it is pending_deletion: every table with a tenant_id
 * column (found in the catalog, so later features are covered without a change here), then the
 * registry row. Idempotent: a rerun finds nothing left, and a tenant no longer pending is left alone.
 */
@Injectable()
@JobHandler('tenants.erase')
export class TenantEraseHandler implements JobHandlerInstance<'tenants.erase'> {
  private readonly logger = new Logger('TenantEraseHandler');

  constructor(
    private readonly repository: TenantsRepository,
    private readonly db: Database,
    private readonly bus: InvalidationBus,
    private readonly audit: AuditService,
    private readonly config: ConfigService,
  ) {}

  async handle({ tenant_id: tenantId }: JobPayloads['tenants.erase']): Promise<void> {
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
    await this.repository.deleteErased(tenantId);
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
}
