import { Global, Module } from '@nestjs/common';
import { AuditOutboxDrainHandler, AuditWriteHandler } from './audit.jobs';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Global()
@Module({
  providers: [AuditRepository, AuditService, AuditWriteHandler, AuditOutboxDrainHandler],
  exports: [AuditService],
})
export class AuditModule {}
