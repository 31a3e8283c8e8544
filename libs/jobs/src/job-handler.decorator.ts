import { SetMetadata } from '@nestjs/common';
import { JobName } from './job.types';

export const JOB_HANDLER_KEY = 'engram:job-handler';

/** Marks a provider as the one handler of a job; the worker finds it at boot. */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER_KEY, name);
