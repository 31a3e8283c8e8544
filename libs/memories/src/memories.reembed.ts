import { Injectable, Logger } from '@nestjs/common';
import { embedForStorage, vectorText } from '@engram/embeddings';
import { JobHandler, JobHandlerInstance } from '@engram/jobs';
import { EmbeddingJobs, REEMBED_BATCH } from './memories.embedding';
import { MemoryEmbeddingsRepository } from './memory-embeddings.repository';
import { NamespacesService } from './namespaces.service';

/**
 * Fills a namespace's vectors for its pending model in batches, then switches the namespace to
 * it. Search keeps using the current model's vectors until the switch, which deletes them (its own
 * file: the handler needs NamespacesService, which needs EmbeddingJobs).
 */
@Injectable()
@JobHandler('embeddings.reembed')
export class ReembedNamespaceHandler implements JobHandlerInstance<'embeddings.reembed'> {
  private readonly logger = new Logger('ReembedNamespaceHandler');

  constructor(
    private readonly jobs: EmbeddingJobs,
    private readonly repository: MemoryEmbeddingsRepository,
    private readonly namespaces: NamespacesService,
  ) {}

  async handle(payload: { tenant_id: string; namespace: string; model: string }): Promise<void> {
    const provider = this.jobs.models.get(payload.model);
    try {
      for (;;) {
        const batch = await this.repository.withoutVector(
          payload.tenant_id,
          { namespace: payload.namespace },
          payload.model,
          REEMBED_BATCH,
        );
        if (batch.length === 0) {
          if (await this.namespaces.completeModelSwitch(payload.tenant_id, payload.namespace, payload.model)) {
            break;
          }
          continue;
        }
        const passages = await embedForStorage(
          provider,
          batch.map((memory) => memory.content),
        );
        await this.repository.store(
          payload.tenant_id,
          payload.model,
          batch.map((memory, i) => ({ id: memory.id, vectors: passages[i].map(vectorText) })),
        );
      }
      this.jobs.outcomes.inc({ job: 'reembed', status: 'success' });
      this.logger.log(`namespace ${payload.namespace} of ${payload.tenant_id} now embeds with ${payload.model}`);
    } catch (error) {
      this.jobs.outcomes.inc({ job: 'reembed', status: 'error' });
      throw error;
    }
  }
}
