import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Database, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { MODEL_NAME_PATTERN } from '@engram/embeddings';
import { NamespaceView } from './memories.dto';

const INDEX_LOCK_TIMEOUT = '5s';

/** A namespace as stored: the API view with its timestamps as Dates. */
export type NamespaceRow = Omit<NamespaceView, 'created_at' | 'updated_at'> & { created_at: Date; updated_at: Date };

const COLUMNS = `n.tenant_id, n.name, n.id, n.description, n.default_token_budget, n.embedding_model,
  n.pending_embedding_model, n.retention_days, n.created_at, n.updated_at`;
const WITH_COUNT = `${COLUMNS}, (SELECT count(*)::int FROM memories m WHERE m.tenant_id = n.tenant_id AND m.namespace = n.name) AS memory_count`;

export interface NamespaceFields {
  description?: string | null;
  default_token_budget?: number;
  embedding_model?: string;
  retention_days?: number | null;
}

/** The namespaces table, and the per-model vector indexes namespaces ask for. Tenant first. */
@Injectable()
export class NamespacesRepository {
  private readonly scope: RepositoryScope;
  /** Model indexes known to exist: checked or created by this process. */
  private readonly indexed = new Set<string>();

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'namespaces');
  }

  /** Null when the name is taken. */
  create(
    tenantId: string,
    name: string,
    fields: NamespaceFields & { embedding_model: string },
  ): Promise<NamespaceRow | null> {
    return this.scope.tenant(tenantId, 'create', async (tx) => {
      const rows = await tx.query<NamespaceRow>(
        `INSERT INTO namespaces AS n (tenant_id, name, description, default_token_budget, embedding_model, retention_days)
         VALUES ($1, $2, $3, coalesce($4, 4000), $5, $6)
         ON CONFLICT (tenant_id, name) DO NOTHING
         RETURNING ${COLUMNS}, 0 AS memory_count`,
        [
          tenantId,
          name,
          fields.description ?? null,
          fields.default_token_budget ?? null,
          fields.embedding_model,
          fields.retention_days ?? null,
        ],
      );
      return rows[0] ?? null;
    });
  }

  /** `withCount` adds memory_count (a count over the namespace's memories). */
  get(tenantId: string, name: string, withCount = true): Promise<NamespaceRow | null> {
    return this.scope.tenant(tenantId, 'get', async (tx) => {
      const rows = await tx.query<NamespaceRow>(
        withCount
          ? `SELECT ${WITH_COUNT} FROM namespaces n WHERE n.tenant_id = $1 AND n.name = $2`
          : `SELECT ${COLUMNS}, 0 AS memory_count FROM namespaces n WHERE n.tenant_id = $1 AND n.name = $2`,
        [tenantId, name],
        withCount ? undefined : 'namespaces_get',
      );
      return rows[0] ?? null;
    });
  }

  /** The current and pending models of several namespaces, for search. */
  models(
    tenantId: string,
    names: string[],
  ): Promise<{ name: string; embedding_model: string; default_token_budget: number }[]> {
    return this.scope.tenant(tenantId, 'models', (tx) =>
      tx.query(
        `SELECT name, embedding_model, default_token_budget FROM namespaces WHERE tenant_id = $1 AND name = ANY($2::text[])`,
        [tenantId, names],
        'namespaces_models',
      ),
    );
  }

  list(tenantId: string): Promise<NamespaceRow[]> {
    return this.scope.tenant(tenantId, 'list', (tx) =>
      tx.query<NamespaceRow>(
        `SELECT ${WITH_COUNT} FROM namespaces n WHERE n.tenant_id = $1 ORDER BY n.name LIMIT 1000`,
        [tenantId],
      ),
    );
  }

  /** Applies the fields given; a new embedding_model goes to pending_embedding_model for the re-embed job. */
  update(tenantId: string, name: string, fields: NamespaceFields): Promise<NamespaceRow | null> {
    return this.scope.tenant(tenantId, 'update', async (tx) => {
      const rows = await tx.query<NamespaceRow>(
        `UPDATE namespaces n SET
           description = CASE WHEN $3 THEN $4 ELSE n.description END,
           default_token_budget = coalesce($5, n.default_token_budget),
           pending_embedding_model = CASE
             WHEN $6::text IS NULL THEN n.pending_embedding_model
             WHEN $6 = n.embedding_model THEN NULL
             ELSE $6 END,
           retention_days = CASE WHEN $7 THEN $8 ELSE n.retention_days END,
           updated_at = now()
         WHERE n.tenant_id = $1 AND n.name = $2
         RETURNING ${WITH_COUNT}`,
        [
          tenantId,
          name,
          fields.description !== undefined,
          fields.description ?? null,
          fields.default_token_budget ?? null,
          fields.embedding_model ?? null,
          fields.retention_days !== undefined,
          fields.retention_days ?? null,
        ],
      );
      return rows[0] ?? null;
    });
  }

  /** Deletes the namespace and, by cascade, its memories, their vectors and edges. */
  delete(tenantId: string, name: string): Promise<boolean> {
    return this.scope.tenant(tenantId, 'delete', async (tx) => {
      const rows = await tx.query(`DELETE FROM namespaces WHERE tenant_id = $1 AND name = $2 RETURNING 1`, [
        tenantId,
        name,
      ]);
      return rows.length > 0;
    });
  }

  /**
   * Makes `model` the namespace's model if every live memory has a vector for it, then deletes
   * the other models' vectors; all in one transaction, with the namespace row locked so a
   * concurrent insert cannot slip between the check and the switch. False: some memory still
   * lacks a vector (inserted meanwhile); the caller fills it and tries again.
   */
  switchModel(tenantId: string, name: string, model: string): Promise<boolean> {
    return this.scope.tenant(tenantId, 'switchModel', async (tx) => {
      const locked = await tx.query<{ pending_embedding_model: string | null }>(
        `SELECT pending_embedding_model FROM namespaces WHERE tenant_id = $1 AND name = $2 FOR UPDATE`,
        [tenantId, name],
      );
      if (locked[0]?.pending_embedding_model !== model) {
        return true;
      }
      const missing = await tx.query(
        `SELECT 1 FROM memories m WHERE m.tenant_id = $1 AND m.namespace = $2
             AND NOT EXISTS (SELECT 1 FROM memory_embeddings e WHERE e.tenant_id = m.tenant_id AND e.memory_id = m.id AND e.model = $3)
           LIMIT 1`,
        [tenantId, name, model],
      );
      if (missing.length > 0) {
        return false;
      }
      await tx.query(
        `UPDATE namespaces SET embedding_model = $3, pending_embedding_model = NULL, updated_at = now() WHERE tenant_id = $1 AND name = $2`,
        [tenantId, name, model],
      );
      await tx.query(`DELETE FROM memory_embeddings WHERE tenant_id = $1 AND namespace = $2 AND model <> $3`, [
        tenantId,
        name,
        model,
      ]);
      await tx.query(
        `UPDATE memories SET embedding_status = 'ready' WHERE tenant_id = $1 AND namespace = $2 AND embedding_status <> 'ready'`,
        [tenantId, name],
      );
      return true;
    });
  }

  /**
   * Every model a namespace embeds with or is switching to, in any tenant: model names only,
   * for the check at boot that each has its vector index.
   */
  modelsInUse(): Promise<string[]> {
    return this.scope.crossTenant('modelsInUse', async (tx) => {
      const rows = await tx.query<{ model: string }>(
        `SELECT embedding_model AS model FROM namespaces
         UNION SELECT pending_embedding_model FROM namespaces WHERE pending_embedding_model IS NOT NULL`,
      );
      return rows.map((row) => row.model);
    });
  }

  /**
   * Creates the HNSW index for a model if missing: a partial expression index, because the
   * shared column has no fixed dimension. The model name is checked against a strict pattern
   * before it is spliced into DDL (DDL takes no bind parameters). Idempotent and safe to race:
   * a catalog check first (CREATE INDEX takes a lock that holds up vector writes even when the
   * index exists), then remembered for the process.
   */
  async ensureModelIndex(model: string, dimensions: number): Promise<void> {
    if (!MODEL_NAME_PATTERN.test(model) || !Number.isInteger(dimensions)) {
      throw new Error(`refusing to index model ${model}`);
    }
    const name = modelIndexName(model);
    if (this.indexed.has(name)) {
      return;
    }
    try {
      // DDL needs the table owner: the app role owns nothing, so this runs as the login role.
      await this.scope.crossTenant('ensureModelIndex', async (tx) => {
        const [{ present }] = await tx.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
          name,
        ]);
        if (present) {
          return;
        }
        // The build reads the whole table, however long that takes. The wait for its lock is
        // bounded: every vector write queues behind a CREATE INDEX that waits.
        await tx.query(`SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = '${INDEX_LOCK_TIMEOUT}'`);
        await tx.query(
          `CREATE INDEX IF NOT EXISTS ${name} ON memory_embeddings
           USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WHERE model = '${model}'`,
        );
      });
    } catch (error) {
      // Another process created it between the check and the CREATE.
      if (!['23505', '42P07'].includes((error as { code?: string }).code ?? '')) {
        throw error;
      }
    }
    this.indexed.add(name);
  }
}

export function modelIndexName(model: string): string {
  const readable = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  return `memory_embeddings_hnsw_${readable}_${createHash('sha256').update(model).digest('hex').slice(0, 8)}`;
}
