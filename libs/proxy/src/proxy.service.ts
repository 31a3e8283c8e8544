import { Injectable, Logger } from '@nestjs/common';
import { resolveTenant } from '@engram/auth';
import { AppError, Authorizer, Permission, bindTenant, describeError, requestContext } from '@engram/common';
import { ConfigService } from '@engram/config';
import { ContextService } from '@engram/context';
import { FeatureFlagsService } from '@engram/flags';
import { MetricsService } from '@engram/metrics';
import { ChatCompletionRequest } from './proxy.dto';
import { ContextPosition, EngramDirectives } from './proxy.headers';
import { ChatMessage, injectContext, lastUserMessage, messageText } from './proxy.inject';
import { ExchangeIngestion } from './proxy.ingestion';

/** Why a request went upstream without memory, as proxy_memory_skipped_total{reason} counts it. */
export type MemorySkipReason =
  'skip_header' | 'no_namespace' | 'flag_off' | 'forbidden' | 'no_query' | 'namespace_not_found' | 'no_memories';

/** Why memory was given up on, as proxy_memory_fail_open_total{reason} counts it. */
export type FailOpenReason = 'timeout' | 'error';

export type MemoryOutcome =
  | { kind: 'injected'; tokens: number; position: ContextPosition }
  | { kind: 'skipped'; reason: MemorySkipReason }
  | { kind: 'fail_open'; reason: FailOpenReason };

/** A request ready to go upstream, and what to store once its answer is complete. */
export interface PreparedRequest {
  body: string;
  memory: MemoryOutcome;
  /** Where the exchange is to be stored and what the user said, or why it is not stored. */
  ingest: { tenantId: string; namespace: string; userMessage: string } | { skip: 'skipped' | 'forbidden' };
  directives: EngramDirectives;
  model: string;
}

const CONTEXT_READ: Permission = { resource: 'context', action: 'read' };
const MEMORY_WRITE: Permission = { resource: 'memory', action: 'write' };
const MAX_QUERY_CHARS = 4096;

class MemoryTimeout extends Error {}

/**
 * The proxy's work around the upstream call: before it, the assembled context for the last user
 * message, injected at the asked position (or nothing, fail-open, within PROXY_MEMORY_TIMEOUT_MS);
 * after it, the exchange handed to ExchangeIngestion, off the response's path.
 *
 * Memory is read and written with the permissions of the REST routes it stands for (context:read,
 * memory:write), on the tenant resolveTenant gives: the proxy never reaches further than the
 * caller's own key would through the API.
 */
@Injectable()
export class ProxyService {
  private readonly logger = new Logger('Proxy');
  private readonly memoryTimeoutMs: number;
  private readonly defaultPosition: ContextPosition;
  private readonly skipped;
  private readonly failOpen;
  private readonly injected;
  private readonly lookup;
  private readonly ingested;

  constructor(
    private readonly contexts: ContextService,
    private readonly authorizer: Authorizer,
    private readonly flags: FeatureFlagsService,
    private readonly ingestion: ExchangeIngestion,
    config: ConfigService,
    metrics: MetricsService,
  ) {
    this.memoryTimeoutMs = config.get('PROXY_MEMORY_TIMEOUT_MS');
    this.defaultPosition = config.get('PROXY_CONTEXT_POSITION');
    this.skipped = metrics.counter(
      'proxy_memory_skipped_total',
      'Proxied chat completions sent upstream without memory on purpose, by reason',
      ['reason'],
    );
    this.failOpen = metrics.counter(
      'proxy_memory_fail_open_total',
      'Proxied chat completions sent upstream without memory because the lookup failed or was too slow',
      ['reason'],
    );
    this.injected = metrics.counter(
      'proxy_context_injected_total',
      'Proxied chat completions sent upstream with assembled context, by position',
      ['position'],
    );
    this.lookup = metrics.histogram(
      'proxy_memory_lookup_duration_seconds',
      'Time the proxy spent on memory before forwarding (bounded by PROXY_MEMORY_TIMEOUT_MS)',
      [],
    );
    this.ingested = metrics.counter(
      'proxy_ingest_total',
      'Proxied exchanges after their response: stored, skipped, forbidden, empty or failed',
      ['outcome'],
    );
  }

  async prepare(request: ChatCompletionRequest, directives: EngramDirectives): Promise<PreparedRequest> {
    // The binding rule first and synchronously: a key of tenant A naming B is refused here, 403.
    let tenantId = bindTenant(directives.tenant);
    let tenantFailure = false;
    try {
      // The tenant's state (suspended, unknown) refuses the request; a database that cannot say does not.
      tenantId = await resolveTenant(directives.tenant);
    } catch (error) {
      if (error instanceof AppError && describeError(error).status < 500) {
        throw error;
      }
      tenantFailure = true;
    }
    const messages = request.messages as ChatMessage[];
    const userMessage = messageText(lastUserMessage(messages));
    const started = process.hrtime.bigint();
    const memory = tenantFailure
      ? { outcome: { kind: 'fail_open', reason: 'error' } as const, text: '' }
      : await this.memoryFor(tenantId, userMessage, directives);
    this.lookup.observe(Number(process.hrtime.bigint() - started) / 1e9);
    let body: ChatCompletionRequest = request;
    switch (memory.outcome.kind) {
      case 'injected':
        body = { ...request, messages: injectContext(messages, memory.text, memory.outcome.position) };
        this.injected.inc({ position: memory.outcome.position });
        break;
      case 'skipped':
        this.skipped.inc({ reason: memory.outcome.reason });
        break;
      case 'fail_open':
        this.failOpen.inc({ reason: memory.outcome.reason });
        break;
    }
    return {
      body: JSON.stringify(body),
      memory: memory.outcome,
      ingest: this.ingestTarget(tenantId, userMessage, directives),
      directives,
      model: request.model,
    };
  }

  /** Stores a completed exchange; never throws, never awaited by the response. */
  async afterExchange(prepared: PreparedRequest, assistantReply: string): Promise<void> {
    if ('skip' in prepared.ingest) {
      this.ingested.inc({ outcome: prepared.ingest.skip });
      return;
    }
    if (assistantReply.trim() === '' && prepared.ingest.userMessage.trim() === '') {
      this.ingested.inc({ outcome: 'empty' });
      return;
    }
    try {
      await this.ingestion.ingest(prepared.ingest.tenantId, {
        namespace: prepared.ingest.namespace,
        user: prepared.directives.user,
        session: prepared.directives.session,
        model: prepared.model,
        userMessage: prepared.ingest.userMessage,
        assistantReply,
      });
      this.ingested.inc({ outcome: 'stored' });
    } catch (error) {
      this.ingested.inc({ outcome: 'failed' });
      const described = describeError(error);
      this.logger.warn(`storing a proxied exchange failed: ${described.code}`);
    }
  }

  private ingestTarget(tenantId: string, userMessage: string, directives: EngramDirectives): PreparedRequest['ingest'] {
    if (directives.namespace === undefined || directives.skipMemory || directives.skipExtract) {
      return { skip: 'skipped' };
    }
    if (!this.allowed(MEMORY_WRITE)) {
      return { skip: 'forbidden' };
    }
    return { tenantId, namespace: directives.namespace, userMessage };
  }

  private async memoryFor(
    tenantId: string,
    query: string,
    directives: EngramDirectives,
  ): Promise<{ outcome: MemoryOutcome; text: string }> {
    const skip = (reason: MemorySkipReason) => ({ outcome: { kind: 'skipped', reason } as const, text: '' });
    if (directives.skipMemory) {
      return skip('skip_header');
    }
    if (directives.namespace === undefined) {
      return skip('no_namespace');
    }
    if (!this.flags.isEnabled('memory_context_injection', tenantId)) {
      return skip('flag_off');
    }
    if (!this.allowed(CONTEXT_READ)) {
      return skip('forbidden');
    }
    if (query.trim() === '') {
      return skip('no_query');
    }
    const namespace = directives.namespace;
    const position = directives.position ?? this.defaultPosition;
    let timer: NodeJS.Timeout | undefined;
    const lookup = this.contexts.assemble(tenantId, {
      query: query.slice(0, MAX_QUERY_CHARS),
      namespace,
      token_budget: directives.tokenBudget,
      k: 50,
      relative_time: false,
      include_superseded: false,
      format: 'xml',
    });
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new MemoryTimeout()), this.memoryTimeoutMs);
    });
    try {
      const context = await Promise.race([lookup, deadline]);
      if (context.blocks.length === 0) {
        return skip('no_memories');
      }
      return { outcome: { kind: 'injected', tokens: context.tokens_used, position }, text: context.text };
    } catch (error) {
      if (error instanceof MemoryTimeout) {
        // The lookup goes on in the background; its late answer (or failure) is dropped.
        lookup.catch(() => undefined);
        return { outcome: { kind: 'fail_open', reason: 'timeout' }, text: '' };
      }
      if (error instanceof AppError && error.code === 'namespace_not_found') {
        return skip('namespace_not_found');
      }
      const described = describeError(error);
      this.logger.warn(`memory lookup failed, forwarding without context: ${described.code}`);
      return { outcome: { kind: 'fail_open', reason: 'error' }, text: '' };
    } finally {
      clearTimeout(timer);
    }
  }

  private allowed(permission: Permission): boolean {
    const principal = requestContext.current()?.principal;
    return principal !== undefined && this.authorizer.authorize(principal, permission).allowed;
  }
}
