import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConfigService } from '@engram/config';
import { requestContext } from '@engram/common';
import { JobQueue } from '@engram/jobs';
import { MetricsService } from '@engram/metrics';
import { AuditRepository } from './audit.repository';
import { AuditEvent } from './audit.types';

/** Past this many unsent events (queue and Postgres both down) the oldest are dropped and counted. */
const MAX_BUFFERED_EVENTS = 100_000;

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
  private readonly logger = new Logger('AuditService');
  private buffer: AuditEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly writes;

  constructor(
    private readonly queue: JobQueue,
    private readonly repository: AuditRepository,
    config: ConfigService,
    metrics: MetricsService,
  ) {
    this.batchSize = config.get('AUDIT_BATCH_SIZE');
    this.intervalMs = config.get('AUDIT_FLUSH_INTERVAL_MS');
    this.writes = metrics.counter('memory_audit_writes_total', 'Audit events by where they went', ['status']);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
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
    if (this.buffer.length > MAX_BUFFERED_EVENTS) {
      const dropped = this.buffer.splice(0, this.buffer.length - MAX_BUFFERED_EVENTS);
      this.writes.inc({ status: 'dropped' }, dropped.length);
    }
    if (this.buffer.length >= this.batchSize) {
      void this.flush();
    }
  }

  /** Sends everything buffered; resolves when done. Safe to call concurrently. */
  async flush(): Promise<void> {
    while (this.flushing) {
      await this.flushing;
    }
    if (this.buffer.length === 0) {
      return;
    }
    this.flushing = this.sendAll().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async sendAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      if (!(await this.send(batch))) {
        this.buffer.unshift(...batch);
        return;
      }
    }
  }

  private async send(batch: AuditEvent[]): Promise<boolean> {
    try {
      await this.queue.add('audit.write', { events: batch }, { jobId: `audit-${batch[0].id}` });
      this.writes.inc({ status: 'queued' }, batch.length);
      return true;
    } catch (queueError) {
      try {
        await this.repository.insertOutbox(batch);
        this.writes.inc({ status: 'outboxed' }, batch.length);
        this.logger.warn(`queue refused ${batch.length} audit events (${(queueError as Error).message}); kept in outbox`);
        return true;
      } catch (dbError) {
        this.writes.inc({ status: 'retry' }, batch.length);
        this.logger.error(`audit batch not stored, will retry: ${(dbError as Error).message}`);
        return false;
      }
    }
  }
}
