import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { EmbeddingModels, toVectorLiteral } from '@engram/embeddings';
import { MetricsService, outcomeOf, timed } from '@engram/metrics';
import { annotateActiveSpan, definedAttributes, tenantAttribute } from '@engram/tracing';
import { bindScope } from '@engram/common';
import {
  MemoryAccessTracker,
  MemoryFilters,
  MemoryOperations,
  MemoryView,
  NamespacesService,
  toMemoryView,
} from '@engram/memories';
import { FusionMethod, SearchWeights, defaultRanking, fuse, requestRanking } from './fusion';
import { SearchInput, SearchResultView, SearchView, TimeWindowView } from './search.dto';
import { parseRelativeTime } from './relative-time';
import { QueryEmbeddingCache } from './query-embeddings';
import { CandidatePlan, SearchRepository } from './search.repository';

export interface RankRequest {
  query: string;
  namespaces: string[];
  k: number;
  filters?: MemoryFilters;
  minScore?: number;
  related?: { id: string; mode: 'boost' | 'restrict'; depth: number; relations: string[] | null };
  fusion?: FusionMethod;
  weights?: Partial<SearchWeights>;
  /** Read a relative-time phrase in the query as an occurred_at window (relative-time.ts). */
  relativeTime?: boolean;
  /** The instant recency and relative time are measured from (ms since the epoch); default: now. */
  now?: number;
  includeSuperseded?: boolean;
  /** ISO timestamp: rank the memories as they stood then. */
  asOf?: string;
}

export interface RankOutcome {
  results: RankedMemory[];
  lexicalOnly: boolean;
  fusion: FusionMethod;
  timeWindow: TimeWindowView | null;
}

export interface RankedMemory {
  memory: MemoryView;
  score: number;
  components: SearchResultView['components'] & object;
}

/**
 * Hybrid retrieval: lexical and vector candidates (one SQL statement), fused with recency,
 * importance, access frequency and relation proximity into one ranking.
 */
@Injectable()
export class SearchService {
  private readonly logger = new Logger('SearchService');
  private readonly exactScanMaxRows: number;
  private readonly efSearch: number;
  private readonly maxScanTuples: number;
  private readonly halfLifeHours: number;
  private readonly searchLatency;
  private readonly stageLatency;
  private readonly degraded;
  private readonly queryVectors: QueryEmbeddingCache;

  constructor(
    private readonly repository: SearchRepository,
    private readonly namespaces: NamespacesService,
    private readonly models: EmbeddingModels,
    private readonly access: MemoryAccessTracker,
    private readonly ops: MemoryOperations,
    config: ConfigService,
    metrics: MetricsService,
  ) {
    this.exactScanMaxRows = config.get('SEARCH_EXACT_SCAN_MAX_ROWS');
    this.efSearch = config.get('SEARCH_HNSW_EF_SEARCH');
    this.maxScanTuples = config.get('SEARCH_HNSW_MAX_SCAN_TUPLES');
    this.halfLifeHours = config.get('SEARCH_RECENCY_HALF_LIFE_HOURS');
    this.searchLatency = metrics.histogram('memory_search_latency_seconds', 'Hybrid search latency by vector mode', [
      'mode',
    ]);
    this.stageLatency = metrics.histogram(
      'memory_search_stage_duration_seconds',
      'Duration of each stage of a ranking (namespaces, embed, candidates, fuse)',
      ['stage'],
    );
    this.degraded = metrics.counter('memory_search_lexical_only_total', 'Searches answered without the vector stage', [
      'reason',
    ]);
    const lookups = metrics.counter('memory_query_embedding_cache_total', 'Query vector lookups by outcome', [
      'outcome',
    ]);
    this.queryVectors = new QueryEmbeddingCache(
      {
        ttlMs: config.get('QUERY_EMBEDDING_CACHE_TTL_SECONDS') * 1000,
        maxEntries: config.get('QUERY_EMBEDDING_CACHE_MAX_ENTRIES'),
      },
      (outcome) => lookups.inc({ outcome }),
    );
  }

  async search(tenantId: string, input: SearchInput): Promise<SearchView> {
    return this.ops.observe('search', async () => {
      const { results, lexicalOnly, fusion, timeWindow } = await this.rank(tenantId, {
        query: input.query,
        namespaces: input.namespaces ?? [input.namespace!],
        k: input.k,
        filters: input.filters,
        minScore: input.min_score,
        related: input.related_to
          ? {
              id: input.related_to,
              mode: input.related_mode,
              depth: input.related_depth,
              relations: input.related_relations ?? null,
            }
          : undefined,
        fusion: input.fusion,
        weights: input.weights,
        relativeTime: input.relative_time,
        includeSuperseded: input.include_superseded,
        asOf: input.as_of,
      });
      this.access.record(
        tenantId,
        results.map((r) => r.memory.id),
      );
      return {
        results: results.map((r) => (input.explain ? r : { memory: r.memory, score: r.score })),
        fusion,
        lexical_only: lexicalOnly,
        time_window: timeWindow,
      };
    });
  }

  /** The ranked memories for a request; used by search and by context assembly. */
  async rank(tenantId: string, request: RankRequest): Promise<RankOutcome> {
    const namespaces = [...new Set(request.namespaces)];
    // A credential bound to a user / agent ranks only that scope (403 scope_mismatch for another).
    const scope = bindScope({ user_id: request.filters?.user_id, agent_id: request.filters?.agent_id });
    const filters = { ...request.filters };
    for (const field of ['user_id', 'agent_id'] as const) {
      if (scope[field] !== undefined) {
        filters[field] = scope[field];
      }
    }
    let timeWindow: TimeWindowView | null = null;
    if (request.relativeTime) {
      const window = parseRelativeTime(request.query, new Date(request.now ?? Date.now()));
      if (window) {
        timeWindow = { phrase: window.phrase, after: window.after.toISOString(), before: window.before.toISOString() };
        // The window narrows any occurred_after / occurred_before the request gave (filters are exclusive).
        const after = new Date(window.after.getTime() - 1).toISOString();
        if (filters.occurred_after === undefined || Date.parse(filters.occurred_after) < Date.parse(after)) {
          filters.occurred_after = after;
        }
        const before = window.before.toISOString();
        if (filters.occurred_before === undefined || Date.parse(filters.occurred_before) > Date.parse(before)) {
          filters.occurred_before = before;
        }
      }
    }
    const outcome = await this.stage('rank', { tenantId, namespaces, k: request.k }, () =>
      this.rankStages(tenantId, namespaces, { ...request, filters }),
    );
    return { ...outcome, timeWindow };
  }

  private async rankStages(
    tenantId: string,
    namespaces: string[],
    request: RankRequest,
  ): Promise<{ results: RankedMemory[]; lexicalOnly: boolean; fusion: FusionMethod }> {
    const started = performance.now();
    const scope = { tenantId, namespaces };
    // An unknown namespace (another tenant's included) is 404 namespace_not_found, as everywhere.
    const settings = await this.stage('namespaces', scope, () => this.namespaces.requireExisting(tenantId, namespaces));
    const ranking = requestRanking(defaultRanking(settings[0].embedding_model), request.fusion, request.weights);
    const fusion = ranking.method;
    const poolSize = Math.max(100, request.k * 2);
    const vector = await this.stage('embed', scope, () => this.vectorPlan(tenantId, request.query, settings, poolSize));
    const mode = vector === null ? 'lexical' : vector.exact ? 'exact' : 'hnsw';
    const plan: CandidatePlan = {
      namespaces: settings.map((s) => s.name),
      query: request.query,
      lexicalLimit: poolSize,
      vector,
      filters: request.filters,
      includeSuperseded: request.includeSuperseded,
      asOf: request.asOf,
      related: request.related
        ? {
            id: request.related.id,
            depth: request.related.depth,
            relations: request.related.relations,
            restrict: request.related.mode === 'restrict',
          }
        : null,
    };
    // Lexical (BM25) and vector candidates come from one SQL statement: one stage.
    const rows = await this.stage('candidates', { ...scope, mode, pool: poolSize }, () =>
      this.repository.candidates(tenantId, plan),
    );
    const results = await this.stage('fuse', { ...scope, fusion, k: request.k }, async () => {
      const scored = fuse(
        rows.map((row) => ({
          id: row.id,
          lexicalScore: row.lexical_score,
          vectorScore: row.vector_score,
          // Recency is the age of the event (occurred_at, default created_at), not of its storage.
          createdAt: row.occurred_at,
          importance: row.importance,
          accessCount: Number(row.access_count),
          relationDepth: row.relation_depth,
          relationWeight: row.relation_weight,
        })),
        { method: fusion, weights: ranking.weights, halfLifeHours: this.halfLifeHours, now: request.now ?? Date.now() },
      );
      const byId = new Map(rows.map((row) => [row.id, row]));
      return scored
        .filter((s) => request.minScore === undefined || s.score >= request.minScore)
        .slice(0, request.k)
        .map((s) => ({ memory: toMemoryView(byId.get(s.id)!), score: round(s.score), components: s.components }));
    });
    this.searchLatency.observe({ mode }, (performance.now() - started) / 1000);
    annotateActiveSpan({
      'engram.search.mode': mode,
      'engram.search.fusion': fusion,
      'engram.results': results.length,
    });
    return { results, lexicalOnly: vector === null, fusion };
  }

  /**
   * One stage of a ranking: timed into memory_search_stage_duration_seconds and, with tracing
   * on, a `search.<stage>` span with the tenant (as configured), namespaces and sizes.
   */
  private stage<T>(
    stage: string,
    scope: { tenantId: string; namespaces: string[]; k?: number; mode?: string; pool?: number; fusion?: string },
    run: () => Promise<T>,
  ): Promise<T> {
    return timed(this.stageLatency, { stage }, run, {
      classify: outcomeOf,
      span: {
        name: `search.${stage}`,
        attributes: definedAttributes({
          'engram.tenant': tenantAttribute(scope.tenantId),
          'engram.namespace': scope.namespaces.join(','),
          'engram.k': scope.k,
          'engram.search.mode': scope.mode,
          'engram.search.pool': scope.pool,
          'engram.search.fusion': scope.fusion,
        }),
      },
    });
  }

  /**
   * The vector stage searches the namespaces sharing the first namespace's model (vectors of
   * different models are not comparable); the others contribute lexical candidates only.
   */
  private async vectorPlan(
    tenantId: string,
    query: string,
    settings: { name: string; embedding_model: string }[],
    limit: number,
  ): Promise<CandidatePlan['vector']> {
    const model = settings[0].embedding_model;
    const namespaces = settings.filter((s) => s.embedding_model === model).map((s) => s.name);
    let vector: number[];
    const provider = this.models.get(model);
    try {
      vector = await this.queryVectors.embed(tenantId, provider, query);
    } catch (error) {
      // Fail open: a model server being down costs recall, not the answer.
      this.degraded.inc({ reason: 'embedding_failed' });
      this.logger.warn(`query embedding with ${model} failed, searching text only: ${(error as Error).message}`);
      return null;
    }
    if (!vector.some((value) => value !== 0)) {
      return null;
    }
    const size = await this.repository.scopeSize(tenantId, model, namespaces);
    return {
      model,
      dimensions: provider.dimensions,
      namespaces,
      literal: toVectorLiteral(vector),
      limit,
      exact: size <= this.exactScanMaxRows,
      efSearch: Math.max(this.efSearch, limit),
      maxScanTuples: this.maxScanTuples,
    };
  }
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
