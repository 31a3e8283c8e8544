export * from './job.types';
export * from './job-queue';
export * from './inline-queue';
export * from './bullmq-queue';
export * from './job-handler.decorator';
export * from './jobs.module';
