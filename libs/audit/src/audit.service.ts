import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { requestContext } from '@engram/common';
import { AuditSink } from './audit-sink';
import { AuditRepository } from './audit.repository';
import { AuditEvent } from './audit.types';

export type AuditInput = Pick<AuditEvent, 'tenant_id' | 'operation' | 'success' | 'latency_ms'> &
  Partial<Pick<AuditEvent, 'key' | 'value_hash' | 'actor' | 'affected'>>;

/**
 * The memory_audit trail: one event per data operation, recorded through the AuditSink (in
 * Postgres before the response that acknowledges the operation is sent). Never fails the caller.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly sink: AuditSink,
    private readonly repository: AuditRepository,
  ) {}

  record(input: AuditInput): void {
    const context = requestContext.current();
    this.sink.record(this.repository, {
      id: randomUUID(),
      ts: new Date().toISOString(),
      key: null,
      value_hash: null,
      request_id: context?.requestId ?? null,
      actor: context?.principal?.actor ?? 'system',
      ...input,
    });
  }

  /** Writes everything buffered (every trail); resolves when done. Safe to call concurrently. */
  flush(): Promise<void> {
    return this.sink.flush();
  }
}
