import type { JsonValue, MemoryScope } from '@engram/common';
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

/** When a memory's event happened: occurred_at, or when it was stored (migration 0028). */
export const OCCURRED_AT = 'coalesce(m.occurred_at, m.created_at)';

/** The stored columns a memory is read with; occurred_at is added as OCCURRED_AT. */
const STORED_COLUMNS = [
  'id',
  'tenant_id',
  'namespace',
  'content',
  'type',
  'metadata',
  'tags',
  'importance',
  'source',
  'actor',
  'created_by_key',
  'embedding_status',
  'access_count',
  'last_accessed_at',
  'expires_at',
  'created_at',
  'updated_at',
  'user_id',
  'agent_id',
  'session_id',
  'state',
  'superseded_by',
  'superseded_at',
  'supersedes',
];

export const MEMORY_COLUMNS = `${STORED_COLUMNS.map((column) => `m.${column}`).join(', ')}, ${OCCURRED_AT} AS occurred_at`;

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

/**
 * The stored columns, each from the version or the current row: a column added there follows.
 * Scopes and occurred_at are not versioned: they read as now.
 */
const AS_OF_COLUMNS = [
  ...STORED_COLUMNS.map((name) => `${VERSIONED_COLUMNS[name] ?? `cur.${name}`} AS ${name}`),
  'cur.occurred_at',
].join(', ');

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
  user_id: string | null;
  agent_id: string | null;
  session_id: string | null;
  occurred_at: Date;
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
    user_id: row.user_id,
    agent_id: row.agent_id,
    session_id: row.session_id,
    occurred_at: row.occurred_at.toISOString(),
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
  const scope = memoryScopeFilterSql(filters, params);
  if (scope !== null) {
    clauses.push(scope);
  }
  return clauses.join(' AND ');
}

/**
 * The scope (user, agent, session) and event-time predicates of `filters` on memories aliased
 * `m`, ANDed; null when there are none. Search applies them inside its candidate stages too, so
 * a narrow scope still gets k candidates. The caller adds the tenant predicate.
 */
export function memoryScopeFilterSql(filters: MemoryFilters | undefined, params: SqlParams): string | null {
  if (!filters) {
    return null;
  }
  const clauses: string[] = [];
  for (const field of ['user_id', 'agent_id', 'session_id'] as const) {
    const value = filters[field];
    if (value !== undefined) {
      clauses.push(`m.${field} = ${params.add(value)}::text`);
    }
  }
  if (filters.occurred_after !== undefined) {
    clauses.push(`${OCCURRED_AT} > ${params.add(filters.occurred_after)}::timestamptz`);
  }
  if (filters.occurred_before !== undefined) {
    clauses.push(`${OCCURRED_AT} < ${params.add(filters.occurred_before)}::timestamptz`);
  }
  return clauses.length > 0 ? clauses.join(' AND ') : null;
}

/**
 * The predicate keeping memories aliased `m` inside a credential's bound scope ('true' when
 * unbound). The caller adds the tenant predicate.
 */
export function boundScopeSql(scope: MemoryScope | undefined, params: SqlParams): string {
  const clauses: string[] = [];
  if (scope?.user_id) {
    clauses.push(`m.user_id = ${params.add(scope.user_id)}::text`);
  }
  if (scope?.agent_id) {
    clauses.push(`m.agent_id = ${params.add(scope.agent_id)}::text`);
  }
  return clauses.length > 0 ? clauses.join(' AND ') : 'true';
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
