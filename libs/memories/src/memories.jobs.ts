import { Injectable } from '@nestjs/common';
import { MemoryCache } from '@engram/cache';
import { ConfigService } from '@engram/config';
import { JobHandler, JobHandlerInstance, defineJob } from '@engram/jobs';
import { MemoriesRepository } from './memories.repository';

declare module '@engram/jobs' {
  interface JobPayloads {
    'memories.expire': Record<string, never>;
  }
}

defineJob('memories.expire', { attempts: 3, backoffMs: 2000 });

const BATCH = 1000;

/**
 * Deletes memories past their TTL (already invisible to every read) and past their namespace's
 * retention, in batches, on a schedule.
 */
@Injectable()
@JobHandler('memories.expire')
export class MemoryExpiryHandler implements JobHandlerInstance<'memories.expire'> {
  constructor(
    private readonly repository: MemoriesRepository,
    private readonly config: ConfigService,
    private readonly cache: MemoryCache,
  ) {}

  repeatEveryMs(): number {
    return this.config.get('MEMORY_EXPIRY_INTERVAL_SECONDS') * 1000;
  }

  async handle(): Promise<void> {
    let deleted = 0;
    for (let batch = BATCH; batch === BATCH; deleted += batch) {
      batch = await this.repository.deleteExpiredBatch(BATCH);
    }
    if (deleted > 0) {
      // Across tenants: every cached context goes (retention deletes memories still visible).
      await this.cache.invalidateAll();
    }
  }
}
