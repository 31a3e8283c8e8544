import { Logger } from '@nestjs/common';

export interface BatchBufferOptions<T> {
  name: string;
  maxItems: number;
  intervalMs: number;
  /** Writes one batch; a rejection keeps the batch for the next flush (up to `maxItems` kept). */
  write(items: T[]): Promise<void>;
}

/**
 * Collects small writes off the request path and hands them over in batches: every
 * `intervalMs`, or as soon as `maxItems` are waiting. Past `maxItems` unsent items the oldest are
 * dropped: these are best-effort statistics, never data the caller relies on.
 */
export class BatchBuffer<T> {
  private readonly logger: Logger;
  private items: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;

  constructor(private readonly options: BatchBufferOptions<T>) {
    this.logger = new Logger(options.name);
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
    if (this.items.length > this.options.maxItems * 10) {
      this.items.splice(0, this.items.length - this.options.maxItems * 10);
    }
    if (this.items.length >= this.options.maxItems) {
      void this.flush();
    }
  }

  async flush(): Promise<void> {
    while (this.flushing) {
      await this.flushing;
    }
    if (this.items.length === 0) {
      return;
    }
    const batch = this.items;
    this.items = [];
    this.flushing = this.options
      .write(batch)
      .catch((error: unknown) => {
        this.logger.warn(`batch of ${batch.length} not written, kept for the next flush: ${(error as Error).message}`);
        this.items.unshift(...batch);
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }
}
