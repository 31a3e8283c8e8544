import { Injectable } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { JobQueue } from '@engram/jobs';
import { MemoriesService, MemoryNotFoundError } from '@engram/memories';
import { ExtractionMessagesNotFoundError, JobNotFoundError } from './extraction.errors';
import { FactExtractor } from './extraction.dto';
import { ExtractionView, RequestExtractionInput } from './extraction.views';
import { ExtractionRow, ExtractionsRepository } from './extractions.repository';
import { LlmFactExtractor } from './llm-extractor';
import { OfflineFactExtractor } from './offline-extractor';

export function toExtractionView(row: ExtractionRow): ExtractionView {
  return {
    id: row.id,
    type: 'extraction',
    status: row.status,
    namespace: row.namespace,
    message_ids: row.message_ids,
    extractor: row.extractor,
    attempts: row.attempts,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    decisions: row.decisions.map((decision) => ({
      ...decision,
      kind: decision.kind as ExtractionView['decisions'][number]['kind'],
    })),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

/** The extractor the configuration names: the LLM one when EXTRACTION_LLM_URL is set. */
export function configuredExtractor(config: ConfigService): FactExtractor {
  const url = config.get('EXTRACTION_LLM_URL');
  if (!url) {
    return new OfflineFactExtractor();
  }
  return new LlmFactExtractor({
    url,
    model: config.get('EXTRACTION_LLM_MODEL'),
    apiKey: config.get('EXTRACTION_LLM_API_KEY'),
    timeoutMs: config.get('EXTRACTION_LLM_TIMEOUT_MS'),
    maxRetries: config.get('EXTRACTION_LLM_MAX_RETRIES'),
    backoffMs: 500,
  });
}

/**
 * Extraction requests: a row that tracks the job, and the job itself. The messages are read when
 * the job runs, so a message deleted in between is not read.
 */
@Injectable()
export class ExtractionService {
  readonly extractor: FactExtractor;

  constructor(
    private readonly repository: ExtractionsRepository,
    private readonly memories: MemoriesService,
    private readonly queue: JobQueue,
    config: ConfigService,
  ) {
    this.extractor = configuredExtractor(config);
  }

  async request(tenantId: string, input: Omit<RequestExtractionInput, 'tenant_id'>): Promise<ExtractionView> {
    // Refused up front rather than failing in the job: every message must be the tenant's, in the namespace.
    for (const id of input.message_ids) {
      const message = await this.memories.get(tenantId, id).catch((error: unknown) => {
        if (error instanceof MemoryNotFoundError) {
          return null;
        }
        throw error;
      });
      if (message === null || message.namespace !== input.namespace) {
        throw new ExtractionMessagesNotFoundError(`no message ${id} in namespace ${input.namespace}`, { id });
      }
    }
    const row = await this.repository.insert(tenantId, {
      namespace: input.namespace,
      messageIds: input.message_ids,
      extractor: this.extractor.name,
    });
    try {
      await this.queue.add('memories.extract', { tenantId, extractionId: row.id }, { jobId: `extract-${row.id}` });
    } catch (error) {
      // No job will ever run for this row: it must not stay queued.
      await this.repository.finish(tenantId, row.id, {
        status: 'failed',
        code: 'queue_unavailable',
        message: 'the job could not be queued',
      });
      throw error;
    }
    return toExtractionView(row);
  }

  async get(tenantId: string, id: string): Promise<ExtractionView> {
    const row = await this.repository.get(tenantId, id);
    if (!row) {
      throw new JobNotFoundError(`no job ${id}`, { id });
    }
    return toExtractionView(row);
  }
}
