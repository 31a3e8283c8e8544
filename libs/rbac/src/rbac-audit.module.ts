import { Module } from '@nestjs/common';
import { RbacAuditQueryService } from './rbac-audit.query';
import { RbacAuditRepository } from './rbac-audit.repository';
import { RbacAuditService } from './rbac-audit.service';

/** The rbac_audit trail: recorded through the AuditSink (the global AuditModule), read per tenant. */
@Module({
  providers: [RbacAuditRepository, RbacAuditService, RbacAuditQueryService],
  exports: [RbacAuditService, RbacAuditQueryService],
})
export class RbacAuditModule {}
