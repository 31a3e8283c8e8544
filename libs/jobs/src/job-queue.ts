import { JobContext, JobName, JobOptions, JobPayloads, JobStateCounts } from './job.types';

export type JobRunner = (name: JobName, payload: unknown, context: JobContext) => Promise<void>;

/**
 * The queue every producer and worker talks to: BullMQ on Redis in production, an in-process
 * driver in embedded mode and in tests that want jobs run inside the process.
 */
export abstract class JobQueue {
  abstract readonly driver: 'bullmq' | 'inline';

  /** Waits (briefly) for the backend at boot; a backend that is down does not stop the boot. */
  abstract connect(): Promise<void>;

  abstract add<N extends JobName>(name: N, payload: JobPayloads[N], options?: JobOptions): Promise<void>;

  abstract addBulk<N extends JobName>(
    name: N,
    jobs: { payload: JobPayloads[N]; options?: JobOptions }[],
  ): Promise<void>;

  /** Repeats a job every `everyMs`; one schedule per job name however many workers call it. */
  abstract schedule<N extends JobName>(name: N, everyMs: number, payload: JobPayloads[N]): Promise<void>;

  abstract startProcessing(names: JobName[], run: JobRunner): Promise<void>;

  abstract counts(): Promise<Record<string, JobStateCounts>>;

  /** Throws when the queue backend cannot be reached. */
  abstract ping(): Promise<void>;

  abstract close(): Promise<void>;
}
