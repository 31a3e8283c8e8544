import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RuntimeOptions, coreImports } from '@engram/runtime';
import { EngramConfig } from '@engram/config';
import { PinoNestLogger, createLogger } from '@engram/common';
import { ExtractionModule } from '@engram/extraction';
import { MemoriesModule } from '@engram/memories';
import { PinsModule } from '@engram/pins';
import { TenantsModule } from '@engram/tenants';
import { UpdatesModule } from '@engram/updates';
import { WorkerMetricsServer, workerMetricsProblem } from './worker-metrics.server';

/** The worker alone: job handlers, and a metrics listener when WORKER_METRICS_PORT is set. */
@Module({})
export class WorkerModule {
  static forRoot(config: EngramConfig, runtime: Omit<RuntimeOptions, 'worker'>): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ...coreImports(config, { ...runtime, worker: true }),
        TenantsModule,
        PinsModule,
        MemoriesModule,
        ExtractionModule,
        UpdatesModule,
      ],
      providers: [WorkerMetricsServer],
    };
  }
}

export async function createWorker(
  config: EngramConfig,
  runtime: Omit<RuntimeOptions, 'worker'>,
): Promise<INestApplicationContext> {
  // Refused before anything connects: a bad setting costs no half-started worker.
  const problem = workerMetricsProblem(config);
  if (problem) {
    throw new Error(problem);
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, runtime), {
    logger: new PinoNestLogger(createLogger(config.LOG_LEVEL)),
  });
  try {
    await app.init();
    await app.get(WorkerMetricsServer).start();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
