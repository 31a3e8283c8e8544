import { Injectable } from '@nestjs/common';
import { JobHandler, JobHandlerInstance, JobPayloads } from '@engram/jobs';
import './post-update.job-types';
import { PostUpdateService } from './post-update.service';

/**
 * memory.post-update: applies the update rules to one run. At-least-once delivery is safe: each
 * (run, rule) is claimed in the transaction that applies it, so a rerun applies nothing twice.
 */
@Injectable()
@JobHandler('memory.post-update')
export class PostUpdateHandler implements JobHandlerInstance<'memory.post-update'> {
  constructor(private readonly postUpdate: PostUpdateService) {}

  async handle(payload: JobPayloads['memory.post-update']): Promise<void> {
    await this.postUpdate.apply(payload.tenant_id, payload.run_id);
  }
}
