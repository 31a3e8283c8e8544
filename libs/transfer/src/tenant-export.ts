import type { Writable } from 'node:stream';
import { Database, Queryable } from '@engram/db';
import { TransferInputError, TransferTenantError } from './transfer.errors';
import { ExportHeader, ExportTrailer, FORMAT_NAME, FORMAT_VERSION, RecordKind } from './transfer.format';

export interface ExportOptions {
  tenantId: string;
  /** Only these namespaces (their memories, and relations with both ends in them); null: all. */
  namespaces: string[] | null;
  pins: boolean;
  vectors: boolean;
  engramVersion: string;
  /** Rows per FETCH (and per write): the most the export holds in memory at once. */
  batchSize?: number;
  /** Called (and awaited) after every batch written, for progress and for tests. */
  onBatch?: (counts: ExportTrailer['counts']) => void | Promise<void>;
}

export const DEFAULT_EXPORT_BATCH = 1000;

/**
 * One record per row, rendered by Postgres itself: json_build_object prints timestamps with their
 * microseconds and offset, real numbers in their shortest exact form and jsonb as stored, so the
 * file holds exactly what the database does. Every section filters on tenant_id = $1 and runs
 * inside the tenant's row-level security context as well (the same two guards as the app's
 * repositories); $2 is the namespace filter (null: every namespace; pins have none). Ordered by each table's key,
 * so an export of unchanged data is the same file.
 */
export const EXPORT_SQL: Record<RecordKind, (vectors: boolean) => string> = {
  namespace: () => `
    SELECT json_build_object('kind', 'namespace', 'name', n.name, 'id', n.id, 'description', n.description,
             'default_token_budget', n.default_token_budget, 'embedding_model', n.embedding_model,
             'pending_embedding_model', n.pending_embedding_model, 'retention_days', n.retention_days,
             'created_at', n.created_at, 'updated_at', n.updated_at)::text AS line
      FROM namespaces n
     WHERE n.tenant_id = $1 AND ($2::text[] IS NULL OR n.name = ANY ($2::text[]))
     ORDER BY n.tenant_id, n.name`,
  pin: () => `
    SELECT json_build_object('kind', 'pin', 'key', p.key, 'id', p.id, 'value', p.value, 'source', p.source,
             'created_at', p.created_at, 'updated_at', p.updated_at, 'expires_at', p.expires_at)::text AS line
      FROM memory_pins p
     WHERE p.tenant_id = $1
     ORDER BY p.tenant_id, p.key`,
  memory: (vectors) => `
    SELECT json_build_object('kind', 'memory', 'id', m.id, 'namespace', m.namespace, 'content', m.content,
             'type', m.type, 'metadata', m.metadata, 'tags', m.tags, 'importance', m.importance,
             'provenance', json_build_object('source', m.source, 'actor', m.actor, 'created_by_key', m.created_by_key),
             'embedding_status', m.embedding_status, 'access_count', m.access_count,
             'last_accessed_at', m.last_accessed_at, 'expires_at', m.expires_at,
             'created_at', m.created_at, 'updated_at', m.updated_at,
             'user_id', m.user_id, 'agent_id', m.agent_id, 'session_id', m.session_id,
             'occurred_at', m.occurred_at, 'idempotency_key', m.idempotency_key,
             'state', m.state, 'superseded_at', m.superseded_at, 'superseded_by', m.superseded_by,
             'supersedes', m.supersedes,
             'versions', (SELECT coalesce(json_agg(json_build_object('version', v.version, 'at', v.valid_from,
                                 'change', v.change, 'reason', v.reason, 'actor', v.actor, 'key_id', v.key_id,
                                 'namespace', v.namespace, 'content', v.content, 'type', v.type, 'metadata', v.metadata,
                                 'tags', v.tags, 'importance', v.importance, 'source', v.source,
                                 'expires_at', v.expires_at, 'state', v.state,
                                 'superseded_by', (SELECT s.id FROM memories s WHERE s.tenant_id = v.tenant_id AND s.id = v.superseded_by),
                                 'supersedes', (SELECT s.id FROM memories s WHERE s.tenant_id = v.tenant_id AND s.id = v.supersedes))
                                 ORDER BY v.version), '[]'::json)
                            FROM memory_versions v WHERE v.tenant_id = m.tenant_id AND v.memory_id = m.id)
             ${
               vectors
                 ? `, 'embeddings', (SELECT coalesce(json_agg(json_build_object('model', e.model, 'passage', e.passage, 'vector', e.embedding::text::json) ORDER BY e.model, e.passage), '[]'::json)
                                      FROM memory_embeddings e WHERE e.tenant_id = m.tenant_id AND e.memory_id = m.id)`
                 : ''
             })::text AS line
      FROM memories m
     WHERE m.tenant_id = $1 AND ($2::text[] IS NULL OR m.namespace = ANY ($2::text[]))
     ORDER BY m.tenant_id, m.id`,
  relation: () => `
    SELECT json_build_object('kind', 'relation', 'from', r.from_id, 'relation', r.relation, 'to', r.to_id,
             'weight', r.weight, 'created_at', r.created_at)::text AS line
      FROM memory_relations r
     WHERE r.tenant_id = $1
       AND ($2::text[] IS NULL OR (
             EXISTS (SELECT 1 FROM memories a WHERE a.tenant_id = r.tenant_id AND a.id = r.from_id AND a.namespace = ANY ($2::text[]))
         AND EXISTS (SELECT 1 FROM memories b WHERE b.tenant_id = r.tenant_id AND b.id = r.to_id AND b.namespace = ANY ($2::text[]))))
     ORDER BY r.tenant_id, r.from_id, r.relation, r.to_id`,
};

/** Waits for the stream to take more when it says it is full: the export never outruns its reader. */
async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        out.off('drain', done);
        out.off('error', done);
        out.off('close', closed);
        if (error) {
          reject(error);
        } else {
          resolve();
        }
      };
      const closed = () => done(new Error('the output was closed before the export finished'));
      out.on('drain', done);
      out.on('error', done);
      out.on('close', closed);
    });
  }
}

/**
 * Writes tenant `tenantId` as JSON Lines to `out`: header, records, trailer. One read-only
 * REPEATABLE READ transaction in the tenant's row-level security context, so the file is one
 * consistent snapshot; each section is read through a server-side cursor, `batchSize` rows at a
 * time, and written before the next FETCH: memory stays flat whatever the tenant's size.
 */
export async function exportTenant(
  db: Database,
  options: ExportOptions,
  out: Writable,
): Promise<ExportTrailer['counts']> {
  const batchSize = options.batchSize ?? DEFAULT_EXPORT_BATCH;
  const counts: ExportTrailer['counts'] = { namespace: 0, pin: 0, memory: 0, relation: 0 };
  const filter = options.namespaces;
  await db.withTenant(
    options.tenantId,
    async (tx) => {
      const header = await headerOf(tx, options);
      await write(out, `${JSON.stringify(header)}\n`);
      const sections: RecordKind[] = ['namespace', ...(options.pins ? (['pin'] as const) : []), 'memory', 'relation'];
      for (const kind of sections) {
        const cursor = `engram_export_${kind}`;
        await tx.query(
          `DECLARE ${cursor} NO SCROLL CURSOR FOR ${EXPORT_SQL[kind](options.vectors)}`,
          kind === 'pin' ? [options.tenantId] : [options.tenantId, filter],
        );
        for (;;) {
          const rows = await tx.query<{ line: string }>(`FETCH ${batchSize} FROM ${cursor}`);
          if (rows.length === 0) {
            break;
          }
          counts[kind] += rows.length;
          await write(out, rows.map((row) => row.line).join('\n') + '\n');
          await options.onBatch?.(counts);
          if (rows.length < batchSize) {
            break;
          }
        }
        await tx.query(`CLOSE ${cursor}`);
      }
      const trailer: ExportTrailer = { kind: 'trailer', counts };
      await write(out, `${JSON.stringify(trailer)}\n`);
    },
    { timezone: 'UTC' },
    { snapshot: true },
  );
  return counts;
}

async function headerOf(tx: Queryable, options: ExportOptions): Promise<ExportHeader> {
  const [tenant] = await tx.query<{ id: string; name: string; plan: string; quotas: Record<string, number> }>(
    `SELECT id, name, plan, quotas FROM tenants WHERE id = $1`,
    [options.tenantId],
  );
  if (!tenant) {
    throw new TransferTenantError(`no tenant ${options.tenantId}`);
  }
  if (options.namespaces) {
    const found = await tx.query<{ name: string }>(
      `SELECT name FROM namespaces WHERE tenant_id = $1 AND name = ANY ($2::text[])`,
      [options.tenantId, options.namespaces],
    );
    const missing = options.namespaces.filter((name) => !found.some((row) => row.name === name));
    if (missing.length > 0) {
      throw new TransferInputError(`tenant ${options.tenantId} has no namespace ${missing.join(', ')}`);
    }
  }
  const models = await tx.query<{ model: string; namespaces: number; dimensions: number | null }>(
    `SELECT n.embedding_model AS model, count(*)::int AS namespaces,
            (SELECT vector_dims(e.embedding) FROM memory_embeddings e
              WHERE e.tenant_id = $1 AND e.model = n.embedding_model LIMIT 1) AS dimensions
       FROM namespaces n
      WHERE n.tenant_id = $1 AND ($2::text[] IS NULL OR n.name = ANY ($2::text[]))
      GROUP BY n.embedding_model ORDER BY n.embedding_model`,
    [options.tenantId, options.namespaces],
  );
  const [{ now }] = await tx.query<{ now: string }>(`SELECT to_json(now())#>>'{}' AS now`);
  return {
    kind: 'header',
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    engram_version: options.engramVersion,
    exported_at: now,
    source: { tenant: tenant.id, name: tenant.name, plan: tenant.plan, quotas: tenant.quotas },
    namespaces: options.namespaces,
    pins: options.pins,
    vectors: options.vectors,
    embedding_models: models,
  };
}
