import { Global, Module } from '@nestjs/common';
import { AuditAckHook } from './audit-ack.hook';
import { AuditSink } from './audit-sink';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit sink every trail writes through, and the memory_audit trail. */
@Global()
@Module({
  providers: [AuditSink, AuditAckHook, AuditRepository, AuditService],
  exports: [AuditSink, AuditService],
})
export class AuditModule {}
