import { Injectable } from '@nestjs/common';
import { Database, RepositoryScope, assertTenant } from '@engram/db';
import { MODEL_NAME_PATTERN } from '@engram/embeddings';
import {
  ACTIVE_MEMORY,
  MEMORY_COLUMNS,
  MemoryFilters,
  MemoryRow,
  SqlParams,
  memoriesAsOfSql,
  memoryFilterSql,
  memoryScopeFilterSql,
  neighboursSql,
  notSupersededSql,
} from '@engram/memories';
import { MetricsService } from '@engram/metrics';
import { lexicalCandidateCtes } from './lexical-candidates';

export interface CandidatePlan {
  namespaces: string[];
  query: string;
  lexicalLimit: number;
  /** Null skips the vector stage. */
  vector: null | {
    model: string;
    dimensions: number;
    namespaces: string[];
    literal: string;
    limit: number;
    /** Exact scan (small scopes) or HNSW with an iterative scan (large ones). */
    exact: boolean;
    efSearch: number;
    maxScanTuples: number;
  };
  filters?: MemoryFilters;
  /** Superseded memories are candidates too (default: left out inside each stage). */
  includeSuperseded?: boolean;
  /** ISO timestamp: memories as they stood then (see memoriesAsOfSql and docs/memories.md). */
  asOf?: string;
  related: null | { id: string; depth: number; relations: string[] | null; restrict: boolean };
}

export interface CandidateRow extends MemoryRow {
  lexical_score: number | null;
  vector_score: number | null;
  relation_depth: number | null;
  relation_weight: number | null;
}

/**
 * The candidate stages of search in one statement: lexical (see lexical-candidates.ts) and
 * vector candidates, optionally the related_to neighbourhood, joined to the memories with the
 * filters applied. Every candidate gets its exact cosine similarity, so fusion can rank the pool.
 * Query plans for both vector modes: docs/queries.md.
 */
@Injectable()
export class SearchRepository {
  private readonly scopeSizes = new Map<string, { count: number; until: number }>();

  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'search');
  }

  candidates(tenantId: string, plan: CandidatePlan): Promise<CandidateRow[]> {
    // Before building SQL around it: an empty tenant id must never reach a WHERE.
    assertTenant(tenantId);
    const { sql, values } = this.buildSql(tenantId, plan);
    const hnsw: Record<string, string | number> =
      plan.vector && !plan.vector.exact
        ? {
            // relaxed_order keeps scanning the graph until enough rows pass the tenant filter;
            // without it a small tenant in a big index gets a fraction of k (pgvector >= 0.8).
            // max_scan_tuples bounds how far it goes (SEARCH_HNSW_MAX_SCAN_TUPLES).
            'hnsw.iterative_scan': 'relaxed_order',
            'hnsw.ef_search': Math.trunc(plan.vector.efSearch),
            'hnsw.max_scan_tuples': Math.trunc(plan.vector.maxScanTuples),
          }
        : {};
    return this.scope.tenant(tenantId, 'candidates', (tx) => tx.query<CandidateRow>(sql, values), { settings: hnsw });
  }

  /** How many vectors a search scope holds (cached 30 s): decides exact scan vs HNSW. */
  async scopeSize(tenantId: string, model: string, namespaces: string[]): Promise<number> {
    assertTenant(tenantId);
    const key = `${tenantId}\u0000${model}\u0000${namespaces.join('\u0000')}`;
    const cached = this.scopeSizes.get(key);
    if (cached && cached.until > Date.now()) {
      return cached.count;
    }
    const rows = await this.scope.tenant(tenantId, 'scopeSize', (tx) =>
      tx.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM memory_embeddings WHERE tenant_id = $1 AND model = $2 AND namespace = ANY($3::text[])`,
        [tenantId, model, namespaces],
        'search_scope_size',
      ),
    );
    if (this.scopeSizes.size > 10_000) {
      this.scopeSizes.clear();
    }
    this.scopeSizes.set(key, { count: rows[0].count, until: Date.now() + 30_000 });
    return rows[0].count;
  }

  buildSql(tenantId: string, plan: CandidatePlan): { sql: string; values: unknown[] } {
    const p = new SqlParams();
    const tenant = p.add(tenantId);
    const namespaces = p.add(plan.namespaces);
    // Scope (user, agent, session) and occurred_at filters are applied inside both candidate
    // stages, before their top-k cut, so a narrow scope still gets its candidates.
    const scopeFilter = memoryScopeFilterSql(plan.filters, p);
    // A future as_of is now: nothing is judged expired ahead of time.
    const asOf = plan.asOf === undefined ? undefined : `least(${p.add(plan.asOf)}::timestamptz, now())`;
    // Superseded memories (at as_of, or now) leave each stage before its LIMIT, so they never
    // take a candidate slot: an anti-join probe of the partial index memories_superseded_idx.
    const candidateFilter =
      plan.includeSuperseded === true ? undefined : (id: string) => notSupersededSql(tenant, id, asOf);
    const ctes = [
      lexicalCandidateCtes(p, {
        tenant,
        namespaces,
        query: p.add(plan.query),
        limit: plan.lexicalLimit,
        ...(scopeFilter === null ? {} : { memoryFilter: scopeFilter }),
        now: asOf === undefined ? undefined : `${asOf}::timestamptz`,
        candidateFilter,
      }),
    ];
    const sources = ['SELECT memory_id FROM lexical'];
    let similarity = 'NULL::float8';
    let similarityJoin = '';
    if (plan.vector) {
      const v = plan.vector;
      if (!MODEL_NAME_PATTERN.test(v.model) || !Number.isInteger(v.dimensions)) {
        throw new Error(`refusing model ${v.model}`);
      }
      const query = p.add(v.literal);
      // The model is a literal, not a parameter: the planner must see model = '…' to use that
      // model's partial HNSW index. The exact mode deliberately avoids the index's expression, and
      // breaks distance ties by id so the pool's cut is the same whatever order rows are read in.
      const column = v.exact ? 'e.embedding' : `e.embedding::vector(${v.dimensions})`;
      const probe = v.exact ? `${query}::vector` : `${query}::vector(${v.dimensions})`;
      ctes.push(`vector AS (
        SELECT e.memory_id FROM memory_embeddings e
        WHERE e.tenant_id = ${tenant} AND e.model = '${v.model}' AND e.namespace = ANY(${p.add(v.namespaces)}::text[])${
          scopeFilter === null
            ? ''
            : `
          AND EXISTS (SELECT 1 FROM memories m WHERE m.tenant_id = ${tenant} AND m.id = e.memory_id AND ${scopeFilter})`
        }${
          candidateFilter
            ? `
          AND ${candidateFilter('e.memory_id')}`
            : ''
        }
        ORDER BY ${column} <=> ${probe}${v.exact ? ', e.memory_id' : ''}
        LIMIT ${p.add(v.limit)})`);
      sources.push('SELECT memory_id FROM vector');
      // A memory's similarity is its best passage's (one row for most memories; see migration 0023).
      similarity = 've.similarity';
      similarityJoin = `LEFT JOIN LATERAL (
          SELECT max(1 - (ve.embedding <=> ${query}::vector)) AS similarity FROM memory_embeddings ve
           WHERE ve.tenant_id = ${tenant} AND ve.memory_id = m.id AND ve.model = '${v.model}') ve ON true`;
    }
    let relationSelect = 'NULL::int AS relation_depth, NULL::real AS relation_weight';
    let relationJoin = '';
    let restrict = '';
    if (plan.related) {
      ctes.push(
        `neighbours AS (${neighboursSql({
          tenant,
          start: p.add(plan.related.id),
          depth: p.add(plan.related.depth),
          relations: p.add(plan.related.relations),
        })})`,
      );
      relationSelect = 'n.depth AS relation_depth, n.weight AS relation_weight';
      relationJoin = 'LEFT JOIN neighbours n ON n.id = m.id';
      if (plan.related.restrict) {
        sources.splice(0, sources.length, 'SELECT id AS memory_id FROM neighbours');
        restrict = 'AND n.id IS NOT NULL';
      }
    }
    // The pool's memories and vectors are primary-key lookups in LATERAL (… OFFSET 0) subqueries,
    // like the postings in the lexical stage, so the plan stays a few hundred index probes even
    // without table statistics. PGlite has no autovacuum: there an unanalyzed table got a plan
    // that scanned the tenant's memories against the pool (10 s at 5k memories instead of ms).
    // as_of: each pool member as it stood then (its namespace, filters and state judged then);
    // a member not yet created then is absent. Ranking still uses the current index and vectors.
    const source =
      asOf === undefined
        ? `memories m WHERE m.tenant_id = ${tenant} AND m.id = c.memory_id AND`
        : `${memoriesAsOfSql(tenant, asOf, 'cur.id = c.memory_id')} m WHERE`;
    const state = plan.includeSuperseded === true ? '' : ` AND ${ACTIVE_MEMORY}`;
    const sql = `WITH ${ctes.join(',\n')},
      pool AS MATERIALIZED (${sources.join(' UNION ')})
      SELECT ${MEMORY_COLUMNS}, l.lexical_score, ${similarity} AS vector_score, ${relationSelect}
      FROM pool c
      CROSS JOIN LATERAL (
        SELECT m.* FROM ${source}
           m.namespace = ANY(${namespaces}::text[]) AND ${memoryFilterSql(plan.filters, p, asOf)}${state}
        OFFSET 0) m
      LEFT JOIN lexical l ON l.memory_id = m.id
      ${similarityJoin}
      ${relationJoin}
      WHERE true ${restrict}`;
    return { sql, values: p.values };
  }
}
