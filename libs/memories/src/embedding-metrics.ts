import { Injectable } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { CachedReading, MetricsService } from '@engram/metrics';
import { MemoryEmbeddingsRepository } from './memory-embeddings.repository';

/**
 * The embedding backlog as memories, not jobs (one job embeds a batch, and a job can be lost
 * while its memories stay pending): `memory_embeddings_pending` counts memories with
 * embedding_status "pending", `memory_embedding_oldest_pending_seconds` is how long the oldest
 * has waited since it was written. memory_embedding_lag_seconds sees a vector only once it is
 * stored; this sees the wait while it lasts, and a worker that is down. Read from Postgres at
 * scrape time, at most once per METRICS_DB_REFRESH_SECONDS; replicas report the same numbers.
 */
@Injectable()
export class EmbeddingBacklogMetrics {
  constructor(repository: MemoryEmbeddingsRepository, metrics: MetricsService, config: ConfigService) {
    const reading = new CachedReading(
      () => repository.pendingSummary(),
      config.get('METRICS_DB_REFRESH_SECONDS') * 1000,
    );
    metrics.gauge(
      'memory_embeddings_pending',
      'Memories waiting for their vector (embedding_status pending), across tenants',
      [],
      async function () {
        const summary = await reading.get();
        this.reset();
        if (summary) {
          this.set(summary.pending);
        }
      },
    );
    metrics.gauge(
      'memory_embedding_oldest_pending_seconds',
      'How long the memory waiting longest for its vector has waited since it was written (0 when none waits)',
      [],
      async function () {
        const summary = await reading.get();
        this.reset();
        if (summary) {
          this.set(summary.oldest_seconds);
        }
      },
    );
  }
}
