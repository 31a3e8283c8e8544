import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EmbeddingModels, LOCAL_HASH_MODEL, toVectorLiteral } from '@engram/embeddings';
import { JobContext, JobHandler, JobHandlerInstance, JobQueue, defineJob, jobDefinition } from '@engram/jobs';
import { MetricsService } from '@engram/metrics';
import { MemoryEmbeddingsRepository } from './memory-embeddings.repository';
import { NamespacesRepository } from './namespaces.repository';

declare module '@engram/jobs' {
  interface JobPayloads {
    'embeddings.embed': { tenant_id: string; memory_ids: string[]; model: string };
    'embeddings.reembed': { tenant_id: string; namespace: string; model: string };
  }
}

defineJob('embeddings.embed', { attempts: 5, backoffMs: 1000 });
defineJob('embeddings.reembed', { attempts: 5, backoffMs: 5000 });

export const REEMBED_BATCH = 256;
/** Pending memories read per page by a worker's start-up pass. */
const START_PAGE = 4096;
/** Tries at writing `failed` after the last attempt, 1 s then 2 s apart. */
const MARK_FAILED_TRIES = 3;
const MARK_FAILED_BACKOFF_MS = 1000;

/** Job ids: BullMQ refuses ":" in them, and model names and tenants may be long. */
function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** Rounds to 6 decimals: a third of the bytes on the wire, far below the models' precision. */
export function vectorText(vector: number[]): string {
  return toVectorLiteral(vector.map((value) => Math.round(value * 1e6) / 1e6));
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

  /** One job per call; the job id (a digest of tenant, model and memories) makes a repeat a no-op. */
  async embedLater(tenantId: string, model: string, memoryIds: string[]): Promise<void> {
    if (memoryIds.length === 0) {
      return;
    }
    await this.queue.add(
      'embeddings.embed',
      { tenant_id: tenantId, memory_ids: memoryIds, model },
      { jobId: `embed-${digest(tenantId, model, ...memoryIds)}` },
    );
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
  ) {}

  /**
   * Memories still pending when a worker starts get their job again: a job lives only in the
   * queue, which can lose it (Redis flushed or restarted empty, a write acknowledged while Redis
   * was down, the in-process queue of a process that stopped), and writers without a queue of
   * their own (`engram import` on the embedded database) leave them pending for this. Postgres is
   * the record; a memory embedded meanwhile is skipped by the job (withoutVector).
   */
  async runAtStart(): Promise<void> {
    let after: { tenantId: string; id: string } | null = null;
    let queued = 0;
    for (;;) {
      const page = await this.repository.pendingAcrossTenants(after, START_PAGE);
      const jobs = new Map<string, { tenantId: string; model: string; ids: string[] }>();
      for (const row of page) {
        const key = `${row.tenant_id}\u0000${row.model}`;
        const job = jobs.get(key) ?? { tenantId: row.tenant_id, model: row.model, ids: [] };
        job.ids.push(row.id);
        jobs.set(key, job);
      }
      for (const job of jobs.values()) {
        for (let i = 0; i < job.ids.length; i += REEMBED_BATCH) {
          await this.jobs.embedLater(job.tenantId, job.model, job.ids.slice(i, i + REEMBED_BATCH));
        }
      }
      queued += page.length;
      if (page.length < START_PAGE) {
        break;
      }
      const last = page[page.length - 1];
      after = { tenantId: last.tenant_id, id: last.id };
    }
    if (queued > 0) {
      this.logger.log(`queued embedding for ${queued} memories left pending`);
    }
  }

  async handle(
    payload: { tenant_id: string; memory_ids: string[]; model: string },
    context: JobContext,
  ): Promise<void> {
    try {
      const pending = await this.repository.withoutVector(
        payload.tenant_id,
        { ids: payload.memory_ids },
        payload.model,
        payload.memory_ids.length,
      );
      if (pending.length > 0) {
        const vectors = await this.jobs.models.get(payload.model).embed(pending.map((memory) => memory.content));
        await this.repository.store(
          payload.tenant_id,
          payload.model,
          pending.map((memory, i) => ({ id: memory.id, vector: vectorText(vectors[i]) })),
        );
        const now = Date.now();
        for (const memory of pending) {
          this.jobs.lag.observe({ model: payload.model }, (now - memory.created_at.getTime()) / 1000);
        }
      }
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
