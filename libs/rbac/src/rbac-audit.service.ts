import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditSink } from '@engram/audit';
import { ConfigService } from '@engram/config';
import { RbacAuditRepository } from './rbac-audit.repository';
import { RbacAuditEvent } from './rbac-audit.types';

/**
 * Audits RBAC decisions through the AuditSink, like every trail: in Postgres before the
 * response is sent, never failing the request. Every denial is kept; allows are sampled, since
 * they are most requests and tell little.
 */
@Injectable()
export class RbacAuditService {
  private readonly allowSampleRate: number;

  constructor(
    private readonly sink: AuditSink,
    private readonly repository: RbacAuditRepository,
    config: ConfigService,
  ) {
    this.allowSampleRate = config.get('RBAC_AUDIT_ALLOW_SAMPLE_RATE');
  }

  /** Denials always; allows at RBAC_AUDIT_ALLOW_SAMPLE_RATE. */
  record(event: Omit<RbacAuditEvent, 'id' | 'ts'>): void {
    if (event.decision === 'allow' && Math.random() >= this.allowSampleRate) {
      return;
    }
    this.sink.record(this.repository, { id: randomUUID(), ts: new Date().toISOString(), ...event });
  }

  /** Writes everything buffered (every trail); resolves when done. */
  flush(): Promise<void> {
    return this.sink.flush();
  }
}
