import { Injectable, Logger } from '@nestjs/common';
import { JobContext, JobHandler, JobHandlerInstance, defineJob, jobDefinition } from '@engram/jobs';
import { MemoriesService, MemoryNotFoundError, MemoryView, createMemorySchema } from '@engram/memories';
import { MetricsService } from '@engram/metrics';
import { SearchService } from '@engram/search';
import { ExtractedFact, TRANSCRIPT_ROLES, TranscriptMessage, TranscriptRole } from './extraction.dto';
import { ExtractionError } from './extraction.errors';
import { ExtractionService } from './extraction.service';
import { NearbyMemory, decideFact } from './fact-decision';
import { ExtractionRow, ExtractionsRepository, StoredDecision } from './extractions.repository';

declare module '@engram/jobs' {
  interface JobPayloads {
    'memories.extract': { tenantId: string; extractionId: string };
  }
}

defineJob('memories.extract', { attempts: 3, backoffMs: 2000 });

/** Memories near a fact, compared with it: enough to find its duplicate or the slot's holder. */
const NEARBY = 8;
/** The relation from an extracted memory to each message it comes from. */
export const DERIVED_FROM = 'derived_from';

interface FactScope {
  user_id: string | null;
  agent_id: string | null;
}

const NO_SCOPE: FactScope = { user_id: null, agent_id: null };

function factMetadata(row: ExtractionRow, fact: ExtractedFact): Record<string, string> {
  return { fact_kind: fact.kind, ...(fact.key === null ? {} : { fact_key: fact.key }), extractor: row.extractor };
}

function roleOf(message: MemoryView): TranscriptRole {
  const role = message.metadata.role;
  return typeof role === 'string' && (TRANSCRIPT_ROLES as readonly string[]).includes(role)
    ? (role as TranscriptRole)
    : 'user';
}

/**
 * Runs one extraction: reads its messages, asks the extractor for facts, and applies the
 * decision for each (decideFact). A retried job decides again from what is stored: a fact already
 * written is found as its own duplicate, so nothing is written twice. A failure that cannot
 * succeed on retry (malformed model output) fails the extraction at once; others are retried,
 * and the last attempt always leaves `failed` with the reason.
 */
@Injectable()
@JobHandler('memories.extract')
export class ExtractMemoriesHandler implements JobHandlerInstance<'memories.extract'> {
  private readonly logger = new Logger('ExtractMemoriesHandler');
  private readonly outcomes;
  private readonly decisions;

  constructor(
    private readonly repository: ExtractionsRepository,
    private readonly extraction: ExtractionService,
    private readonly memories: MemoriesService,
    private readonly search: SearchService,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('memory_extractions_total', 'Extraction attempts by outcome and extractor', [
      'extractor',
      'status',
    ]);
    this.decisions = metrics.counter('memory_extraction_decisions_total', 'Extracted facts by decision', ['action']);
  }

  async handle(payload: { tenantId: string; extractionId: string }, context: JobContext): Promise<void> {
    const { tenantId, extractionId } = payload;
    const row = await this.repository.start(tenantId, extractionId);
    if (!row) {
      return;
    }
    const extractor = this.extraction.extractor;
    try {
      const { messages, scopes } = await this.readMessages(tenantId, row.message_ids);
      const facts = await extractor.extract(messages);
      const decisions: StoredDecision[] = [];
      for (const fact of facts) {
        // A fact belongs to the user and agent of the message it comes from (the first one cited).
        decisions.push(await this.apply(tenantId, row, fact, scopes.get(fact.messages[0]) ?? NO_SCOPE));
      }
      await this.repository.finish(tenantId, extractionId, { status: 'succeeded', decisions });
      this.outcomes.inc({ extractor: extractor.name, status: 'succeeded' });
      for (const decision of decisions) {
        this.decisions.inc({ action: decision.action });
      }
    } catch (error) {
      const code = error instanceof ExtractionError ? error.code : 'internal_error';
      const retryable = !(error instanceof ExtractionError) || error.retryable;
      const last = context.attempt >= jobDefinition('memories.extract').attempts;
      // The detail of an unexpected error stays in the log; the row says only that it happened.
      const message = error instanceof ExtractionError ? error.message : 'extraction failed; see the service log';
      if (!(error instanceof ExtractionError)) {
        this.logger.error(`extraction ${extractionId} failed: ${(error as Error).message}`);
      }
      if (!retryable || last) {
        await this.repository.finish(tenantId, extractionId, { status: 'failed', code, message });
        this.outcomes.inc({ extractor: extractor.name, status: 'failed' });
        return;
      }
      await this.repository.finish(tenantId, extractionId, { status: 'queued', code, message });
      this.outcomes.inc({ extractor: extractor.name, status: 'retried' });
      throw error;
    }
  }

  /** The messages still stored, each with its position in the request (which facts cite), and their scopes. */
  private async readMessages(
    tenantId: string,
    ids: string[],
  ): Promise<{ messages: TranscriptMessage[]; scopes: Map<number, FactScope> }> {
    const messages: TranscriptMessage[] = [];
    const scopes = new Map<number, FactScope>();
    for (const [index, id] of ids.entries()) {
      const message = await this.memories.get(tenantId, id).catch((error: unknown) => {
        if (error instanceof MemoryNotFoundError) {
          return null;
        }
        throw error;
      });
      if (message) {
        scopes.set(index, { user_id: message.user_id, agent_id: message.agent_id });
        const name = message.metadata.name;
        messages.push({
          index,
          role: roleOf(message),
          content: message.content,
          ...(typeof name === 'string' ? { name } : {}),
        });
      }
    }
    return { messages, scopes };
  }

  private async nearby(
    tenantId: string,
    namespace: string,
    fact: ExtractedFact,
    scope: FactScope,
  ): Promise<NearbyMemory[]> {
    const found = await this.search.search(tenantId, {
      query: fact.content,
      namespace,
      k: NEARBY,
      explain: true,
      // Only the same user's (and agent's) facts: one user's new home never supersedes another's.
      filters: {
        types: ['semantic'],
        ...(scope.user_id === null ? {} : { user_id: scope.user_id }),
        ...(scope.agent_id === null ? {} : { agent_id: scope.agent_id }),
      },
      related_mode: 'boost',
      related_depth: 2,
      relative_time: false,
      include_superseded: false,
    });
    return found.results.map((result) => ({
      id: result.memory.id,
      content: result.memory.content,
      key: typeof result.memory.metadata.fact_key === 'string' ? result.memory.metadata.fact_key : null,
      similarity: result.components?.vector ?? 0,
    }));
  }

  private async apply(
    tenantId: string,
    row: ExtractionRow,
    fact: ExtractedFact,
    scope: FactScope,
  ): Promise<StoredDecision> {
    const decision = decideFact(fact, await this.nearby(tenantId, row.namespace, fact, scope));
    // Facts outlive the session they were said in: they keep its user and agent, not its session id.
    const scoped = {
      ...(scope.user_id === null ? {} : { user_id: scope.user_id }),
      ...(scope.agent_id === null ? {} : { agent_id: scope.agent_id }),
    };
    const sources = [...new Set(fact.messages)].map((index) => ({
      to: row.message_ids[index],
      relation: DERIVED_FROM,
      weight: 1,
    }));
    const stored = { action: decision.action, kind: fact.kind, key: fact.key };
    switch (decision.action) {
      case 'none':
        return { ...stored, memory_id: decision.memoryId };
      case 'update': {
        await this.memories.update(tenantId, decision.memoryId, { content: fact.content });
        await this.memories.addRelations(tenantId, decision.memoryId, sources);
        return { ...stored, memory_id: decision.memoryId };
      }
      case 'supersede': {
        const result = await this.memories.supersede(
          tenantId,
          decision.memoryId,
          {
            content: fact.content,
            type: 'semantic',
            source: `extraction:${row.id}`,
            metadata: factMetadata(row, fact),
            relations: sources,
          },
          'extraction',
        );
        return { ...stored, memory_id: result.memory.id };
      }
      case 'add': {
        const created = await this.memories.create(
          tenantId,
          createMemorySchema.parse({
            namespace: row.namespace,
            content: fact.content,
            type: 'semantic',
            source: `extraction:${row.id}`,
            metadata: factMetadata(row, fact),
            relations: sources,
            ...scoped,
          }),
        );
        return { ...stored, memory_id: created.id };
      }
    }
  }
}
