import { Injectable } from '@nestjs/common';
import { Loaded, MemoryCache } from '@engram/cache';
import { AppError, isDatabaseUnavailable, registerErrorStatus } from '@engram/common';
import { FeatureFlagsService } from '@engram/flags';
import { MetricsService, outcomeOf, timed } from '@engram/metrics';
import { MemoryAccessTracker, MemoryOperations, NamespacesService } from '@engram/memories';
import { PinsService } from '@engram/pins';
import { SearchService } from '@engram/search';
import { annotateActiveSpan, definedAttributes, tenantAttribute } from '@engram/tracing';
import { SystemPromptTooLongError, assembleContext } from './context-assembler';
import { AssembledContext, ContextInput, DEGRADED_REASONS, DegradedReason } from './context.dto';

export class SystemPromptOverBudgetError extends AppError {
  readonly code = 'system_prompt_over_budget';
}

registerErrorStatus({ system_prompt_over_budget: 400 });

const DEFAULT_BUDGET = 4000;
const MAX_PINS = 100;

/** Everything a context depends on besides the tenant's data: the request, minus who asks and how to fail. */
/**
 * The request, and whether pins are on for the tenant: a context packed with pins must not
 * answer once the memory_pins_enabled flag turns them off (a flag change is no memory write,
 * so it bumps no generation).
 */
function contextCacheKey(input: ContextInput, pinsEnabled: boolean): string {
  const { tenant_id: _tenant, fail_open: _failOpen, ...rest } = input;
  const key = { ...rest, pins_enabled: pinsEnabled };
  return JSON.stringify(key, Object.keys(key).sort());
}

function memoryIdsOf(context: AssembledContext): string[] {
  return context.blocks.flatMap((block) => (block.memory_id === null ? [] : [block.memory_id]));
}

/** Context assembly: ranked memories and requested pins, packed under a token budget in zones. */
@Injectable()
export class ContextService {
  private readonly latency;
  private readonly tokens;
  private readonly stageLatency;
  private readonly degraded;

  constructor(
    private readonly search: SearchService,
    private readonly pins: PinsService,
    private readonly namespaces: NamespacesService,
    private readonly access: MemoryAccessTracker,
    private readonly ops: MemoryOperations,
    private readonly cache: MemoryCache,
    private readonly flags: FeatureFlagsService,
    metrics: MetricsService,
  ) {
    this.degraded = metrics.counter(
      'memory_context_degraded_total',
      'Contexts answered empty and degraded (fail-open) because their sources could not be read',
      ['reason'],
    );
    for (const reason of DEGRADED_REASONS) {
      this.degraded.inc({ reason }, 0);
    }
    this.latency = metrics.histogram('memory_context_latency_seconds', 'Context assembly latency', []);
    this.stageLatency = metrics.histogram(
      'memory_context_stage_duration_seconds',
      'Duration of each stage of context assembly after ranking (pack)',
      ['stage'],
    );
    this.tokens = metrics.histogram(
      'memory_context_tokens',
      'Tokens in each assembled context',
      [],
      [64, 256, 512, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000],
    );
  }

  async assemble(tenantId: string, input: ContextInput): Promise<AssembledContext> {
    return this.ops.observe('context', () =>
      timed(this.latency, {}, () => this.cachedOrBuilt(tenantId, input), {
        classify: outcomeOf,
        span: {
          name: 'context.assemble',
          attributes: definedAttributes({
            'engram.tenant': tenantAttribute(tenantId),
            'engram.namespace': input.namespace,
            'engram.k': input.k,
            'engram.token_budget': input.token_budget,
          }),
        },
      }),
    );
  }

  /**
   * From the cache when an entry of the same input is current (every write of the tenant's pins,
   * memories or namespaces makes it stale), else built. A hit still records the access of the
   * memories it returns, as a built context does. When the database cannot be reached and the
   * caller asked to fail open (or the flag memory_fail_open_override is on), an empty context
   * marked degraded instead of the 503.
   */
  private async cachedOrBuilt(tenantId: string, input: ContextInput): Promise<AssembledContext> {
    let cacheFailed = false;
    try {
      const { value, hit } = await this.cache.read(
        tenantId,
        'context',
        ['pins', 'memories'],
        contextCacheKey(input, this.flags.isEnabled('memory_pins_enabled', tenantId)),
        () => this.build(tenantId, input),
        () => (cacheFailed = true),
      );
      if (hit) {
        this.access.record(tenantId, memoryIdsOf(value));
        this.tokens.observe(value.tokens_used);
      }
      return value;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || !(input.fail_open === true || this.failOpenFor(tenantId))) {
        throw error;
      }
      return this.degradedContext(input, cacheFailed ? 'cache_and_database_unavailable' : 'database_unavailable');
    }
  }

  private failOpenFor(tenantId: string): boolean {
    return this.flags.isEnabled('memory_fail_open_override', tenantId);
  }

  /** The same shape as any context, with nothing in it but the system prompt's frame. */
  private degradedContext(input: ContextInput, reason: DegradedReason): AssembledContext {
    let context: AssembledContext;
    try {
      context = assembleContext({
        budget: input.token_budget ?? DEFAULT_BUDGET,
        systemPrompt: input.system_prompt,
        pins: [],
        memories: [],
        now: Date.now(),
        format: input.format,
      });
    } catch (error) {
      if (error instanceof SystemPromptTooLongError) {
        throw new SystemPromptOverBudgetError(error.message, { tokens: error.tokens, budget: error.budget });
      }
      throw error;
    }
    this.degraded.inc({ reason });
    annotateActiveSpan({ 'engram.degraded': reason });
    return { ...context, degraded: true, degraded_reason: reason };
  }

  private async build(tenantId: string, input: ContextInput): Promise<Loaded<AssembledContext>> {
    // Replay parity: an assembly depends only on the stored memories and the request. Recency is
    // measured from one instant (as_of, or now) for scoring and zones alike, and read counts do
    // not rank here: every assembly records reads, so they would change the next one's scores.
    const now = input.as_of === undefined ? Date.now() : Date.parse(input.as_of);
    // rank answers 404 namespace_not_found for an unknown namespace before anything is packed.
    const [ranked, pins, settings] = await Promise.all([
      this.search.rank(tenantId, {
        query: input.query,
        namespaces: [input.namespace],
        k: input.k,
        filters: {
          ...(input.types ? { types: input.types } : {}),
          user_id: input.user_id,
          agent_id: input.agent_id,
          session_id: input.session_id,
          occurred_after: input.occurred_after,
          occurred_before: input.occurred_before,
        },
        relativeTime: input.relative_time,
        weights: { access: 0 },
        now,
        includeSuperseded: input.include_superseded,
        asOf: input.as_of,
      }),
      // With pins switched off the pinned entries are left out, and the rest is assembled as usual.
      this.flags.isEnabled('memory_pins_enabled', tenantId)
        ? this.pins.listByPrefixes(tenantId, input.pin_prefixes ?? [], MAX_PINS)
        : Promise.resolve([]),
      input.token_budget === undefined ? this.namespaces.existing(tenantId, [input.namespace]) : Promise.resolve([]),
    ]);
    const budget = input.token_budget ?? settings[0]?.default_token_budget ?? DEFAULT_BUDGET;
    let context: AssembledContext;
    try {
      context = await this.stage('pack', { budget, blocks: ranked.results.length + pins.length }, async () =>
        assembleContext({
          budget,
          systemPrompt: input.system_prompt,
          pins: pins.map((pin) => ({ key: pin.key, value: pin.value, source: pin.source })),
          memories: ranked.results.map((r) => ({
            id: r.memory.id,
            content: r.memory.content,
            score: r.score,
            type: r.memory.type,
            source: r.memory.provenance.source,
            // The date shown and the recency zone follow when the event happened.
            created_at: r.memory.occurred_at,
            state: r.memory.state,
            superseded_by: r.memory.superseded_by,
            supersedes: r.memory.supersedes,
          })),
          now,
          format: input.format,
        }),
      );
    } catch (error) {
      if (error instanceof SystemPromptTooLongError) {
        throw new SystemPromptOverBudgetError(error.message, { tokens: error.tokens, budget: error.budget });
      }
      throw error;
    }
    this.access.record(tenantId, memoryIdsOf(context));
    this.tokens.observe(context.tokens_used);
    annotateActiveSpan({ 'engram.tokens': context.tokens_used, 'engram.token_budget': budget });
    // A cached copy must die when any candidate would change by itself: a pin or memory expiring.
    const expiries = [
      ...pins.map((pin) => pin.expires_at),
      ...ranked.results.map((result) => result.memory.expires_at),
    ].flatMap((at) => (at === null ? [] : [Date.parse(at)]));
    return { value: context, expiresAt: expiries.length > 0 ? Math.min(...expiries) : null };
  }

  /** A stage of assembly, timed into memory_context_stage_duration_seconds and traced. */
  private stage<T>(stage: string, sizes: { budget: number; blocks: number }, run: () => Promise<T>): Promise<T> {
    return timed(this.stageLatency, { stage }, run, {
      classify: outcomeOf,
      span: {
        name: `context.${stage}`,
        attributes: { 'engram.token_budget': sizes.budget, 'engram.candidates': sizes.blocks },
      },
    });
  }
}
