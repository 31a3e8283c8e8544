import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditBuffer, MAX_BUFFERED_AUDIT_EVENTS } from '@engram/audit';
import { ConfigService } from '@engram/config';
import { JobQueue } from '@engram/jobs';
import { MetricsService } from '@engram/metrics';
import { RbacAuditRepository } from './rbac-audit.repository';
import { rbacAuditWrites } from './rbac-audit.metrics';
import { RbacAuditEvent } from './rbac-audit.types';

/**
 * Audits RBAC decisions off the request path: buffered, queued in batches for the worker, and
 * written straight to rbac_audit when the queue refuses. Every denial is kept; allows are
 * sampled, since they are most requests and tell little.
 */
@Injectable()
export class RbacAuditService implements OnModuleInit, OnApplicationShutdown {
  private readonly buffer: AuditBuffer<RbacAuditEvent>;
  private readonly allowSampleRate: number;

  constructor(queue: JobQueue, repository: RbacAuditRepository, config: ConfigService, metrics: MetricsService) {
    this.allowSampleRate = config.get('RBAC_AUDIT_ALLOW_SAMPLE_RATE');
    const writes = rbacAuditWrites(metrics);
    this.buffer = new AuditBuffer<RbacAuditEvent>({
      name: 'rbac_audit',
      batchSize: config.get('AUDIT_BATCH_SIZE'),
      intervalMs: config.get('AUDIT_FLUSH_INTERVAL_MS'),
      maxBuffered: MAX_BUFFERED_AUDIT_EVENTS,
      // BullMQ refuses ':' in custom job ids.
      enqueue: (events) => queue.add('rbac.audit-write', { events }, { jobId: `rbac-audit-${events[0].id}` }),
      fallback: async (events) => {
        await repository.insertEvents(events);
      },
      count: (status, events) => writes.inc({ status: status === 'fallback' ? 'direct' : status }, events),
    });
  }

  onModuleInit(): void {
    this.buffer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.buffer.stop();
  }

  /** Denials always; allows at RBAC_AUDIT_ALLOW_SAMPLE_RATE. */
  record(event: Omit<RbacAuditEvent, 'id' | 'ts'>): void {
    if (event.decision === 'allow' && Math.random() >= this.allowSampleRate) {
      return;
    }
    this.buffer.push({ id: randomUUID(), ts: new Date().toISOString(), ...event });
  }

  flush(): Promise<void> {
    return this.buffer.flush();
  }
}
