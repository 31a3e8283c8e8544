import { defineJob } from '@engram/jobs';

declare module '@engram/jobs' {
  interface JobPayloads {
    /** Applies the update rules to one recorded run. */
    'memory.post-update': { tenant_id: string; run_id: string };
  }
}

defineJob('memory.post-update', { attempts: 5, backoffMs: 2000 });
