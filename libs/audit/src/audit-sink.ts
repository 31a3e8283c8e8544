import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { RequestContext, requestContext } from '@engram/common';
import { ConfigService } from '@engram/config';
import { Database, Queryable, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import type { Counter } from 'prom-client';

/** Past this many unwritten events (Postgres refusing for long) the oldest are dropped and counted. */
export const MAX_BUFFERED_AUDIT_EVENTS = 100_000;

/** One audit table: how a batch of its events is inserted. */
export interface AuditTrail<T> {
  /** The table; names the trail in logs and its counter `<table>_writes_total{status}`. */
  readonly table: string;
  /**
   * Inserts `events` in the sink's transaction and returns how many rows were new. Must be
   * idempotent by event id (ON CONFLICT DO NOTHING): a batch whose commit went unconfirmed is
   * written again.
   */
  insert(tx: Queryable, events: readonly T[]): Promise<number>;
}

interface Entry {
  trail: AuditTrail<unknown>;
  event: unknown;
  seq: number;
  /** performance.now() when recorded: the age of the oldest unwritten event is the outbox's lag. */
  at: number;
}

interface Waiter {
  seq: number;
  resolve(durable: boolean): void;
}

type WriteStatus = 'written' | 'retry' | 'rejected' | 'dropped';

/**
 * The one way audit events reach Postgres, for every trail. `record()` only appends to memory;
 * batches are inserted straight into their tables (Postgres is the record; Redis is not on this
 * path, so nothing Redis loses or delays can lose an event). A flush runs every
 * AUDIT_FLUSH_INTERVAL_MS, at AUDIT_BATCH_SIZE events, and whenever a response is about to
 * be sent: `confirm()` holds the response until the events its request recorded are committed
 * (up to AUDIT_ACK_TIMEOUT_MS), so an acknowledged operation's audit row survives even the API
 * process dying right after. Concurrent responses share one commit (group commit), so the cost
 * is about one insert round trip, not one per event.
 *
 * Nothing here throws at the caller. A batch Postgres refuses stays buffered, in order, for the
 * next flush; an event Postgres can never take (bad data) is isolated, logged and counted as
 * `rejected` so it cannot block the others.
 */
@Injectable()
export class AuditSink implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuditSink');
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly ackTimeoutMs: number;
  private readonly counters = new Map<string, Counter<'status'>>();
  private readonly unconfirmed;
  /** Runs a flush outside the caller's async context, so it never inherits a request's state. */
  private readonly detached = AsyncLocalStorage.snapshot();
  private pending: Entry[] = [];
  /** The batch being written: out of `pending`, still not committed. */
  private writing: Entry[] = [];
  private nextSeq = 1;
  /** Every event up to this sequence number is committed (or was given up: dropped, rejected). */
  private settledThrough = 0;
  private waiters: Waiter[] = [];
  private readonly lastSeqOf = new WeakMap<RequestContext, number>();
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;

  private readonly scope: RepositoryScope;

  constructor(
    db: Database,
    private readonly metrics: MetricsService,
    config: ConfigService,
  ) {
    this.scope = new RepositoryScope(db, metrics, 'audit');
    this.batchSize = config.get('AUDIT_BATCH_SIZE');
    this.intervalMs = config.get('AUDIT_FLUSH_INTERVAL_MS');
    this.ackTimeoutMs = config.get('AUDIT_ACK_TIMEOUT_MS');
    this.unconfirmed = metrics.counter(
      'audit_unconfirmed_responses_total',
      'Responses sent before the audit events of their request were committed (Postgres slow or refusing)',
      [],
    );
    // The outbox is this process's memory (nothing on the way to Postgres goes through Redis):
    // its depth and the age of its oldest event say how far audit writes lag behind.
    const sink = () => ({
      count: this.writing.length + this.pending.length,
      oldest: this.writing[0] ?? this.pending[0],
    });
    metrics.gauge(
      'audit_buffered_events',
      'Audit events recorded in this process and not yet committed to Postgres',
      [],
      function () {
        this.set(sink().count);
      },
    );
    metrics.gauge(
      'audit_oldest_buffered_event_age_seconds',
      'Age of the oldest audit event not yet committed (0 when none waits)',
      [],
      function () {
        const { oldest } = sink();
        this.set(oldest === undefined ? 0 : (performance.now() - oldest.at) / 1000);
      },
    );
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Buffers one event of `trail`; never throws, never waits. */
  record<T>(trail: AuditTrail<T>, event: T): void {
    const seq = this.nextSeq++;
    this.pending.push({ trail: trail as AuditTrail<unknown>, event, seq, at: performance.now() });
    const context = requestContext.current();
    if (context) {
      this.lastSeqOf.set(context, seq);
    }
    if (this.pending.length > MAX_BUFFERED_AUDIT_EVENTS) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_BUFFERED_AUDIT_EVENTS);
      this.countByTrail(dropped, 'dropped');
      this.release(dropped[dropped.length - 1].seq, false);
    }
    if (this.pending.length >= this.batchSize) {
      this.detached(() => void this.flush());
    }
  }

  /**
   * Resolves once every event recorded so far in `context` (the current request by default) is
   * committed: true, or false if Postgres refused or took longer than AUDIT_ACK_TIMEOUT_MS (the
   * events stay buffered and are written later). Never rejects.
   */
  async confirm(context: RequestContext | undefined = requestContext.current()): Promise<boolean> {
    const seq = context === undefined ? undefined : this.lastSeqOf.get(context);
    if (seq === undefined || seq <= this.settledThrough || this.ackTimeoutMs === 0) {
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const durable = await Promise.race([
      new Promise<boolean>((resolve) => {
        this.waiters.push({ seq, resolve });
        this.detached(() => void this.flush());
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.ackTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!durable) {
      this.unconfirmed.inc();
    }
    return durable;
  }

  /** Writes everything buffered, batch by batch; resolves when done or refused. Safe to call concurrently. */
  async flush(): Promise<void> {
    while (this.flushing) {
      await this.flushing;
    }
    if (this.pending.length === 0) {
      return;
    }
    this.flushing = this.writeAll().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.batchSize);
      this.writing = batch;
      try {
        await this.write(batch);
      } catch (error) {
        // Kept in order for the next flush; the responses waiting on it are let go meanwhile.
        this.pending.unshift(...batch);
        this.countByTrail(batch, 'retry');
        this.release(this.pending[this.pending.length - 1].seq, false);
        this.logger.warn(
          `audit batch of ${batch.length} not written, kept for the next flush: ${(error as Error).message}`,
        );
        return;
      } finally {
        this.writing = [];
      }
      this.release(batch[batch.length - 1].seq, true);
    }
  }

  /** One transaction for the whole batch, every trail in it; a bad event is split out rather than blocking the rest. */
  private async write(batch: Entry[]): Promise<void> {
    const byTrail = new Map<AuditTrail<unknown>, unknown[]>();
    for (const entry of batch) {
      const events = byTrail.get(entry.trail) ?? [];
      events.push(entry.event);
      byTrail.set(entry.trail, events);
    }
    let written: Map<AuditTrail<unknown>, number>;
    try {
      written = await this.scope.crossTenant('write', async (tx) => {
        const counts = new Map<AuditTrail<unknown>, number>();
        for (const [trail, events] of byTrail) {
          counts.set(trail, await trail.insert(tx, events));
        }
        return counts;
      });
    } catch (error) {
      if (!isDataError(error)) {
        throw error;
      }
      if (batch.length === 1) {
        this.countByTrail(batch, 'rejected');
        this.logger.error(`audit event refused by Postgres, not retried: ${(error as Error).message}`);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.write(batch.slice(0, half));
      await this.write(batch.slice(half));
      return;
    }
    for (const [trail, count] of written) {
      this.trailCounter(trail).inc({ status: 'written' }, count);
    }
  }

  /** Everything up to `seq` is settled: wakes the responses waiting on it. */
  private release(seq: number, durable: boolean): void {
    if (durable) {
      this.settledThrough = Math.max(this.settledThrough, seq);
    }
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.seq <= seq) {
        waiter.resolve(durable);
      } else {
        still.push(waiter);
      }
    }
    this.waiters = still;
  }

  private countByTrail(entries: Entry[], status: WriteStatus): void {
    const counts = new Map<AuditTrail<unknown>, number>();
    for (const { trail } of entries) {
      counts.set(trail, (counts.get(trail) ?? 0) + 1);
    }
    for (const [trail, count] of counts) {
      this.trailCounter(trail).inc({ status }, count);
    }
  }

  private trailCounter(trail: AuditTrail<unknown>): Counter<'status'> {
    let counter = this.counters.get(trail.table);
    if (!counter) {
      counter = this.metrics.counter(`${trail.table}_writes_total`, `${trail.table} events by outcome`, ['status']);
      this.counters.set(trail.table, counter);
    }
    return counter;
  }
}

/**
 * Postgres refused the data itself (SQLSTATE class 22 data exception, 23 integrity violation):
 * retrying the same rows can never succeed. Anything else (connection lost, timeout, server
 * shutting down) is worth retrying.
 */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23)/.test(code);
}

/** Every trail's rows: keyed by (tenant_id, id), the id given when the event is recorded. */
export interface AuditRow {
  id: string;
  tenant_id: string;
}

/** The Postgres type of each field of a trail's event, in column order: one per field, no more. */
export type AuditColumns<T extends AuditRow> = { readonly [K in keyof T]-?: string };

/**
 * The insert every trail shares: the batch as one jsonb array into `table`, idempotent by
 * (tenant_id, id) so a replayed batch is a no-op; returns how many rows were new. `table` and
 * `columns` come from the trail's code, never from input.
 */
export async function insertAuditBatch<T extends AuditRow>(
  tx: Queryable,
  table: string,
  columns: AuditColumns<T>,
  events: readonly T[],
): Promise<number> {
  const names = Object.keys(columns).join(', ');
  const types = Object.entries(columns)
    .map(([name, type]) => `${name} ${type as string}`)
    .join(', ');
  const rows = await tx.query<{ inserted: number }>(
    `WITH inserted AS (
       INSERT INTO ${table} (${names})
       SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS e(${types})
       ON CONFLICT (tenant_id, id) DO NOTHING
       RETURNING 1
     ) SELECT count(*)::int AS inserted FROM inserted`,
    [auditBatchJson(events)],
    `${table}_insert`,
  );
  return rows[0].inserted;
}

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A batch as one jsonb array (one statement whatever its size, no 65,535 bind-parameter
 * ceiling). jsonb refuses NUL and lone surrogates, which callers may pass in keys or ids; they
 * become U+FFFD here, so the event is kept rather than refused.
 */
export function auditBatchJson(events: readonly unknown[]): string {
  return JSON.stringify(events, (_key, value: unknown) =>
    typeof value === 'string' ? value.replace(UNSTORABLE, '\uFFFD') : value,
  );
}
