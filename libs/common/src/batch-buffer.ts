import { Logger } from '@nestjs/common';
import { detached } from './detached';

export interface BatchBufferOptions<T> {
  name: string;
  /** Items per write; a flush also starts as soon as this many are waiting. */
  maxItems: number;
  intervalMs: number;
  /** Past this many unsent items the oldest are dropped (default 10 × maxItems). */
  maxBuffered?: number;
  /** Writes one batch; a rejection keeps that batch and the ones after it for the next flush. */
  write(items: T[]): Promise<void>;
  /** Told how many items were dropped because too many were waiting. */
  onDrop?(count: number): void;
}

/**
 * Collects small writes off the request path and hands them over in batches: every
 * `intervalMs`, or as soon as `maxItems` are waiting. Nothing here throws at the caller; past
 * `maxBuffered` unsent items the oldest are dropped (and reported through `onDrop`).
 */
export class BatchBuffer<T> {
  private readonly logger: Logger;
  private readonly maxBuffered: number;
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;

  constructor(private readonly options: BatchBufferOptions<T>) {
    this.logger = new Logger(options.name);
    this.maxBuffered = options.maxBuffered ?? options.maxItems * 10;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  add(...items: T[]): void {
    this.items.push(...items);
    if (this.items.length > this.maxBuffered) {
      const dropped = this.items.splice(0, this.items.length - this.maxBuffered);
      this.options.onDrop?.(dropped.length);
    }
    if (this.items.length >= this.options.maxItems) {
      // Flushed on its own connection, never inside the transaction of the request that filled it.
      detached(() => void this.flush());
    }
  }

  /** Writes everything waiting, batch by batch; resolves when done. Safe to call concurrently. */
  async flush(): Promise<void> {
    while (this.flushing) {
      await this.flushing;
    }
    if (this.items.length === 0) {
      return;
    }
    this.flushing = this.writeAll().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async writeAll(): Promise<void> {
    while (this.items.length > 0) {
      const batch = this.items.splice(0, this.options.maxItems);
      try {
        await this.options.write(batch);
      } catch (error) {
        this.logger.warn(`batch of ${batch.length} not written, kept for the next flush: ${(error as Error).message}`);
        this.items.unshift(...batch);
        return;
      }
    }
  }
}
