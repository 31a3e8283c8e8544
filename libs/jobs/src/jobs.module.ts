import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MetricsService } from '@engram/metrics';
import { BullMqJobQueue } from './bullmq-queue';
import { InlineJobQueue } from './inline-queue';
import { JobQueue } from './job-queue';
import { JobsWorker } from './jobs.worker';

export interface JobsModuleOptions {
  redisUrl?: string;
  prefix: string;
  /** Process jobs in this process (worker or serve). */
  worker: boolean;
  /** Use this queue instead of building one (tests sharing a queue). */
  queue?: JobQueue;
}

@Global()
@Module({})
export class JobsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(JobQueue) private readonly queue: JobQueue) {}

  async onModuleInit(): Promise<void> {
    await this.queue.connect();
  }

  static forRoot(options: JobsModuleOptions): DynamicModule {
    const queueProvider = {
      provide: JobQueue,
      useFactory: (): JobQueue =>
        options.queue ??
        (options.redisUrl
          ? new BullMqJobQueue({ redisUrl: options.redisUrl, prefix: options.prefix })
          : new InlineJobQueue()),
    };
    return {
      module: JobsModule,
      imports: options.worker ? [DiscoveryModule] : [],
      providers: [queueProvider, JobQueueMetrics, ...(options.worker ? [JobsWorker] : [])],
      exports: [JobQueue],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

/** Queue depth per queue and state, read from the backend at scrape time. */
export class JobQueueMetrics {
  constructor(@Inject(JobQueue) queue: JobQueue, @Inject(MetricsService) metrics: MetricsService) {
    metrics.gauge(
      'engram_queue_jobs',
      'Jobs per queue and state, read at scrape time',
      ['queue', 'state'],
      async function () {
        this.reset();
        try {
          for (const [name, counts] of Object.entries(await queue.counts())) {
            for (const [state, value] of Object.entries(counts)) {
              this.set({ queue: name, state }, value);
            }
          }
          metricsUp.set(1);
        } catch {
          // Redis away: the scrape still answers; engram_queue_up says why the depths are missing.
          metricsUp.set(0);
        }
      },
    );
    const metricsUp = metrics.gauge('engram_queue_up', '1 when the queue backend answered the last scrape', []);
  }
}
