import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { JobHandler, JobHandlerInstance, JobPayloads, defineJob } from '@engram/jobs';
import { TenantEraser } from './tenant-eraser';

declare module '@engram/jobs' {
  interface JobPayloads {
    'tenants.erase': { tenant_id: string };
    'tenants.erase-sweep': Record<string, never>;
  }
}

defineJob('tenants.erase', { attempts: 10, backoffMs: 5000 });
defineJob('tenants.erase-sweep', { attempts: 1, backoffMs: 1000 });

/** Erases one tenant, queued by DELETE: the fast path; the sweep covers a lost or failed job. */
@Injectable()
@JobHandler('tenants.erase')
export class TenantEraseHandler implements JobHandlerInstance<'tenants.erase'> {
  constructor(private readonly eraser: TenantEraser) {}

  handle({ tenant_id: tenantId }: JobPayloads['tenants.erase']): Promise<void> {
    return this.eraser.erase(tenantId);
  }
}

/**
 * Erases every tenant still pending_deletion, on a schedule and once when a worker starts: the
 * erase job lives only in Redis, which can lose it (FLUSHALL, a restart without persistence, a
 * DELETE answered while Redis was down), so Postgres is the record and this finishes the work
 * within one interval of a worker running.
 */
@Injectable()
@JobHandler('tenants.erase-sweep')
export class TenantEraseSweepHandler implements JobHandlerInstance<'tenants.erase-sweep'> {
  private readonly logger = new Logger('TenantEraseSweepHandler');

  constructor(
    private readonly eraser: TenantEraser,
    private readonly config: ConfigService,
  ) {}

  repeatEveryMs(): number {
    return this.config.get('TENANT_ERASE_SWEEP_INTERVAL_SECONDS') * 1000;
  }

  runAtStart(): Promise<void> {
    return this.handle();
  }

  async handle(): Promise<void> {
    const { erased, failed } = await this.eraser.eraseAllPending();
    if (erased + failed > 0) {
      this.logger.log(`erase sweep: ${erased} tenants erased, ${failed} failed`);
    }
  }
}
