import { Injectable } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { JobHandler, JobHandlerInstance, JobPayloads, defineJob } from '@engram/jobs';
import { MetricsService } from '@engram/metrics';
import { AuditRepository } from './audit.repository';
import './audit.types';

defineJob('audit.write', { attempts: 10, backoffMs: 500 });
defineJob('audit.drain-outbox', { attempts: 1 });

const OUTBOX_DRAIN_BATCH = 5000;

@Injectable()
@JobHandler('audit.write')
export class AuditWriteHandler implements JobHandlerInstance<'audit.write'> {
  private readonly writes;

  constructor(
    private readonly repository: AuditRepository,
    metrics: MetricsService,
  ) {
    this.writes = metrics.counter('memory_audit_writes_total', 'Audit events by where they went', ['status']);
  }

  async handle({ events }: JobPayloads['audit.write']): Promise<void> {
    try {
      await this.repository.insertEvents(events);
      this.writes.inc({ status: 'written' }, events.length);
    } catch (error) {
      this.writes.inc({ status: 'failed' }, events.length);
      throw error;
    }
  }
}

/** Moves events parked in the Postgres outbox (while Redis was down) into memory_audit. */
@Injectable()
@JobHandler('audit.drain-outbox')
export class AuditOutboxDrainHandler implements JobHandlerInstance<'audit.drain-outbox'> {
  private readonly writes;

  constructor(
    private readonly repository: AuditRepository,
    private readonly config: ConfigService,
    metrics: MetricsService,
  ) {
    this.writes = metrics.counter('memory_audit_writes_total', 'Audit events by where they went', ['status']);
  }

  repeatEveryMs(): number {
    return this.config.get('AUDIT_OUTBOX_DRAIN_INTERVAL_SECONDS') * 1000;
  }

  async handle(): Promise<void> {
    let moved: number;
    do {
      moved = await this.repository.drainOutbox(OUTBOX_DRAIN_BATCH);
      this.writes.inc({ status: 'drained' }, moved);
    } while (moved === OUTBOX_DRAIN_BATCH);
  }
}
