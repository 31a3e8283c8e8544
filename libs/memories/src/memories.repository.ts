import { Injectable } from '@nestjs/common';
import { Database, Queryable, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { MemoryFilters, MemoryType } from './memories.dto';
import type { MemoryScope } from '@engram/common';
import {
  ACTIVE_MEMORY,
  LIVE_MEMORY,
  MEMORY_COLUMNS,
  MemoryRow,
  SqlParams,
  boundScopeSql,
  memoriesAsOfSql,
  memoryFilterSql,
  neighboursSql,
} from './memory-sql';

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
  user_id: string | null;
  agent_id: string | null;
  session_id: string | null;
  occurred_at: string | null;
  /**
   * Chat ingestion's per-message key: a row with one is unique by (namespace, key) instead of by
   * content, so a retried message maps to its first row and repeated words are kept.
   */
  idempotency_key: string | null;
  /** The memory this one supersedes (locked and checked by the caller in the same transaction). */
  supersedes: string | null;
}

/** Who changes memories in a transaction, and why: read by the version triggers (migration 0031). */
export interface ChangeContext {
  reason: string;
  actor: string | null;
  keyId: string | null;
}

export interface SupersedeTargetRow {
  id: string;
  namespace: string;
  state: 'active' | 'superseded';
  superseded_by: string | null;
}

export interface MemoryVersionRow {
  version: number;
  valid_from: Date;
  change: 'create' | 'update' | 'superseded' | 'baseline' | 'import';
  reason: string;
  actor: string | null;
  key_id: string | null;
  namespace: string;
  content: string;
  type: MemoryType;
  metadata: Record<string, unknown>;
  tags: string[];
  importance: number;
  source: string | null;
  expires_at: Date | null;
  state: 'active' | 'superseded';
  superseded_by: string | null;
  supersedes: string | null;
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
  user_id?: string | null;
  agent_id?: string | null;
  session_id?: string | null;
  occurred_at?: string | null;
}

/** A second successor for one memory: the unique index of migration 0030 refused it. */
export function isSupersededTwice(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === 'memories_supersedes_key';
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
             importance real, source text, ttl_seconds int, embedding text, user_id text, agent_id text,
             session_id text, occurred_at timestamptz, idempotency_key text, supersedes uuid)
         ), namespace AS (
           INSERT INTO namespaces (tenant_id, name, embedding_model) SELECT $1, $2, $7 WHERE $8::boolean
           ON CONFLICT (tenant_id, name) DO NOTHING
         ), model_ok AS (
           SELECT coalesce((SELECT embedding_model FROM namespaces WHERE tenant_id = $1 AND name = $2), $7) = $6 AS ok
         ), inserted AS (
           INSERT INTO memories AS m (tenant_id, namespace, content, type, metadata, tags, importance, source, actor,
             created_by_key, expires_at, embedding_status, user_id, agent_id, session_id, occurred_at, idempotency_key,
             supersedes)
           SELECT $1, $2, i.content, i.type, coalesce(i.metadata, '{}'::jsonb), coalesce(i.tags, '{}'),
             coalesce(i.importance, 0.5), i.source, $4, $5,
             CASE WHEN i.ttl_seconds > 0 THEN now() + make_interval(secs => i.ttl_seconds) END,
             CASE WHEN i.embedding IS NOT NULL AND (SELECT ok FROM model_ok) THEN 'ready' ELSE 'pending' END,
             i.user_id, i.agent_id, i.session_id, i.occurred_at, i.idempotency_key, i.supersedes
           FROM input i ORDER BY i.ord
           -- Either unique index: content (rows without a key) or the idempotency key (messages).
           ON CONFLICT DO NOTHING
           RETURNING m.*
         ), embedded AS (
           INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, embedding)
           SELECT $1, m.id, $6, $2, e.embedding::vector
           FROM inserted m
           JOIN LATERAL (SELECT embedding FROM input WHERE hash = m.content_hash ORDER BY ord LIMIT 1) e ON true
           WHERE m.embedding_status = 'ready'
         ), matched AS (
           SELECT i.ord, m.id FROM input i JOIN inserted m ON CASE WHEN i.idempotency_key IS NULL
             THEN m.idempotency_key IS NULL AND m.content_hash = i.hash
               AND coalesce(m.user_id, '') = coalesce(i.user_id, '') AND coalesce(m.agent_id, '') = coalesce(i.agent_id, '')
             ELSE m.idempotency_key = i.idempotency_key END
         )
         SELECT i.ord, false AS duplicate, ${MEMORY_COLUMNS}
         FROM matched i JOIN inserted m ON m.id = i.id
         UNION ALL
         SELECT i.ord, true AS duplicate, ${MEMORY_COLUMNS}
         FROM input i JOIN memories m ON m.tenant_id = $1 AND m.namespace = $2 AND m.content_hash = i.hash
           AND m.idempotency_key IS NULL
           AND coalesce(m.user_id, '') = coalesce(i.user_id, '') AND coalesce(m.agent_id, '') = coalesce(i.agent_id, '')
         WHERE i.idempotency_key IS NULL AND NOT EXISTS (SELECT 1 FROM matched WHERE ord = i.ord)
         UNION ALL
         SELECT i.ord, true AS duplicate, ${MEMORY_COLUMNS}
         FROM input i JOIN memories m ON m.tenant_id = $1 AND m.namespace = $2 AND m.idempotency_key = i.idempotency_key
         WHERE i.idempotency_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM matched WHERE ord = i.ord)
         ORDER BY ord`,
        [tenantId, namespace, input, provenance.actor, provenance.keyId, model, defaultModel, createNamespace],
        items.length === 1 ? 'memories_insert_one' : undefined,
      );
    return this.scope.tenant(tenantId, 'insertMany', run, { tx });
  }

  /**
   * Names who changes memories in transaction `tx`, and why, for the version rows its triggers
   * write (transaction-local settings: they end with `tx`).
   */
  async setChangeContext(tenantId: string, context: ChangeContext, tx: Queryable): Promise<void> {
    await this.scope.tenant(
      tenantId,
      'setChangeContext',
      (q) =>
        q.query(
          `SELECT set_config('engram.change_reason', $1, true), set_config('engram.actor', coalesce($2, ''), true),
                  set_config('engram.key_id', coalesce($3, ''), true)`,
          [context.reason, context.actor, context.keyId],
        ),
      { tx },
    );
  }

  /**
   * Locks the live memories `ids` for a supersede (FOR UPDATE, in id order so two writers cannot
   * deadlock) and returns their namespace and state. A concurrent supersede of one of them waits
   * here and then sees it superseded: exactly one of two wins.
   */
  lockSupersedeTargets(tenantId: string, ids: string[], tx: Queryable): Promise<SupersedeTargetRow[]> {
    return this.scope.tenant(
      tenantId,
      'lockSupersedeTargets',
      (q) =>
        q.query<SupersedeTargetRow>(
          `SELECT m.id, m.namespace, m.state, m.superseded_by FROM memories m
            WHERE m.tenant_id = $1 AND m.id = ANY($2::uuid[]) AND ${LIVE_MEMORY}
            ORDER BY m.id FOR UPDATE`,
          [tenantId, ids],
        ),
      { tx },
    );
  }

  /**
   * Marks each `old` superseded by `new`, at the successor's creation time (so at any instant
   * exactly one of the two is active). Only active memories change; returns the changed rows.
   */
  markSuperseded(tenantId: string, pairs: { old: string; new: string }[], tx: Queryable): Promise<MemoryRow[]> {
    return this.scope.tenant(
      tenantId,
      'markSuperseded',
      (q) =>
        q.query<MemoryRow>(
          `UPDATE memories m SET state = 'superseded', superseded_by = x.new_id, superseded_at = n.created_at,
                  updated_at = n.created_at
             FROM unnest($2::uuid[], $3::uuid[]) AS x(old_id, new_id)
             JOIN memories n ON n.tenant_id = $1 AND n.id = x.new_id
            WHERE m.tenant_id = $1 AND m.id = x.old_id AND m.state = 'active'
            RETURNING ${MEMORY_COLUMNS}`,
          [tenantId, pairs.map((p) => p.old), pairs.map((p) => p.new)],
        ),
      { tx },
    );
  }

  /** Every version of a memory, oldest first (empty when there is no such live memory). */
  history(tenantId: string, id: string): Promise<MemoryVersionRow[]> {
    return this.scope.tenant(tenantId, 'history', (tx) =>
      tx.query<MemoryVersionRow>(
        // Links name memories that still exist: a hard-deleted one leaves no trace, its id included.
        `SELECT v.version, v.valid_from, v.change, v.reason, v.actor, v.key_id, v.namespace, v.content, v.type,
                v.metadata, v.tags, v.importance, v.source, v.expires_at, v.state,
                (SELECT s.id FROM memories s WHERE s.tenant_id = v.tenant_id AND s.id = v.superseded_by) AS superseded_by,
                (SELECT s.id FROM memories s WHERE s.tenant_id = v.tenant_id AND s.id = v.supersedes) AS supersedes
           FROM memories m JOIN memory_versions v ON v.tenant_id = m.tenant_id AND v.memory_id = m.id
          WHERE m.tenant_id = $1 AND m.id = $2 AND ${LIVE_MEMORY}
          ORDER BY v.version`,
        [tenantId, id],
        'memories_history',
      ),
    );
  }

  /**
   * Adds edges; returns false (and adds nothing) if any target is not a memory of this tenant.
   * Re-adding an edge updates its weight.
   */
  insertRelations(tenantId: string, relations: RelationRow[], tx?: Queryable, scope?: MemoryScope): Promise<boolean> {
    // Both ends must be inside a bound credential's scope too (else: not found, as another tenant's).
    const params = new SqlParams();
    params.add(tenantId);
    params.add(JSON.stringify(relations));
    const bound = boundScopeSql(scope, params);
    return this.scope.tenant(
      tenantId,
      'insertRelations',
      async (q) => {
        const rows = await q.query<{ expected: number; inserted: number }>(
          `WITH input AS (
           SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(from_id uuid, to_id uuid, relation text, weight real)
         ), valid AS (
           SELECT i.* FROM input i
           WHERE EXISTS (SELECT 1 FROM memories m WHERE m.tenant_id = $1 AND m.id = i.from_id AND ${LIVE_MEMORY} AND ${bound})
             AND EXISTS (SELECT 1 FROM memories m WHERE m.tenant_id = $1 AND m.id = i.to_id AND ${LIVE_MEMORY} AND ${bound})
         ), inserted AS (
           INSERT INTO memory_relations (tenant_id, from_id, relation, to_id, weight)
           SELECT $1, from_id, relation, to_id, weight FROM valid WHERE (SELECT count(*) FROM valid) = (SELECT count(*) FROM input)
           ON CONFLICT (tenant_id, from_id, relation, to_id) DO UPDATE SET weight = EXCLUDED.weight
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM input)::int AS expected, (SELECT count(*) FROM valid)::int AS inserted`,
          params.values,
        );
        return rows[0].expected === rows[0].inserted;
      },
      { tx },
    );
  }

  /** `scope`: a bound credential's user / agent; a memory outside it is not found. */
  get(tenantId: string, id: string, scope?: MemoryScope): Promise<MemoryRow | null> {
    return this.scope.tenant(tenantId, 'get', async (tx) => {
      const params = new SqlParams();
      const where = `m.tenant_id = ${params.add(tenantId)} AND m.id = ${params.add(id)} AND ${LIVE_MEMORY}`;
      const bound = boundScopeSql(scope, params);
      const rows = await tx.query<MemoryRow>(
        `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE ${where} AND ${bound}`,
        params.values,
        bound === 'true' ? 'memories_get' : undefined,
      );
      return rows[0] ?? null;
    });
  }

  /** The id of the memory in `namespace` whose content hashes like `content`, if any. */
  idByContent(
    tenantId: string,
    namespace: string,
    content: string,
    owner: { user_id: string | null; agent_id: string | null } = { user_id: null, agent_id: null },
  ): Promise<string | null> {
    return this.scope.tenant(tenantId, 'id_by_content', async (tx) => {
      // Content is unique per (namespace, user, agent) among memories without an idempotency key.
      const rows = await tx.query<{ id: string }>(
        `SELECT m.id FROM memories m
           WHERE m.tenant_id = $1 AND m.namespace = $2 AND m.content_hash = memory_content_hash($3)
             AND m.idempotency_key IS NULL
             AND coalesce(m.user_id, '') = coalesce($4::text, '') AND coalesce(m.agent_id, '') = coalesce($5::text, '')`,
        [tenantId, namespace, content, owner.user_id, owner.agent_id],
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
    options: {
      namespace?: string;
      filters: MemoryFilters;
      after: ListCursor | null;
      limit: number;
      includeSuperseded?: boolean;
      asOf?: string;
    },
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
      const tenant = params.add(tenantId);
      // A future as_of is now: nothing is judged expired ahead of time.
      const asOf = options.asOf === undefined ? undefined : `least(${params.add(options.asOf)}::timestamptz, now())`;
      // as_of: the memories as they stood then, namespace and filters included (memoriesAsOfSql).
      const from = asOf === undefined ? 'memories m' : `${memoriesAsOfSql(tenant, asOf)} m`;
      const clauses = [`m.tenant_id = ${tenant}`, memoryFilterSql(options.filters, params, asOf)];
      if (options.includeSuperseded !== true) {
        clauses.push(ACTIVE_MEMORY);
      }
      if (options.namespace !== undefined) {
        clauses.push(`m.namespace = ${params.add(options.namespace)}`);
      }
      if (options.after) {
        clauses.push(
          `(m.created_at, m.id) < (${params.add(options.after.createdAt)}::timestamptz, ${params.add(options.after.id)}::uuid)`,
        );
      }
      return tx.query<MemoryRow & { created_at_text: string }>(
        `SELECT ${MEMORY_COLUMNS}, m.created_at::text AS created_at_text FROM ${from}
         WHERE ${clauses.join(' AND ')}
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT ${params.add(options.limit + 1)}`,
        params.values,
      );
    });
  }

  /**
   * One session's memories, oldest event first: (occurred_at, created_at, id), keyset paged from
   * `after`; up to limit + 1 rows, within `scope`. Null when `namespace` is given and does not
   * exist. Served by memories_session_idx (tenant_id, session_id, occurred_at).
   */
  listSession(
    tenantId: string,
    sessionId: string,
    options: {
      namespace?: string;
      scope: MemoryScope;
      after: { occurredAt: string; createdAt: string; id: string } | null;
      limit: number;
    },
  ): Promise<(MemoryRow & { occurred_at_text: string; created_at_text: string })[] | null> {
    return this.scope.tenant(tenantId, 'list_session', async (tx) => {
      if (
        options.namespace !== undefined &&
        (await tx.query(`SELECT 1 FROM namespaces WHERE tenant_id = $1 AND name = $2`, [tenantId, options.namespace]))
          .length === 0
      ) {
        return null;
      }
      const params = new SqlParams();
      const clauses = [
        `m.tenant_id = ${params.add(tenantId)}`,
        `m.session_id = ${params.add(sessionId)}::text`,
        LIVE_MEMORY,
        boundScopeSql(options.scope, params),
      ];
      if (options.namespace !== undefined) {
        clauses.push(`m.namespace = ${params.add(options.namespace)}`);
      }
      if (options.after) {
        clauses.push(
          `(coalesce(m.occurred_at, m.created_at), m.created_at, m.id) > (${params.add(options.after.occurredAt)}::timestamptz, ${params.add(options.after.createdAt)}::timestamptz, ${params.add(options.after.id)}::uuid)`,
        );
      }
      return tx.query<MemoryRow & { occurred_at_text: string; created_at_text: string }>(
        `SELECT ${MEMORY_COLUMNS}, coalesce(m.occurred_at, m.created_at)::text AS occurred_at_text,
                m.created_at::text AS created_at_text
           FROM memories m
          WHERE ${clauses.join(' AND ')}
          ORDER BY coalesce(m.occurred_at, m.created_at), m.created_at, m.id
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
    scope?: MemoryScope,
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
      for (const field of ['user_id', 'agent_id', 'session_id'] as const) {
        if (patch[field] !== undefined) {
          sets.push(`${field} = ${params.add(patch[field])}::text`);
        }
      }
      if (patch.occurred_at !== undefined) {
        sets.push(`occurred_at = ${params.add(patch.occurred_at)}::timestamptz`);
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
           WHERE m.tenant_id = ${tenant} AND m.id = ${memoryId} AND ${LIVE_MEMORY} AND ${boundScopeSql(scope, params)}
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
  delete(tenantId: string, id: string, scope?: MemoryScope): Promise<boolean> {
    return this.scope.tenant(tenantId, 'delete', async (tx) => {
      const params = new SqlParams();
      const where = `m.tenant_id = ${params.add(tenantId)} AND m.id = ${params.add(id)}`;
      const bound = boundScopeSql(scope, params);
      const rows = await tx.query<{ id: string }>(
        `DELETE FROM memories m WHERE ${where} AND ${bound} RETURNING (${LIVE_MEMORY}) AS live, m.id`,
        params.values,
        bound === 'true' ? 'memories_delete' : undefined,
      );
      return rows.length > 0;
    });
  }

  related(
    tenantId: string,
    id: string,
    depth: number,
    relations: string[] | null,
    scope?: MemoryScope,
  ): Promise<(MemoryRow & { depth: number; weight: number; relation: string })[]> {
    const params = new SqlParams();
    params.add(tenantId);
    params.add(id);
    params.add(depth);
    params.add(relations);
    const bound = boundScopeSql(scope, params);
    return this.scope.tenant(tenantId, 'related', (tx) =>
      tx.query<MemoryRow & { depth: number; weight: number; relation: string }>(
        `WITH n AS (${neighboursSql({ tenant: '$1', start: '$2', depth: '$3', relations: '$4' })})
         SELECT ${MEMORY_COLUMNS}, n.depth, n.weight, n.relation
         FROM n JOIN memories m ON m.tenant_id = $1 AND m.id = n.id
         WHERE ${LIVE_MEMORY} AND ${bound}
         ORDER BY n.depth, n.weight DESC, m.id`,
        params.values,
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
