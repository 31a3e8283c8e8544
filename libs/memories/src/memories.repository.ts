import { Injectable } from '@nestjs/common';
import { Database, Queryable, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { MemoryFilters, MemoryType } from './memories.dto';
import { LIVE_MEMORY, MEMORY_COLUMNS, MemoryRow, SqlParams, memoryFilterSql, neighboursSql } from './memory-sql';

export interface InsertMemoryItem {
  content: string;
  type: MemoryType;
  metadata: Record<string, unknown> | null;
  tags: string[] | null;
  importance: number | null;
  source: string | null;
  ttl_seconds: number | null;
  /** pgvector text; null leaves the memory pending for the embedding job. */
  embedding: string | null;
}

export interface InsertedMemoryRow extends MemoryRow {
  ord: number;
  duplicate: boolean;
}

export interface RelationRow {
  from_id: string;
  to_id: string;
  relation: string;
  weight: number;
}

export interface ListCursor {
  createdAt: string;
  id: string;
}

/** What a bulk update does to every memory it selects; at least one part is set. */
export interface MemoryBulkChange {
  importanceSet?: number;
  importanceDelta?: number;
  /** From now; 0 expires them at once. */
  ttlSeconds?: number;
}

export interface MatchedMemoryRow {
  id: string;
  importance: number;
  expires_at: Date | null;
}

export interface MemoryPatch {
  /** Moves the memory; the namespace must exist (the foreign key refuses it otherwise). */
  namespace?: string;
  content?: string;
  type?: MemoryType;
  metadata?: Record<string, unknown>;
  tags?: string[];
  importance?: number;
  source?: string | null;
  ttl_seconds?: number;
}

/** The foreign key from memories to namespaces refused a write: the namespace does not exist. */
export function isNamespaceMissing(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23503' && e.constraint === 'memories_tenant_id_namespace_fkey';
}

/** The memories and memory_relations tables. Tenant first in every method. */
@Injectable()
export class MemoriesRepository {
  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'memories');
  }

  /**
   * Inserts up to 1000 memories (and the vectors computed for them) in one statement. Content
   * already in the namespace is not inserted again: its existing row comes back with
   * duplicate = true. A vector is stored only if `model` is still the namespace's model at insert
   * time, so a model switch racing this insert leaves the memory pending rather than wrong.
   * Rows come back in input order (`ord`); repeated content within one batch maps to one row.
   * With `createNamespace`, a namespace that does not exist yet is created (with `defaultModel`)
   * by the same statement, so a rejected write leaves no namespace behind. Without it, the
   * memories' foreign key refuses the whole statement when the namespace does not exist (or was
   * deleted since the caller looked): nothing is written and the error is `isNamespaceMissing`.
   */
  insertMany(
    tenantId: string,
    namespace: string,
    items: InsertMemoryItem[],
    provenance: { actor: string | null; keyId: string | null },
    model: string,
    defaultModel: string,
    createNamespace: boolean,
    tx?: Queryable,
  ): Promise<InsertedMemoryRow[]> {
    const input = JSON.stringify(items.map((item, ord) => ({ ord, ...item })));
    const run = (q: Queryable) =>
      q.query<InsertedMemoryRow>(
        `WITH input AS (
           SELECT x.*, memory_content_hash(x.content) AS hash
           FROM jsonb_to_recordset($3::jsonb) AS x(ord int, content text, type text, metadata jsonb, tags text[],
             importance real, source text, ttl_seconds int, embedding text)
         ), namespace AS (
           INSERT INTO namespaces (tenant_id, name, embedding_model) SELECT $1, $2, $7 WHERE $8::boolean
           ON CONFLICT (tenant_id, name) DO NOTHING
         ), model_ok AS (
           SELECT coalesce((SELECT embedding_model FROM namespaces WHERE tenant_id = $1 AND name = $2), $7) = $6 AS ok
         ), inserted AS (
           INSERT INTO memories AS m (tenant_id, namespace, content, type, metadata, tags, importance, source, actor,
             created_by_key, expires_at, embedding_status)
           SELECT $1, $2, i.content, i.type, coalesce(i.metadata, '{}'::jsonb), coalesce(i.tags, '{}'),
             coalesce(i.importance, 0.5), i.source, $4, $5,
             CASE WHEN i.ttl_seconds > 0 THEN now() + make_interval(secs => i.ttl_seconds) END,
             CASE WHEN i.embedding IS NOT NULL AND (SELECT ok FROM model_ok) THEN 'ready' ELSE 'pending' END
           FROM input i ORDER BY i.ord
           ON CONFLICT (tenant_id, namespace, content_hash) DO NOTHING
           RETURNING m.*
         ), embedded AS (
           INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding)
           SELECT $1, m.id, $6, $2, e.embedding::vector
           FROM inserted m
           JOIN LATERAL (SELECT embedding FROM input WHERE hash = m.content_hash ORDER BY ord LIMIT 1) e ON true
           WHERE m.embedding_status = 'ready'
         )
         SELECT i.ord, false AS duplicate, ${MEMORY_COLUMNS}
         FROM input i JOIN inserted m ON m.content_hash = i.hash
         UNION ALL
         SELECT i.ord, true AS duplicate, ${MEMORY_COLUMNS}
         FROM input i JOIN memories m ON m.tenant_id = $1 AND m.namespace = $2 AND m.content_hash = i.hash
         WHERE NOT EXISTS (SELECT 1 FROM inserted WHERE content_hash = i.hash)
         ORDER BY ord`,
        [tenantId, namespace, input, provenance.actor, provenance.keyId, model, defaultModel, createNamespace],
        items.length === 1 ? 'memories_insert_one' : undefined,
      );
    return this.scope.tenant(tenantId, 'insertMany', run, { tx });
  }

  /**
   * Adds edges; returns false (and adds nothing) if any target is not a memory of this tenant.
   * Re-adding an edge updates its weight.
   */
  insertRelations(tenantId: string, relations: RelationRow[], tx?: Queryable): Promise<boolean> {
    return this.scope.tenant(
      tenantId,
      'insertRelations',
      async (q) => {
        const rows = await q.query<{ expected: number; inserted: number }>(
          `WITH input AS (
           SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(from_id uuid, to_id uuid, relation text, weight real)
         ), valid AS (
           SELECT i.* FROM input i
           WHERE EXISTS (SELECT 1 FROM memories m WHERE m.tenant_id = $1 AND m.id = i.from_id AND ${LIVE_MEMORY})
             AND EXISTS (SELECT 1 FROM memories m WHERE m.tenant_id = $1 AND m.id = i.to_id AND ${LIVE_MEMORY})
         ), inserted AS (
           INSERT INTO memory_relations (tenant_id, from_id, relation, to_id, weight)
           SELECT $1, from_id, relation, to_id, weight FROM valid WHERE (SELECT count(*) FROM valid) = (SELECT count(*) FROM input)
           ON CONFLICT (tenant_id, from_id, relation, to_id) DO UPDATE SET weight = EXCLUDED.weight
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM input)::int AS expected, (SELECT count(*) FROM valid)::int AS inserted`,
          [tenantId, JSON.stringify(relations)],
        );
        return rows[0].expected === rows[0].inserted;
      },
      { tx },
    );
  }

  get(tenantId: string, id: string): Promise<MemoryRow | null> {
    return this.scope.tenant(tenantId, 'get', async (tx) => {
      const rows = await tx.query<MemoryRow>(
        `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.tenant_id = $1 AND m.id = $2 AND ${LIVE_MEMORY}`,
        [tenantId, id],
        'memories_get',
      );
      return rows[0] ?? null;
    });
  }

  /** The id of the memory in `namespace` whose content hashes like `content`, if any. */
  idByContent(tenantId: string, namespace: string, content: string): Promise<string | null> {
    return this.scope.tenant(tenantId, 'id_by_content', async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `SELECT m.id FROM memories m
           WHERE m.tenant_id = $1 AND m.namespace = $2 AND m.content_hash = memory_content_hash($3)`,
        [tenantId, namespace, content],
        'memories_id_by_content',
      );
      return rows[0]?.id ?? null;
    });
  }

  /**
   * Newest first, keyset-paged on (created_at, id); returns up to limit + 1 rows. Null when
   * `namespace` is given and does not exist (checked in the same transaction as the read).
   */
  list(
    tenantId: string,
    options: { namespace?: string; filters: MemoryFilters; after: ListCursor | null; limit: number },
  ): Promise<(MemoryRow & { created_at_text: string })[] | null> {
    return this.scope.tenant(tenantId, 'list', async (tx) => {
      if (
        options.namespace !== undefined &&
        (await tx.query(`SELECT 1 FROM namespaces WHERE tenant_id = $1 AND name = $2`, [tenantId, options.namespace]))
          .length === 0
      ) {
        return null;
      }
      const params = new SqlParams();
      const clauses = [`m.tenant_id = ${params.add(tenantId)}`, memoryFilterSql(options.filters, params)];
      if (options.namespace !== undefined) {
        clauses.push(`m.namespace = ${params.add(options.namespace)}`);
      }
      if (options.after) {
        clauses.push(
          `(m.created_at, m.id) < (${params.add(options.after.createdAt)}::timestamptz, ${params.add(options.after.id)}::uuid)`,
        );
      }
      return tx.query<MemoryRow & { created_at_text: string }>(
        `SELECT ${MEMORY_COLUMNS}, m.created_at::text AS created_at_text FROM memories m
         WHERE ${clauses.join(' AND ')}
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT ${params.add(options.limit + 1)}`,
        params.values,
      );
    });
  }

  /**
   * Applies a patch. New content or a new namespace replaces the stored vectors with `embedding`
   * (or leaves the memory pending) in the same transaction. Returns null if there is no such live
   * memory. A move into a namespace that does not exist fails with `isNamespaceMissing`.
   */
  update(
    tenantId: string,
    id: string,
    patch: MemoryPatch,
    embedding: { model: string; vector: string | null } | null,
    tx?: Queryable,
  ): Promise<MemoryRow | null> {
    const run = async (q: Queryable) => {
      const params = new SqlParams();
      const tenant = params.add(tenantId);
      const memoryId = params.add(id);
      const sets = ['updated_at = clock_timestamp()'];
      const simple: [keyof MemoryPatch, string][] = [
        ['namespace', 'text'],
        ['content', 'text'],
        ['type', 'text'],
        ['tags', 'text[]'],
        ['importance', 'real'],
        ['source', 'text'],
      ];
      for (const [field, type] of simple) {
        if (patch[field] !== undefined) {
          sets.push(`${field} = ${params.add(patch[field])}::${type}`);
        }
      }
      if (patch.metadata !== undefined) {
        sets.push(`metadata = ${params.add(JSON.stringify(patch.metadata))}::jsonb`);
      }
      if (patch.ttl_seconds !== undefined) {
        sets.push(
          `expires_at = CASE WHEN ${params.add(patch.ttl_seconds)}::int > 0 THEN now() + make_interval(secs => ${params.add(patch.ttl_seconds)}::int) END`,
        );
      }
      if (embedding) {
        sets.push(`embedding_status = ${params.add(embedding.vector === null ? 'pending' : 'ready')}`);
      }
      const rows = await q.query<MemoryRow>(
        `UPDATE memories m SET ${sets.join(', ')}
           WHERE m.tenant_id = ${tenant} AND m.id = ${memoryId} AND ${LIVE_MEMORY}
           RETURNING ${MEMORY_COLUMNS}`,
        params.values,
      );
      const row = rows[0];
      if (row && embedding) {
        await q.query('DELETE FROM memory_embeddings WHERE tenant_id = $1 AND memory_id = $2', [tenantId, id]);
        if (embedding.vector !== null) {
          await q.query(
            `INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding) VALUES ($1, $2, $3, $4, $5::vector)`,
            [tenantId, id, embedding.model, row.namespace, embedding.vector],
          );
        }
      }
      return row ?? null;
    };
    return this.scope.tenant(tenantId, 'update', run, { tx });
  }

  /**
   * Creates the namespace with default settings if it does not exist. Only inside the caller's
   * transaction `tx`, so the write it is for commits or rolls back with it.
   */
  async ensureNamespace(tenantId: string, namespace: string, model: string, tx: Queryable): Promise<void> {
    await this.scope.tenant(
      tenantId,
      'ensureNamespace',
      (q) =>
        q.query(
          `INSERT INTO namespaces (tenant_id, name, embedding_model) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, name) DO NOTHING`,
          [tenantId, namespace, model],
        ),
      { tx },
    );
  }

  /**
   * Live memories of one namespace matching `filters`, oldest first, at most `limit`; with a
   * `change`, those rows get it (importance moved or set, clamped to 0..1; expiry set) in one
   * statement, locked in that order so two bulk updates cannot deadlock. Without one, nothing is
   * written (what a dry run shows).
   */
  updateMatching(
    tenantId: string,
    namespace: string,
    filters: MemoryFilters,
    limit: number,
    change: MemoryBulkChange | null,
    tx?: Queryable,
  ): Promise<MatchedMemoryRow[]> {
    return this.scope.tenant(
      tenantId,
      change ? 'updateMatching' : 'selectMatching',
      async (q) => {
        const params = new SqlParams();
        const where = [
          `m.tenant_id = ${params.add(tenantId)}`,
          `m.namespace = ${params.add(namespace)}`,
          memoryFilterSql(filters, params),
        ].join(' AND ');
        const order = `ORDER BY m.created_at, m.id LIMIT ${params.add(limit)}`;
        if (!change) {
          return q.query<MatchedMemoryRow>(
            `SELECT m.id, m.importance, m.expires_at FROM memories m WHERE ${where} ${order}`,
            params.values,
          );
        }
        const select = `SELECT m.id FROM memories m WHERE ${where} ${order}`;
        const sets = ['updated_at = clock_timestamp()'];
        if (change.importanceSet !== undefined) {
          sets.push(`importance = ${params.add(change.importanceSet)}::real`);
        } else if (change.importanceDelta !== undefined) {
          sets.push(`importance = LEAST(1, GREATEST(0, m.importance + ${params.add(change.importanceDelta)}::real))`);
        }
        if (change.ttlSeconds !== undefined) {
          sets.push(`expires_at = now() + make_interval(secs => ${params.add(change.ttlSeconds)}::int)`);
        }
        return q.query<MatchedMemoryRow>(
          `WITH target AS (${select} FOR UPDATE), updated AS (
             UPDATE memories m SET ${sets.join(', ')} FROM target t
             WHERE m.tenant_id = $1 AND m.id = t.id
             RETURNING m.id, m.importance, m.expires_at, m.created_at
           )
           SELECT id, importance, expires_at FROM updated ORDER BY created_at, id`,
          params.values,
        );
      },
      { tx },
    );
  }

  /** Hard delete: the row, and by cascade its vectors and every edge touching it. */
  delete(tenantId: string, id: string): Promise<boolean> {
    return this.scope.tenant(tenantId, 'delete', async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `DELETE FROM memories m WHERE m.tenant_id = $1 AND m.id = $2 RETURNING (${LIVE_MEMORY}) AS live, m.id`,
        [tenantId, id],
        'memories_delete',
      );
      return rows.length > 0;
    });
  }

  related(
    tenantId: string,
    id: string,
    depth: number,
    relations: string[] | null,
  ): Promise<(MemoryRow & { depth: number; weight: number; relation: string })[]> {
    return this.scope.tenant(tenantId, 'related', (tx) =>
      tx.query<MemoryRow & { depth: number; weight: number; relation: string }>(
        `WITH n AS (${neighboursSql({ tenant: '$1', start: '$2', depth: '$3', relations: '$4' })})
         SELECT ${MEMORY_COLUMNS}, n.depth, n.weight, n.relation
         FROM n JOIN memories m ON m.tenant_id = $1 AND m.id = n.id
         WHERE ${LIVE_MEMORY}
         ORDER BY n.depth, n.weight DESC, m.id`,
        [tenantId, id, depth, relations],
      ),
    );
  }

  /**
   * Deletes up to `batchSize` memories past their TTL or their namespace's retention, across
   * tenants (only the expiry job calls this). SKIP LOCKED lets several workers run at once.
   */
  deleteExpiredBatch(batchSize: number): Promise<number> {
    return this.scope.crossTenant('deleteExpiredBatch', async (tx) => {
      const rows = await tx.query<{ count: number }>(
        `WITH expired AS (
           SELECT m.tenant_id, m.id FROM memories m WHERE m.expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED
         ), retired AS (
           SELECT m.tenant_id, m.id FROM memories m
           JOIN namespaces n ON n.tenant_id = m.tenant_id AND n.name = m.namespace
           WHERE n.retention_days IS NOT NULL AND m.created_at < now() - make_interval(days => n.retention_days)
           LIMIT $1 FOR UPDATE OF m SKIP LOCKED
         ), doomed AS (
           SELECT * FROM expired UNION SELECT * FROM retired
         ), deleted AS (
           DELETE FROM memories m USING doomed d WHERE m.tenant_id = d.tenant_id AND m.id = d.id RETURNING 1
         )
         SELECT count(*)::int AS count FROM deleted`,
        [batchSize],
      );
      return rows[0].count;
    });
  }

  /**
   * Adds access counts gathered off the request path. Spans tenants by design: every row names
   * its tenant, and the join matches (tenant_id, id) pairs exactly.
   */
  recordAccess(entries: { tenantId: string; id: string; count: number }[]): Promise<void> {
    return this.scope.crossTenant('recordAccess', async (tx) => {
      await tx.query(
        `UPDATE memories m SET access_count = m.access_count + x.n, last_accessed_at = now()
         FROM unnest($1::text[], $2::uuid[], $3::int[]) AS x(tenant_id, id, n)
         WHERE m.tenant_id = x.tenant_id AND m.id = x.id`,
        [entries.map((e) => e.tenantId), entries.map((e) => e.id), entries.map((e) => e.count)],
      );
    });
  }
}
