import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MetricsModule } from '@engram/metrics';
import { InlineJobQueue } from './inline-queue';
import { JobHandler } from './job-handler.decorator';
import { JobsModule } from './jobs.module';
import { JobName, defineJob } from './job.types';

const DEFINED = 'test.defined' as JobName;
defineJob(DEFINED);

@Injectable()
@JobHandler(DEFINED)
class FirstHandler {
  async handle(): Promise<void> {}
}

@Injectable()
@JobHandler(DEFINED)
class SecondHandler {
  async handle(): Promise<void> {}
}

@Injectable()
@JobHandler('test.undefined' as JobName)
class UndefinedJobHandler {
  async handle(): Promise<void> {}
}

const startRuns: string[] = [];

@Injectable()
@JobHandler(DEFINED)
class SlowStartHandler {
  async handle(): Promise<void> {}
  async runAtStart(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 200));
    startRuns.push('slow');
  }
}

@Injectable()
@JobHandler(DEFINED)
class FailingStartHandler {
  async handle(): Promise<void> {}
  async runAtStart(): Promise<void> {
    startRuns.push('failing');
    throw new Error('start-up run failed');
  }
}

async function boot(providers: unknown[]): Promise<void> {
  @Module({
    imports: [MetricsModule, JobsModule.forRoot({ prefix: 'test', worker: true, queue: new InlineJobQueue() })],
    providers: providers as never[],
  })
  class TestModule {}
  const app = await NestFactory.createApplicationContext(TestModule, { logger: false, abortOnError: false });
  try {
    await app.init();
  } finally {
    await app.close();
  }
}

describe('job handler discovery at boot', () => {
  it('refuses to start when a defined job has two handlers', async () => {
    await expect(boot([FirstHandler, SecondHandler])).rejects.toThrow('job test.defined has two handlers');
  });

  it('refuses to start when a handler names a job nobody defined', async () => {
    await expect(boot([FirstHandler, UndefinedJobHandler])).rejects.toThrow('job test.undefined is not defined');
  });

  it('refuses to start when a defined job has no handler', async () => {
    await expect(boot([])).rejects.toThrow(/jobs without a handler: .*test\.defined/);
  });

  it('starts with exactly one handler per defined job', async () => {
    await expect(boot([FirstHandler])).resolves.toBeUndefined();
  });

  it('runs runAtStart once at boot, and shutdown waits for it to finish', async () => {
    startRuns.length = 0;
    await boot([SlowStartHandler]);
    expect(startRuns).toEqual(['slow']);
  });

  it('starts even when a runAtStart fails', async () => {
    startRuns.length = 0;
    await expect(boot([FailingStartHandler])).resolves.toBeUndefined();
    expect(startRuns).toEqual(['failing']);
  });
});
