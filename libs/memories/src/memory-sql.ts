import type { JsonValue } from '@engram/common';
import { MemoryFilters, MemoryState, MemoryType, MemoryView } from './memories.dto';

/** Collects bind parameters while SQL text is assembled; values never enter the text. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A memory past its expiry is gone to every reader, even before cleanup deletes it. */
export const LIVE_MEMORY = '(m.expires_at IS NULL OR m.expires_at > now())';

/** Not superseded: what search, context and list show unless asked for superseded memories too. */
export const ACTIVE_MEMORY = "m.state = 'active'";

export const MEMORY_COLUMNS = `m.id, m.tenant_id, m.namespace, m.content, m.type, m.metadata, m.tags, m.importance,
  m.source, m.actor, m.created_by_key, m.embedding_status, m.access_count, m.last_accessed_at, m.expires_at,
  m.created_at, m.updated_at, m.state, m.superseded_by, m.superseded_at, m.supersedes`;

/** What a memory was at a version (memory_versions `v`); every other column of MEMORY_COLUMNS is as now. */
const VERSIONED_COLUMNS: Record<string, string> = {
  namespace: 'v.namespace',
  content: 'v.content',
  type: 'v.type',
  metadata: 'v.metadata',
  tags: 'v.tags',
  importance: 'v.importance',
  source: 'v.source',
  expires_at: 'v.expires_at',
  updated_at: 'v.valid_from',
  state: 'v.state',
  superseded_by: "CASE WHEN v.state = 'superseded' THEN cur.superseded_by END",
  superseded_at: "CASE WHEN v.state = 'superseded' THEN cur.superseded_at END",
};

/** MEMORY_COLUMNS' names, each from the version or the current row: a column added there follows. */
const AS_OF_COLUMNS = MEMORY_COLUMNS.split(',')
  .map((column) => column.trim().replace(/^m\./, ''))
  .map((name) => `${VERSIONED_COLUMNS[name] ?? `cur.${name}`} AS ${name}`)
  .join(', ');

/**
 * The memories of one tenant as they stood at `asOf` (a timestamptz placeholder), shaped like
 * `memories` for MEMORY_COLUMNS: content, namespace, type, metadata, tags, importance, source,
 * expiry and state from the last version valid at that time (migration 0031), the rest (ids,
 * provenance, access counts, embedding status) as now. A memory created after `asOf`, or with
 * no version valid then (stored before versions existed and changed since), is absent. The
 * links name memories that still exist; `superseded_by` only once superseded at `asOf`.
 * `where` adds predicates on the current row `cur` (e.g. its id); the caller binds the tenant.
 * Cost: one backward primary-key probe of memory_versions per memory looked at.
 */
export function memoriesAsOfSql(tenant: string, asOf: string, where = 'true'): string {
  return `(SELECT ${AS_OF_COLUMNS}
    FROM memories cur
    CROSS JOIN LATERAL (
      SELECT v.namespace, v.content, v.type, v.metadata, v.tags, v.importance, v.source, v.expires_at, v.state,
             v.valid_from
        FROM memory_versions v
       WHERE v.tenant_id = cur.tenant_id AND v.memory_id = cur.id AND v.valid_from <= ${asOf}::timestamptz
       ORDER BY v.version DESC LIMIT 1) v
    WHERE cur.tenant_id = ${tenant} AND cur.created_at <= ${asOf}::timestamptz AND ${where})`;
}

/**
 * Leaves out memories superseded (at `asOf`, or now), for a candidate stage: an anti-join probe
 * of the small partial index memories_superseded_idx per candidate, inside the stage, so
 * superseded memories never take a candidate slot. `memoryId` is the candidate's id column.
 */
export function notSupersededSql(tenant: string, memoryId: string, asOf?: string): string {
  return `NOT EXISTS (SELECT 1 FROM memories s WHERE s.tenant_id = ${tenant} AND s.id = ${memoryId}
      AND s.state = 'superseded'${asOf === undefined ? '' : ` AND s.superseded_at <= ${asOf}::timestamptz`})`;
}

export interface MemoryRow {
  id: string;
  tenant_id: string;
  namespace: string;
  content: string;
  type: MemoryType;
  metadata: Record<string, JsonValue>;
  tags: string[];
  importance: number;
  source: string | null;
  actor: string | null;
  created_by_key: string | null;
  embedding_status: 'pending' | 'ready' | 'failed';
  access_count: string | number;
  last_accessed_at: Date | null;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  state: MemoryState;
  superseded_by: string | null;
  superseded_at: Date | null;
  supersedes: string | null;
}

export function toMemoryView(row: MemoryRow): MemoryView {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    namespace: row.namespace,
    content: row.content,
    type: row.type,
    metadata: row.metadata,
    tags: row.tags,
    importance: row.importance,
    provenance: { source: row.source, actor: row.actor, created_by_key: row.created_by_key },
    embedding_status: row.embedding_status,
    access_count: Number(row.access_count),
    last_accessed_at: row.last_accessed_at?.toISOString() ?? null,
    expires_at: row.expires_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    state: row.state,
    superseded_by: row.superseded_by,
    superseded_at: row.superseded_at?.toISOString() ?? null,
    supersedes: row.supersedes,
  };
}

/**
 * The filter predicates on memories aliased `m`, ANDed; the caller adds the tenant predicate.
 * Each one is served by an index: tags by the tags GIN, metadata containment by jsonb_path_ops.
 * `asOf` (a timestamptz placeholder) judges expiry at that time instead of now.
 */
export function memoryFilterSql(filters: MemoryFilters | undefined, params: SqlParams, asOf?: string): string {
  const clauses: string[] = [
    asOf === undefined ? LIVE_MEMORY : `(m.expires_at IS NULL OR m.expires_at > ${asOf}::timestamptz)`,
  ];
  if (!filters) {
    return clauses.join(' AND ');
  }
  if (filters.types?.length) {
    clauses.push(`m.type = ANY(${params.add(filters.types)}::text[])`);
  }
  if (filters.tags?.length) {
    clauses.push(`m.tags @> ${params.add(filters.tags)}::text[]`);
  }
  if (filters.metadata && Object.keys(filters.metadata).length > 0) {
    clauses.push(`m.metadata @> ${params.add(JSON.stringify(filters.metadata))}::jsonb`);
  }
  const ranges: [string | undefined, string][] = [
    [filters.created_after, 'm.created_at >'],
    [filters.created_before, 'm.created_at <'],
    [filters.updated_after, 'm.updated_at >'],
    [filters.updated_before, 'm.updated_at <'],
  ];
  for (const [value, comparison] of ranges) {
    if (value !== undefined) {
      clauses.push(`${comparison} ${params.add(value)}::timestamptz`);
    }
  }
  return clauses.join(' AND ');
}

export interface NeighbourOptions {
  tenant: string;
  start: string;
  depth: string;
  /** A text[] placeholder, or NULL for every relation type. */
  relations: string;
}

/**
 * SQL (one SELECT) for the memories reachable from `start` within `depth` edges, in either
 * direction, optionally through given relation types only: (id, depth, weight, relation), one
 * row per memory at its nearest depth; weight multiplies along the path. The depth bound stops
 * cycles. Placeholders come from the caller, who binds the tenant.
 */
export function neighboursSql(o: NeighbourOptions): string {
  return `WITH RECURSIVE walk(id, depth, weight, relation) AS (
      SELECT ${o.start}::uuid, 0, 1::real, NULL::text
      UNION ALL
      SELECT CASE WHEN r.from_id = w.id THEN r.to_id ELSE r.from_id END, w.depth + 1, w.weight * r.weight, r.relation
      FROM walk w
      JOIN memory_relations r ON r.tenant_id = ${o.tenant} AND (r.from_id = w.id OR r.to_id = w.id)
      WHERE w.depth < ${o.depth} AND (${o.relations}::text[] IS NULL OR r.relation = ANY(${o.relations}::text[]))
    )
    SELECT DISTINCT ON (id) id, depth, weight, relation FROM walk
    WHERE id <> ${o.start}::uuid
    ORDER BY id, depth, weight DESC`;
}
