import { Logger } from '@nestjs/common';
import { detached } from '@engram/common';
import { randomUUID } from 'node:crypto';
import { JobQueue, JobRunner } from './job-queue';
import { withOrigin } from './job-origin';
import { JobName, JobOptions, JobPayloads, JobStateCounts, jobDefinition } from './job.types';

interface PendingJob {
  id: string;
  name: JobName;
  payload: unknown;
  attempt: number;
}

const REMEMBERED_IDS = 10_000;
const KEPT_FAILURES = 100;

/**
 * Jobs running at once by default: two, so one job's database writes overlap the next one's
 * model work (an embedding job embeds, then stores; one at a time left the model idle while
 * PGlite stored and indexed). More would only queue behind the one model thread and PGlite.
 */
const DEFAULT_CONCURRENCY = 2;

/**
 * In-process queue for embedded mode: same contract as BullMQ (job ids dedupe, bounded retries,
 * failures kept for inspection), no persistence. Jobs run off the request path, `concurrency` at
 * a time (handlers are written for BullMQ's several at once).
 */
export class InlineJobQueue extends JobQueue {
  readonly driver = 'inline' as const;

  constructor(private readonly concurrency = DEFAULT_CONCURRENCY) {
    super();
  }

  private readonly logger = new Logger('InlineJobQueue');
  private readonly waiting: PendingJob[] = [];
  private readonly knownIds = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stats = new Map<string, JobStateCounts>();
  readonly failed: { id: string; name: string; error: string }[] = [];
  private runner: JobRunner | null = null;
  private handled = new Set<JobName>();
  private active = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  async connect(): Promise<void> {}

  async add<N extends JobName>(name: N, payload: JobPayloads[N], options: JobOptions = {}): Promise<void> {
    this.enqueue(name, withOrigin(payload), options);
  }

  async addBulk<N extends JobName>(name: N, jobs: { payload: JobPayloads[N]; options?: JobOptions }[]): Promise<void> {
    for (const job of jobs) {
      this.enqueue(name, withOrigin(job.payload), job.options ?? {});
    }
  }

  async schedule<N extends JobName>(name: N, everyMs: number, payload: JobPayloads[N]): Promise<void> {
    const timer = setInterval(() => this.enqueue(name, payload, { jobId: `${name}:every` }), everyMs);
    timer.unref();
    this.timers.add(timer);
  }

  async startProcessing(names: JobName[], run: JobRunner): Promise<void> {
    this.runner = run;
    this.handled = new Set(names);
    this.pump();
  }

  async counts(): Promise<Record<string, JobStateCounts>> {
    const result: Record<string, JobStateCounts> = {};
    for (const [name, counts] of this.stats) {
      result[name] = { ...counts, waiting: this.waiting.filter((job) => job.name === name).length };
    }
    return result;
  }

  async ping(): Promise<void> {
    if (this.closed) {
      throw new Error('queue closed');
    }
  }

  /** Resolves when nothing is waiting or running (tests, graceful shutdown). */
  async drain(): Promise<void> {
    if (this.runner === null || (this.active === 0 && this.waiting.every((job) => !this.handled.has(job.name)))) {
      return;
    }
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) {
      clearInterval(timer);
    }
    if (this.runner) {
      await this.drain();
    }
    this.closed = true;
  }

  private enqueue(name: JobName, payload: unknown, options: JobOptions): void {
    if (this.closed) {
      throw new Error('queue closed');
    }
    const id = options.jobId ?? randomUUID();
    if (options.jobId !== undefined) {
      if (this.knownIds.has(id)) {
        return;
      }
      this.rememberId(id);
    }
    this.countsFor(name);
    const job = { id, name, payload, attempt: 1 };
    if (options.delayMs) {
      this.later(job, options.delayMs);
    } else {
      this.waiting.push(job);
      this.pump();
    }
  }

  private later(job: PendingJob, delayMs: number): void {
    this.countsFor(job.name).delayed++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.countsFor(job.name).delayed--;
      this.waiting.push(job);
      this.pump();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private rememberId(id: string): void {
    this.knownIds.add(id);
    if (this.knownIds.size > REMEMBERED_IDS) {
      const oldest = this.knownIds.values().next().value;
      if (oldest !== undefined) {
        this.knownIds.delete(oldest);
      }
    }
  }

  private pump(): void {
    if (this.runner === null || this.active >= this.concurrency) {
      return;
    }
    const index = this.waiting.findIndex((job) => this.handled.has(job.name));
    if (index === -1) {
      this.notifyIdle();
      return;
    }
    const [job] = this.waiting.splice(index, 1);
    this.active++;
    // A job enqueued inside a request's transaction runs on its own, as it would on a worker.
    setImmediate(() => detached(() => void this.execute(job)));
    this.pump();
  }

  private async execute(job: PendingJob): Promise<void> {
    const counts = this.countsFor(job.name);
    counts.active++;
    try {
      await this.runner!(job.name, job.payload, { jobId: job.id, attempt: job.attempt });
      counts.completed++;
      if (job.id.endsWith(':every')) {
        this.knownIds.delete(job.id);
      }
    } catch (error) {
      const definition = jobDefinition(job.name);
      if (job.attempt < definition.attempts) {
        this.later({ ...job, attempt: job.attempt + 1 }, definition.backoffMs * 2 ** (job.attempt - 1));
      } else {
        counts.failed++;
        this.knownIds.delete(job.id);
        this.failed.push({ id: job.id, name: job.name, error: (error as Error).message });
        this.failed.splice(0, Math.max(0, this.failed.length - KEPT_FAILURES));
        this.logger.error(
          `job ${job.name} ${job.id} failed after ${job.attempt} attempts: ${(error as Error).message}`,
        );
      }
    } finally {
      counts.active--;
      this.active--;
      this.pump();
    }
  }

  private countsFor(name: string): JobStateCounts {
    let counts = this.stats.get(name);
    if (!counts) {
      counts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
      this.stats.set(name, counts);
    }
    return counts;
  }

  private notifyIdle(): void {
    if (this.active === 0 && this.waiting.every((job) => !this.handled.has(job.name))) {
      const waiters = this.idleWaiters.splice(0);
      for (const resolve of waiters) {
        resolve();
      }
    }
  }
}
