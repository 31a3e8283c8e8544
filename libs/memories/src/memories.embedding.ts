import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { MemoryCache } from '@engram/cache';
import { ConfigService } from '@engram/config';
import { EmbeddingModels, LOCAL_HASH_MODEL, embedForStorage, vectorText } from '@engram/embeddings';
import { JobContext, JobHandler, JobHandlerInstance, JobQueue, defineJob, jobDefinition } from '@engram/jobs';
import { MetricsService } from '@engram/metrics';
import { MemoryEmbeddingsRepository } from './memory-embeddings.repository';
import { NamespacesRepository } from './namespaces.repository';

declare module '@engram/jobs' {
  interface JobPayloads {
    'embeddings.embed': { tenant_id: string; memory_ids: string[]; model: string };
    'embeddings.reembed': { tenant_id: string; namespace: string; model: string };
    'embeddings.sweep': Record<string, never>;
  }
}

defineJob('embeddings.embed', { attempts: 5, backoffMs: 1000 });
defineJob('embeddings.reembed', { attempts: 5, backoffMs: 5000 });
defineJob('embeddings.sweep', { attempts: 1, backoffMs: 1000 });

export const REEMBED_BATCH = 256;
/** Memories one sweep run embeds at most, and how many go into one call of the model. */
const SWEEP_LIMIT = 1024;
const SWEEP_BATCH = 64;
/** Tries at writing `failed` after the last attempt, 1 s then 2 s apart. */
const MARK_FAILED_TRIES = 3;
const MARK_FAILED_BACKOFF_MS = 1000;

/** Job ids: BullMQ refuses ":" in them, and model names and tenants may be long. */
function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Queues embedding work and counts its outcomes; shared by the memories service and the handlers. */
@Injectable()
export class EmbeddingJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('EmbeddingJobs');
  readonly outcomes;
  readonly lag;

  constructor(
    private readonly queue: JobQueue,
    private readonly namespaces: NamespacesRepository,
    readonly models: EmbeddingModels,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('memory_embedding_jobs_total', 'Embedding job runs by job and outcome', [
      'job',
      'status',
    ]);
    this.lag = metrics.histogram(
      'memory_embedding_lag_seconds',
      'Time from a memory being written to its vector being stored',
      ['model'],
      [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    );
  }

  /**
   * New namespaces get the default model, so its HNSW index must exist before their vectors
   * grow past an exact scan (the migrations create the hash model's only). A replica booting at
   * the same moment may win the race to create it: that is logged, not fatal.
   */
  async onApplicationBootstrap(): Promise<void> {
    const provider = this.models.get(this.models.defaultModel);
    if (provider.model === LOCAL_HASH_MODEL) {
      return;
    }
    try {
      await this.namespaces.ensureModelIndex(provider.model, provider.dimensions);
    } catch (error) {
      this.logger.warn(`no HNSW index for ${provider.model} yet: ${(error as Error).message}`);
    }
  }

  /**
   * One job per call; the job id (a digest of tenant, model and memories) makes a repeat a no-op.
   * Never throws: the memories are already stored (and acknowledged once this returns), so a
   * queue that cannot take the job (Redis down or stalled) leaves them pending, and the
   * embedding sweep embeds them one interval later. Failing the write here answered 500 for a
   * memory that was in fact stored, and left it pending for good.
   */
  async embedLater(tenantId: string, model: string, memoryIds: string[]): Promise<void> {
    if (memoryIds.length === 0) {
      return;
    }
    try {
      await this.queue.add(
        'embeddings.embed',
        { tenant_id: tenantId, memory_ids: memoryIds, model },
        { jobId: `embed-${digest(tenantId, model, ...memoryIds)}` },
      );
    } catch (error) {
      this.outcomes.inc({ job: 'embed', status: 'not_queued' });
      this.logger.warn(
        `embedding job for ${memoryIds.length} memories of ${tenantId} not queued, the embedding sweep will embed them: ${(error as Error).message}`,
      );
    }
  }

  async reembedLater(tenantId: string, namespace: string, model: string): Promise<void> {
    const provider = this.models.get(model);
    if (provider.model !== LOCAL_HASH_MODEL) {
      await this.namespaces.ensureModelIndex(provider.model, provider.dimensions);
    }
    await this.queue.add(
      'embeddings.reembed',
      { tenant_id: tenantId, namespace, model },
      { jobId: `reembed-${digest(tenantId, namespace, model)}-${Date.now()}` },
    );
  }
}

/** Embeds memories written while their model's provider was remote (or pending a model switch). */
@Injectable()
@JobHandler('embeddings.embed')
export class EmbedMemoriesHandler implements JobHandlerInstance<'embeddings.embed'> {
  private readonly logger = new Logger('EmbedMemoriesHandler');

  constructor(
    private readonly jobs: EmbeddingJobs,
    private readonly repository: MemoryEmbeddingsRepository,
    private readonly cache: MemoryCache,
  ) {}

  async handle(
    payload: { tenant_id: string; memory_ids: string[]; model: string },
    context: JobContext,
  ): Promise<void> {
    try {
      await this.embed(payload);
      this.jobs.outcomes.inc({ job: 'embed', status: 'success' });
    } catch (error) {
      const final = context.attempt >= jobDefinition('embeddings.embed').attempts;
      this.jobs.outcomes.inc({ job: 'embed', status: final ? 'failed' : 'retry' });
      if (final) {
        await this.markFailed(payload, context);
      }
      throw error;
    }
  }

  /** Embeds and stores the memories of `payload` that have no vector for its model yet. */
  async embed(payload: { tenant_id: string; memory_ids: string[]; model: string }): Promise<void> {
    const pending = await this.repository.withoutVector(
      payload.tenant_id,
      { ids: payload.memory_ids },
      payload.model,
      payload.memory_ids.length,
    );
    if (pending.length === 0) {
      return;
    }
    const passages = await embedForStorage(
      this.jobs.models.get(payload.model),
      pending.map((memory) => memory.content),
    );
    await this.repository.store(
      payload.tenant_id,
      payload.model,
      pending.map((memory, i) => ({ id: memory.id, vectors: passages[i].map(vectorText) })),
    );
    // New vectors change what the tenant's searches rank: cached contexts from before are stale.
    await this.cache.invalidate(payload.tenant_id, ['memories']);
    const now = Date.now();
    for (const memory of pending) {
      this.jobs.lag.observe({ model: payload.model }, (now - memory.created_at.getTime()) / 1000);
    }
  }

  /**
   * The last attempt failed: the memories must not stay pending. One UPDATE of their status
   * (no lexical trigger fires on it), tried a few times, because whatever made the attempt fail
   * (a busy or restarting database) may still be there. If it cannot be written, the job's own
   * error is still the one reported.
   */
  private async markFailed(
    payload: { tenant_id: string; memory_ids: string[]; model: string },
    context: JobContext,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.repository.markFailed(payload.tenant_id, payload.memory_ids);
        await this.cache.invalidate(payload.tenant_id, ['memories']);
        return;
      } catch (error) {
        if (attempt >= MARK_FAILED_TRIES) {
          this.logger.error(
            `job ${context.jobId}: could not mark ${payload.memory_ids.length} memories of ${payload.tenant_id} failed in ${attempt} tries, they stay pending: ${(error as Error).message}`,
          );
          return;
        }
        this.logger.warn(`job ${context.jobId}: marking memories failed (try ${attempt}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, MARK_FAILED_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }
}

/**
 * The queue is not the record of which memories need a vector; Postgres is (`embedding_status`).
 * A job can be lost: never queued because Redis was down or stalled at the write, flushed or
 * forgotten by a Redis restart, or failed by BullMQ as stalled (its worker killed twice) without
 * the handler running. Every worker runs this at start and every EMBEDDING_SWEEP_INTERVAL_SECONDS:
 * memories still pending that long after their last write are embedded here, directly, so the
 * sweep needs only Postgres. A memory whose job is merely waiting in a backlog may be embedded by
 * both; storing is idempotent, and the job then finds nothing left to do.
 */
@Injectable()
@JobHandler('embeddings.sweep')
export class EmbeddingSweepHandler implements JobHandlerInstance<'embeddings.sweep'> {
  private readonly logger = new Logger('EmbeddingSweepHandler');

  constructor(
    private readonly embedder: EmbedMemoriesHandler,
    private readonly jobs: EmbeddingJobs,
    private readonly repository: MemoryEmbeddingsRepository,
    private readonly config: ConfigService,
  ) {}

  repeatEveryMs(): number {
    return this.config.get('EMBEDDING_SWEEP_INTERVAL_SECONDS') * 1000;
  }

  runAtStart(): Promise<void> {
    return this.handle();
  }

  async handle(): Promise<void> {
    const rows = await this.repository.pendingAcrossTenants(
      this.config.get('EMBEDDING_SWEEP_INTERVAL_SECONDS'),
      SWEEP_LIMIT,
    );
    const groups = new Map<string, { tenant_id: string; model: string; memory_ids: string[] }>();
    for (const row of rows) {
      const key = `${row.tenant_id}\u0000${row.model}`;
      const group = groups.get(key) ?? { tenant_id: row.tenant_id, model: row.model, memory_ids: [] };
      group.memory_ids.push(row.id);
      groups.set(key, group);
    }
    let embedded = 0;
    for (const group of groups.values()) {
      for (let i = 0; i < group.memory_ids.length; i += SWEEP_BATCH) {
        const memory_ids = group.memory_ids.slice(i, i + SWEEP_BATCH);
        try {
          await this.embedder.embed({ tenant_id: group.tenant_id, model: group.model, memory_ids });
          this.jobs.outcomes.inc({ job: 'sweep', status: 'success' });
          embedded += memory_ids.length;
        } catch (error) {
          // Left pending: the next run tries again (the model may be back by then).
          this.jobs.outcomes.inc({ job: 'sweep', status: 'retry' });
          this.logger.warn(
            `embedding sweep: ${memory_ids.length} memories of ${group.tenant_id} (${group.model}) not embedded: ${(error as Error).message}`,
          );
        }
      }
    }
    if (rows.length > 0) {
      this.logger.log(`embedding sweep: ${embedded} of ${rows.length} pending memories embedded`);
    }
  }
}
