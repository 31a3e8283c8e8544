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
   * Stores each memory's passage vectors (idempotent: a redelivered job overwrites the same rows,
   * and passages beyond the new count go) and marks the memories ready when `model` is their
   * namespace's current model. A memory deleted meanwhile is skipped, never resurrected.
   */
  store(tenantId: string, model: string, memories: { id: string; vectors: string[] }[]): Promise<void> {
    const rows = memories.flatMap((memory) =>
      memory.vectors.map((vector, passage) => ({ id: memory.id, passage, vector })),
    );
    return this.scope.tenant(tenantId, 'store', async (tx) => {
      await tx.query(
        `WITH input AS (SELECT * FROM unnest($2::uuid[], $3::int[], $4::text[]) AS x(id, passage, vector)),
         stale AS (
           DELETE FROM memory_embeddings e
           USING unnest($6::uuid[], $7::int[]) AS c(id, passages)
           WHERE e.tenant_id = $1 AND e.memory_id = c.id AND e.model = $5 AND e.passage >= c.passages
         ),
         stored AS (
           INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding, passage)
           SELECT $1, m.id, $5, m.namespace, i.vector::vector, i.passage
           FROM input i JOIN memories m ON m.tenant_id = $1 AND m.id = i.id
           ON CONFLICT (tenant_id, memory_id, model, passage) DO UPDATE SET embedding = EXCLUDED.embedding, created_at = now()
           RETURNING memory_id
         )
         UPDATE memories m SET embedding_status = 'ready'
         FROM (SELECT DISTINCT memory_id FROM stored) s, namespaces n
         WHERE m.tenant_id = $1 AND m.id = s.memory_id
           AND n.tenant_id = $1 AND n.name = m.namespace AND n.embedding_model = $5`,
        [
          tenantId,
          rows.map((r) => r.id),
          rows.map((r) => r.passage),
          rows.map((r) => r.vector),
          model,
          memories.map((m) => m.id),
          memories.map((m) => m.vectors.length),
        ],
      );
    });
  }

  /**
   * Memories of every tenant still pending a vector `olderThanSeconds` after their last write,
   * with their namespace's model, oldest first. Across tenants on purpose (the embedding sweep);
   * each row says its tenant, and every later statement on them is scoped to that tenant.
   */
  pendingAcrossTenants(
    olderThanSeconds: number,
    limit: number,
  ): Promise<{ tenant_id: string; id: string; model: string }[]> {
    return this.scope.crossTenant('pendingAcrossTenants', (tx) =>
      tx.query(
        `SELECT m.tenant_id, m.id, n.embedding_model AS model
         FROM memories m
         JOIN namespaces n ON n.tenant_id = m.tenant_id AND n.name = m.namespace
         WHERE m.embedding_status = 'pending'
           AND m.updated_at < now() - make_interval(secs => $1)
           AND (m.expires_at IS NULL OR m.expires_at > now())
         ORDER BY m.updated_at
         LIMIT $2`,
        [olderThanSeconds, limit],
      ),
    );
  }

  /**
   * Across every tenant: how many memories wait for their vector, and how long the one waiting
   * longest has (seconds since it was last written). Reads the partial index of pending rows
   * (migration 0022), so its cost follows the backlog, not the table. No row names a tenant.
   */
  pendingSummary(): Promise<{ pending: number; oldest_seconds: number }> {
    return this.scope.crossTenant('pendingSummary', async (tx) => {
      const rows = await tx.query<{ pending: number; oldest_seconds: number | null }>(
        `SELECT count(*)::float8 AS pending,
                extract(epoch FROM clock_timestamp() - min(updated_at))::float8 AS oldest_seconds
           FROM memories WHERE embedding_status = 'pending'`,
      );
      return { pending: rows[0]?.pending ?? 0, oldest_seconds: Math.max(rows[0]?.oldest_seconds ?? 0, 0) };
    });
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
