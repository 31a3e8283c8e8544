import { Injectable } from '@nestjs/common';
import { JobHandler, JobHandlerInstance, JobPayloads, defineJob } from '@engram/jobs';
import { MetricsService } from '@engram/metrics';
import { RbacAuditRepository } from './rbac-audit.repository';
import { rbacAuditWrites } from './rbac-audit.metrics';
import './rbac-audit.types';

defineJob('rbac.audit-write', { attempts: 10, backoffMs: 500 });

@Injectable()
@JobHandler('rbac.audit-write')
export class RbacAuditWriteHandler implements JobHandlerInstance<'rbac.audit-write'> {
  private readonly writes;

  constructor(
    private readonly repository: RbacAuditRepository,
    metrics: MetricsService,
  ) {
    this.writes = rbacAuditWrites(metrics);
  }

  async handle({ events }: JobPayloads['rbac.audit-write']): Promise<void> {
    try {
      await this.repository.insertEvents(events);
      this.writes.inc({ status: 'written' }, events.length);
    } catch (error) {
      this.writes.inc({ status: 'failed' }, events.length);
      throw error;
    }
  }
}
