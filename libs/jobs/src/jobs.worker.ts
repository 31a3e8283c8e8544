import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { SpanKind } from '@opentelemetry/api';
import { jobLogContext } from '@engram/common';
import { MetricsService, timed } from '@engram/metrics';
import { contextFromCarrier } from '@engram/tracing';
import { splitOrigin } from './job-origin';
import { JOB_HANDLER_KEY } from './job-handler.decorator';
import { JobQueue } from './job-queue';
import { JobContext, JobHandlerInstance, JobName, jobDefinition, jobDefinitions } from './job.types';

/**
 * Finds every @JobHandler at boot, refuses to start on a job with no handler or two, then
 * starts processing and registers repeatable schedules. Present only in worker processes.
 */
@Injectable()
export class JobsWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobsWorker');
  /** Start-up runs still in flight; shutdown waits for them before the database closes. */
  private readonly startRuns: Promise<void>[] = [];
  private readonly outcomes;
  private readonly duration;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly queue: JobQueue,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('engram_queue_job_outcomes_total', 'Job runs by outcome', ['queue', 'outcome']);
    this.duration = metrics.histogram('engram_queue_job_duration_seconds', 'Job run duration', ['queue']);
  }

  async onApplicationBootstrap(): Promise<void> {
    const handlers = this.discoverHandlers();
    // Started before the queue is touched: registering schedules waits for Redis, and these
    // runs exist precisely for when Redis lost (or cannot yet serve) the queued work.
    for (const [name, handler] of handlers) {
      if (handler.runAtStart) {
        this.startRuns.push(
          handler
            .runAtStart()
            .catch((error: Error) => this.logger.warn(`start-up run of ${name} failed: ${error.message}`)),
        );
      }
    }
    await this.queue.startProcessing([...handlers.keys()], (name, payload, context) =>
      this.run(handlers.get(name)!, name, payload, context),
    );
    for (const [name, handler] of handlers) {
      const every = handler.repeatEveryMs?.() ?? null;
      if (every !== null) {
        await this.queue.schedule(name, every, {} as never);
      }
    }
    this.logger.log(`processing ${handlers.size} job types on the ${this.queue.driver} queue`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.startRuns);
  }

  private discoverHandlers(): Map<JobName, JobHandlerInstance> {
    const handlers = new Map<JobName, JobHandlerInstance>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as JobHandlerInstance | undefined;
      if (!instance || !wrapper.metatype) {
        continue;
      }
      const name = this.reflector.get<JobName | undefined>(JOB_HANDLER_KEY, wrapper.metatype);
      if (name === undefined) {
        continue;
      }
      jobDefinition(name);
      if (handlers.has(name)) {
        throw new Error(`job ${name} has two handlers`);
      }
      handlers.set(name, instance);
    }
    const missing = jobDefinitions().filter((definition) => !handlers.has(definition.name));
    if (missing.length > 0) {
      throw new Error(`jobs without a handler: ${missing.map((definition) => definition.name).join(', ')}`);
    }
    return handlers;
  }

  /**
   * One run of a job: timed, counted, and a span that continues the trace of the request that
   * enqueued it (from the origin its producer put in the data); its log lines name the job and
   * that request.
   */
  private async run(handler: JobHandlerInstance, name: JobName, data: unknown, context: JobContext): Promise<void> {
    const { payload, origin } = splitOrigin(data);
    const fields = {
      job: name,
      job_id: context.jobId,
      ...(origin.request_id ? { request_id: origin.request_id } : {}),
    };
    await jobLogContext.run(fields, () =>
      timed(
        this.duration,
        { queue: name },
        async () => {
          try {
            await handler.handle(payload as never, context);
          } catch (error) {
            this.logger.warn(
              `job ${name} ${context.jobId} attempt ${context.attempt} failed: ${(error as Error).message}`,
            );
            throw error;
          }
        },
        {
          success: 'completed',
          classify: () => (context.attempt >= jobDefinition(name).attempts ? 'failed' : 'retried'),
          settled: (outcome) => this.outcomes.inc({ queue: name, outcome }),
          span: {
            name: `job ${name}`,
            kind: SpanKind.CONSUMER,
            parent: contextFromCarrier(origin.trace),
            attributes: {
              'messaging.system': this.queue.driver === 'bullmq' ? 'bullmq' : 'engram.inline',
              'messaging.destination.name': name,
              'messaging.message.id': context.jobId,
              'engram.job.attempt': context.attempt,
              ...(origin.request_id ? { 'engram.request_id': origin.request_id } : {}),
            },
          },
        },
      ),
    );
  }
}
