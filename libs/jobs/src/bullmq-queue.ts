import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { JobQueue, JobRunner } from './job-queue';
import { withOrigin } from './job-origin';
import { JobName, JobOptions, JobPayloads, JobStateCounts, jobDefinition } from './job.types';

export interface BullMqOptions {
  redisUrl: string;
  prefix: string;
  /** Per-worker parallelism. */
  concurrency?: number;
}

const PRODUCE_TIMEOUT_MS = 2000;
// Completed jobs are kept briefly for inspection; audit batches are large, so few are kept.
const KEEP_COMPLETED = { age: 600, count: 100 };
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 5000 };

/**
 * BullMQ on Redis, one BullMQ queue per job name. Producers fail fast when Redis is away
 * (no offline queue, short timeouts) so callers can fall back; workers wait and reconnect.
 */
export class BullMqJobQueue extends JobQueue {
  readonly driver = 'bullmq' as const;
  private readonly logger = new Logger('BullMqJobQueue');
  private readonly producerConnection: IORedis;
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly workerConnections: IORedis[] = [];
  private readonly schedules = new Map<JobName, { everyMs: number; payload: unknown }>();
  private readonly scheduleWatchdogs: NodeJS.Timeout[] = [];

  constructor(private readonly options: BullMqOptions) {
    super();
    this.producerConnection = new IORedis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.producerConnection.on('error', (error) => this.logger.warn(`redis (producer): ${error.message}`));
    // A Redis that restarts without persistence forgets the job schedulers; put them back on
    // every reconnect (upserting a scheduler is idempotent).
    this.producerConnection.on('ready', () => void this.restoreSchedules());
  }

  private async restoreSchedules(): Promise<void> {
    for (const [name, { everyMs, payload }] of this.schedules) {
      await this.upsertScheduler(name, everyMs, payload).catch((error: Error) =>
        this.logger.warn(`could not restore schedule ${name}: ${error.message}`),
      );
    }
  }

  async connect(timeoutMs = 5000): Promise<void> {
    if (this.producerConnection.status === 'ready') {
      return;
    }
    const ready = new Promise<void>((resolve) => this.producerConnection.once('ready', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn(`redis not ready after ${timeoutMs} ms; producers fall back until it is`);
        resolve();
      }, timeoutMs);
    });
    await Promise.race([ready, timeout]);
    clearTimeout(timer);
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N], options: JobOptions = {}): Promise<void> {
    await this.produce(() => this.queue(name).add(name, withOrigin(payload), this.jobOptions(name, options)));
  }

  async addBulk<N extends JobName>(name: N, jobs: { payload: JobPayloads[N]; options?: JobOptions }[]): Promise<void> {
    await this.produce(() =>
      this.queue(name).addBulk(
        jobs.map((job) => ({ name, data: withOrigin(job.payload), opts: this.jobOptions(name, job.options ?? {}) })),
      ),
    );
  }

  /**
   * BullMQ waits for a lost connection to come back before sending; a producer (or a metrics
   * scrape) must not: it fails at once when Redis is not connected, and after PRODUCE_TIMEOUT_MS
   * at most, so the caller can fall back or report instead of hanging.
   */
  private async produce(send: () => Promise<unknown>): Promise<void> {
    if (this.producerConnection.status !== 'ready') {
      throw new Error(`redis is ${this.producerConnection.status}`);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        send(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`queue add timed out after ${PRODUCE_TIMEOUT_MS} ms`)),
            PRODUCE_TIMEOUT_MS,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async schedule<N extends JobName>(name: N, everyMs: number, payload: JobPayloads[N]): Promise<void> {
    const first = !this.schedules.has(name);
    this.schedules.set(name, { everyMs, payload });
    await this.upsertScheduler(name, everyMs, payload);
    if (first) {
      this.watchSchedule(name);
    }
  }

  /**
   * Redis can lose the scheduler without the connection dropping (FLUSHALL, a failover to an
   * empty replica, eviction), so 'ready' alone is not enough: once per interval, put the
   * scheduler back if its key is gone.
   */
  private watchSchedule(name: JobName): void {
    const { everyMs } = this.schedules.get(name)!;
    const timer = setInterval(() => void this.restoreScheduleIfMissing(name), everyMs);
    timer.unref();
    this.scheduleWatchdogs.push(timer);
  }

  private async restoreScheduleIfMissing(name: JobName): Promise<void> {
    const schedule = this.schedules.get(name);
    if (!schedule || this.producerConnection.status !== 'ready') {
      return;
    }
    try {
      if (!(await this.queue(name).getJobScheduler(schedulerId(name)))) {
        this.logger.warn(`job scheduler ${name} was missing from Redis; registering it again`);
        await this.upsertScheduler(name, schedule.everyMs, schedule.payload);
      }
    } catch (error) {
      this.logger.warn(`could not check schedule ${name}: ${(error as Error).message}`);
    }
  }

  private async upsertScheduler(name: JobName, everyMs: number, payload: unknown): Promise<void> {
    const definition = jobDefinition(name);
    await this.queue(name).upsertJobScheduler(
      schedulerId(name),
      { every: everyMs },
      {
        name,
        data: payload,
        opts: {
          attempts: definition.attempts,
          backoff: { type: 'exponential', delay: definition.backoffMs },
          removeOnComplete: KEEP_COMPLETED,
          removeOnFail: KEEP_FAILED,
        },
      },
    );
  }

  async startProcessing(names: JobName[], run: JobRunner): Promise<void> {
    for (const name of names) {
      const worker = new Worker(
        name,
        async (job) => run(name, job.data, { jobId: job.id ?? '', attempt: job.attemptsMade + 1 }),
        {
          connection: this.workerConnection(),
          prefix: this.options.prefix,
          concurrency: this.options.concurrency ?? 4,
          autorun: true,
        },
      );
      worker.on('failed', (job, error) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
          this.logger.error(`job ${name} ${job.id} failed after ${job.attemptsMade} attempts: ${error.message}`);
        }
      });
      worker.on('error', (error) => this.logger.warn(`worker ${name}: ${error.message}`));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  async counts(): Promise<Record<string, JobStateCounts>> {
    const result: Record<string, JobStateCounts> = {};
    for (const [name, queue] of this.queues) {
      let counts: Record<string, number> = {};
      // A scrape must answer while Redis is away: fail fast like a producer does.
      await this.produce(async () => {
        counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      });
      result[name] = {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      };
    }
    return result;
  }

  async ping(): Promise<void> {
    await this.producerConnection.ping();
  }

  async close(): Promise<void> {
    for (const timer of this.scheduleWatchdogs.splice(0)) {
      clearInterval(timer);
    }
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.producerConnection.disconnect();
    for (const connection of this.workerConnections) {
      connection.disconnect();
    }
  }

  private queue(name: JobName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.producerConnection, prefix: this.options.prefix });
      queue.on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private jobOptions(name: JobName, options: JobOptions) {
    const definition = jobDefinition(name);
    return {
      jobId: options.jobId,
      delay: options.delayMs,
      attempts: definition.attempts,
      backoff: { type: 'exponential' as const, delay: definition.backoffMs },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
    };
  }

  /** Workers block on Redis and must retry forever rather than give up on a blip. */
  private workerConnection(): IORedis {
    const connection = new IORedis(this.options.redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: (attempt: number) => Math.min(attempt * 500, 5000),
    });
    connection.on('error', (error) => this.logger.warn(`redis (worker): ${error.message}`));
    this.workerConnections.push(connection);
    return connection;
  }
}

function schedulerId(name: JobName): string {
  return `${name}:every`;
}
