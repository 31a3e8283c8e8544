import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConfigService } from '@engram/config';
import { requestContext } from '@engram/common';
import { JobQueue } from '@engram/jobs';
import { MetricsService } from '@engram/metrics';
import { AuditBuffer } from './audit-buffer';
import { AuditRepository } from './audit.repository';
import { AuditEvent } from './audit.types';

/** Past this many unsent events (queue and Postgres both down) the oldest are dropped and counted. */
export const MAX_BUFFERED_AUDIT_EVENTS = 100_000;

export type AuditInput = Pick<AuditEvent, 'tenant_id' | 'operation' | 'success' | 'latency_ms'> &
  Partial<Pick<AuditEvent, 'key' | 'value_hash' | 'actor' | 'affected'>>;

/**
 * Records audit events without touching the request path: events are buffered in memory and
 * handed to the queue in batches; when the queue refuses (Redis down) a batch goes to the
 * Postgres outbox, which the worker drains into memory_audit later. A failure never reaches
 * the caller.
 */
@Injectable()
export class AuditService implements OnModuleInit, OnApplicationShutdown {
  private readonly buffer: AuditBuffer<AuditEvent>;

  constructor(queue: JobQueue, repository: AuditRepository, config: ConfigService, metrics: MetricsService) {
    const writes = metrics.counter('memory_audit_writes_total', 'Audit events by where they went', ['status']);
    this.buffer = new AuditBuffer<AuditEvent>({
      name: 'memory_audit',
      batchSize: config.get('AUDIT_BATCH_SIZE'),
      intervalMs: config.get('AUDIT_FLUSH_INTERVAL_MS'),
      maxBuffered: MAX_BUFFERED_AUDIT_EVENTS,
      // BullMQ refuses ':' in custom job ids.
      enqueue: (events) => queue.add('audit.write', { events }, { jobId: `audit-${events[0].id}` }),
      fallback: (events) => repository.insertOutbox(events),
      count: (status, events) => writes.inc({ status: status === 'fallback' ? 'outboxed' : status }, events),
    });
  }

  onModuleInit(): void {
    this.buffer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.buffer.stop();
  }

  record(input: AuditInput): void {
    const context = requestContext.current();
    this.buffer.push({
      id: randomUUID(),
      ts: new Date().toISOString(),
      key: null,
      value_hash: null,
      request_id: context?.requestId ?? null,
      actor: context?.principal?.actor ?? 'system',
      ...input,
    });
  }

  /** Sends everything buffered; resolves when done. Safe to call concurrently. */
  flush(): Promise<void> {
    return this.buffer.flush();
  }
}
