import { Logger } from '@nestjs/common';

/** Where a batch went: the queue, the Postgres fallback, back into the buffer, or dropped. */
export type AuditBufferStatus = 'queued' | 'fallback' | 'retry' | 'dropped';

export interface AuditBufferOptions<T> {
  /** Names the trail in logs. */
  name: string;
  batchSize: number;
  intervalMs: number;
  /** Past this many unsent items (queue and Postgres both down) the oldest are dropped and counted. */
  maxBuffered: number;
  /** The normal path: hand the batch to the queue. Throws when the queue refuses (Redis down). */
  enqueue(batch: T[]): Promise<void>;
  /** The fallback when the queue refuses: a Postgres write the worker does not need to see first. */
  fallback(batch: T[]): Promise<void>;
  count(status: AuditBufferStatus, items: number): void;
  /** How long the queue may take to accept a batch before the fallback is used (default 2000). */
  enqueueTimeoutMs?: number;
}

/**
 * Keeps audit trails off the request path: items are buffered in memory and handed to the queue
 * in batches; when the queue refuses, a batch goes to Postgres instead; when both refuse, it
 * stays buffered for the next flush. Nothing here ever throws at the caller.
 */
export class AuditBuffer<T> {
  private readonly logger: Logger;
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;

  constructor(private readonly options: AuditBufferOptions<T>) {
    this.logger = new Logger(`AuditBuffer:${options.name}`);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  push(item: T): void {
    this.buffer.push(item);
    if (this.buffer.length > this.options.maxBuffered) {
      const dropped = this.buffer.splice(0, this.buffer.length - this.options.maxBuffered);
      this.options.count('dropped', dropped.length);
    }
    if (this.buffer.length >= this.options.batchSize) {
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
      const batch = this.buffer.splice(0, this.options.batchSize);
      if (!(await this.send(batch))) {
        this.buffer.unshift(...batch);
        return;
      }
    }
  }

  private async send(batch: T[]): Promise<boolean> {
    try {
      await this.enqueueWithin(batch, this.options.enqueueTimeoutMs ?? 2000);
      this.options.count('queued', batch.length);
      return true;
    } catch (queueError) {
      try {
        await this.options.fallback(batch);
        this.options.count('fallback', batch.length);
        this.logger.warn(`queue refused ${batch.length} events (${(queueError as Error).message}); stored in Postgres`);
        return true;
      } catch (dbError) {
        this.options.count('retry', batch.length);
        this.logger.error(`batch of ${batch.length} events not stored, will retry: ${(dbError as Error).message}`);
        return false;
      }
    }
  }

  /**
   * A queue client waiting for a Redis that is not there can hold a call forever, which would
   * stall every later flush. Past the limit the batch takes the fallback; if the queue accepts it
   * after all, the row is written twice by id, which the audit tables ignore (ON CONFLICT).
   */
  private async enqueueWithin(batch: T[], timeoutMs: number): Promise<void> {
    const attempt = this.options.enqueue(batch);
    attempt.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`queue did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
