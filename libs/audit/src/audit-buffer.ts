import { Logger } from '@nestjs/common';
import { BatchBuffer } from '@engram/common';

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
}

/**
 * Keeps audit trails off the request path: items are buffered in memory and handed to the queue
 * in batches; when the queue refuses, a batch goes to Postgres instead; when both refuse, it
 * stays buffered for the next flush. Nothing here ever throws at the caller.
 */
export class AuditBuffer<T> {
  private readonly logger: Logger;
  private readonly batches: BatchBuffer<T>;

  constructor(private readonly options: AuditBufferOptions<T>) {
    this.logger = new Logger(`AuditBuffer:${options.name}`);
    this.batches = new BatchBuffer<T>({
      name: `AuditBuffer:${options.name}`,
      maxItems: options.batchSize,
      intervalMs: options.intervalMs,
      maxBuffered: options.maxBuffered,
      write: (batch) => this.send(batch),
      onDrop: (count) => options.count('dropped', count),
    });
  }

  start(): void {
    this.batches.start();
  }

  stop(): Promise<void> {
    return this.batches.stop();
  }

  push(item: T): void {
    this.batches.add(item);
  }

  /** Sends everything buffered; resolves when done. Safe to call concurrently. */
  flush(): Promise<void> {
    return this.batches.flush();
  }

  /** Queue first, Postgres second; throws (the batch stays buffered) only when both refuse. */
  private async send(batch: T[]): Promise<void> {
    try {
      // The queue driver fails fast (and within 2 s) when Redis is away; see BullMqJobQueue.produce.
      await this.options.enqueue(batch);
      this.options.count('queued', batch.length);
      return;
    } catch (queueError) {
      try {
        await this.options.fallback(batch);
        this.options.count('fallback', batch.length);
        this.logger.warn(`queue refused ${batch.length} events (${(queueError as Error).message}); stored in Postgres`);
      } catch (dbError) {
        this.options.count('retry', batch.length);
        throw dbError;
      }
    }
  }
}
