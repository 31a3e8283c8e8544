import { Injectable } from '@nestjs/common';
import { Database, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';

/** Vectors of memories (memory_embeddings), written by the embedding jobs. Tenant first. */
@Injectable()
export class MemoryEmbeddingsRepository {
  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'memory_embeddings');
  }

  /** Live memories (of `ids`, or else of `namespace`) with no vector for `model`, oldest first. */
  withoutVector(
    tenantId: string,
    scope: { ids: string[] } | { namespace: string },
    model: string,
    limit: number,
  ): Promise<{ id: string; namespace: string; content: string; created_at: Date }[]> {
    return this.scope.tenant(tenantId, 'withoutVector', (tx) =>
      tx.query(
        `SELECT m.id, m.namespace, m.content, m.created_at FROM memories m
         WHERE m.tenant_id = $1
           AND ${'ids' in scope ? 'm.id = ANY($2::uuid[])' : 'm.namespace = $2'}
           AND NOT EXISTS (SELECT 1 FROM memory_embeddings e WHERE e.tenant_id = m.tenant_id AND e.memory_id = m.id AND e.model = $3)
         ORDER BY m.created_at
         LIMIT $4`,
        [tenantId, 'ids' in scope ? scope.ids : scope.namespace, model, limit],
      ),
    );
  }

  /**
   * Stores vectors (idempotent: a redelivered job overwrites the same rows) and marks the
   * memories ready when `model` is their namespace's current model. A memory deleted meanwhile
   * is skipped, never resurrected.
   */
  store(tenantId: string, model: string, vectors: { id: string; vector: string }[]): Promise<void> {
    return this.scope.tenant(tenantId, 'store', async (tx) => {
      await tx.query(
        `WITH input AS (SELECT * FROM unnest($2::uuid[], $3::text[]) AS x(id, vector)),
         stored AS (
           INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding)
           SELECT $1, m.id, $4, m.namespace, i.vector::vector
           FROM input i JOIN memories m ON m.tenant_id = $1 AND m.id = i.id
           ON CONFLICT (tenant_id, memory_id, model) DO UPDATE SET embedding = EXCLUDED.embedding, created_at = now()
           RETURNING memory_id
         )
         UPDATE memories m SET embedding_status = 'ready'
         FROM stored s, namespaces n
         WHERE m.tenant_id = $1 AND m.id = s.memory_id
           AND n.tenant_id = $1 AND n.name = m.namespace AND n.embedding_model = $4`,
        [tenantId, vectors.map((v) => v.id), vectors.map((v) => v.vector), model],
      );
    });
  }

  /**
   * Pending memories with no vector of their namespace's current model, across tenants, in key
   * order after `after`: what a worker start queues again (see EmbedMemoriesHandler.runAtStart).
   */
  pendingAcrossTenants(
    after: { tenantId: string; id: string } | null,
    limit: number,
  ): Promise<{ tenant_id: string; id: string; model: string }[]> {
    return this.scope.crossTenant('pendingAcrossTenants', (tx) =>
      tx.query(
        `SELECT m.tenant_id, m.id, n.embedding_model AS model
           FROM memories m JOIN namespaces n ON n.tenant_id = m.tenant_id AND n.name = m.namespace
          WHERE m.embedding_status = 'pending'
            AND ($1::text IS NULL OR (m.tenant_id, m.id) > ($1::text, $2::uuid))
            AND NOT EXISTS (SELECT 1 FROM memory_embeddings e
                             WHERE e.tenant_id = m.tenant_id AND e.memory_id = m.id AND e.model = n.embedding_model)
          ORDER BY m.tenant_id, m.id
          LIMIT $3`,
        [after?.tenantId ?? null, after?.id ?? null, limit],
      ),
    );
  }

  markFailed(tenantId: string, ids: string[]): Promise<void> {
    return this.scope.tenant(tenantId, 'markFailed', async (tx) => {
      await tx.query(
        `UPDATE memories SET embedding_status = 'failed' WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND embedding_status = 'pending'`,
        [tenantId, ids],
      );
    });
  }
}
