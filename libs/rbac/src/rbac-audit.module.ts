import { Module } from '@nestjs/common';
import { RbacAuditWriteHandler } from './rbac-audit.jobs';
import { RbacAuditQueryService } from './rbac-audit.query';
import { RbacAuditRepository } from './rbac-audit.repository';
import { RbacAuditService } from './rbac-audit.service';

/** The rbac_audit trail: recorded by the API, written by the worker (which imports this alone). */
@Module({
  providers: [RbacAuditRepository, RbacAuditService, RbacAuditQueryService, RbacAuditWriteHandler],
  exports: [RbacAuditService, RbacAuditQueryService],
})
export class RbacAuditModule {}
