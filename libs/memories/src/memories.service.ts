import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AuditService } from '@engram/audit';
import { QuotaService } from '@engram/tenants';
import {
  ScopeMismatchError,
  bindScope,
  boundScope,
  decodeCursor,
  encodeCursor,
  isStorableTimestamp,
  requestContext,
} from '@engram/common';
import { ConfigService } from '@engram/config';
import { MetricsService, VALUE_SIZE_BUCKETS } from '@engram/metrics';
import { Database, TableAnalyzer } from '@engram/db';
import { EmbeddingModels, vectorText } from '@engram/embeddings';
import {
  BatchCreateInput,
  CreateMemoryInput,
  CreatedMemoryView,
  BatchResultView,
  ListMemoriesQuery,
  MemoryFilters,
  MemoryItemInput,
  MemoryHistoryView,
  MemoryListView,
  MemoryView,
  CHANGE_REASON_PATTERN,
  ChangeReason,
  SupersedeMemoryInput,
  SupersedeResultView,
  RelatedQuery,
  RelatedListView,
  UpdateMemoryInput,
  memoryIdSchema,
} from './memories.dto';
import {
  ContentTooLargeError,
  DuplicateContentError,
  MemoryAlreadySupersededError,
  MemoryNotFoundError,
  RelationTargetNotFoundError,
  SupersedeNamespaceMismatchError,
  SupersedeTargetNotFoundError,
} from './memories.errors';
import { EmbeddingJobs } from './memories.embedding';
import {
  ChangeContext,
  InsertMemoryItem,
  InsertedMemoryRow,
  ListCursor,
  MemoriesRepository,
  MemoryBulkChange,
  RelationRow,
  isNamespaceMissing,
  isSupersededTwice,
} from './memories.repository';
import { MemoryOperations } from './memory-operations';
import { MemoryRow, toMemoryView } from './memory-sql';
import { NamespacesService, namespaceNotFound } from './namespaces.service';

/**
 * A memory list cursor: `created_at` as Postgres printed it and the id. Both parts go into SQL
 * casts (::timestamptz, ::uuid): anything Postgres would refuse is a 400 here.
 */
/**
 * A batch at least this large asks for a statistics pass soon (autovacuum's base threshold):
 * searches right after a bulk load would otherwise plan on the empty table's estimates.
 */
const BULK_WRITE_ROWS = 50;

const memoryCursorSchema = z.strictObject({ c: z.string().refine(isStorableTimestamp), i: memoryIdSchema });

const sessionCursorSchema = z.strictObject({
  o: z.string().refine(isStorableTimestamp),
  c: z.string().refine(isStorableTimestamp),
  i: memoryIdSchema,
});

function toListCursor(raw: string): ListCursor {
  const { c, i } = decodeCursor(raw, memoryCursorSchema);
  return { createdAt: c, id: i };
}

/** The credential making the request (none for a job), and why, for the version rows. */
function changeContext(reason: ChangeReason): ChangeContext {
  const principal = requestContext.current()?.principal;
  return { reason, actor: principal?.actor ?? null, keyId: principal?.keyId ?? null };
}

function checkReason(reason: string): void {
  if (!CHANGE_REASON_PATTERN.test(reason)) {
    throw new Error(`change reason ${JSON.stringify(reason)} must match ${String(CHANGE_REASON_PATTERN)}`);
  }
}

function alreadySuperseded(id: string, by: string | null): MemoryAlreadySupersededError {
  return new MemoryAlreadySupersededError(`memory ${id} is already superseded`, { id, superseded_by: by });
}

/** Which memories a bulk update selects: live ones of one namespace, matching every filter given. */
export interface MemorySelection {
  namespace: string;
  types?: MemoryFilters['types'];
  tags?: string[];
  metadata?: MemoryFilters['metadata'];
  /** At most this many, oldest first. */
  limit: number;
}

export type { MemoryBulkChange } from './memories.repository';

export interface MatchedMemory {
  id: string;
  importance: number;
  expires_at: string | null;
}

/**
 * Memories: write (single, batch), read, list, update, hard delete and relations. Writes
 * embed inline when the namespace's model is local; otherwise they queue a job and the memory
 * is searchable by text at once and by vector when the job is done.
 */
@Injectable()
export class MemoriesService {
  private readonly maxContentBytes: number;
  private readonly valueSize;

  constructor(
    private readonly repository: MemoriesRepository,
    private readonly namespaces: NamespacesService,
    private readonly models: EmbeddingModels,
    private readonly embeddingJobs: EmbeddingJobs,
    private readonly db: Database,
    private readonly analyzer: TableAnalyzer,
    private readonly audit: AuditService,
    private readonly ops: MemoryOperations,
    private readonly quotas: QuotaService,
    config: ConfigService,
    metrics: MetricsService,
  ) {
    this.maxContentBytes = config.get('MEMORY_CONTENT_MAX_BYTES');
    this.valueSize = metrics.histogram(
      'memory_value_size_bytes',
      'Size of each pin value (JSON) and memory content (UTF-8) written',
      ['kind'],
      VALUE_SIZE_BUCKETS,
    );
  }

  async create(tenantId: string, input: CreateMemoryInput): Promise<CreatedMemoryView> {
    return this.ops.write('create', tenantId, async () => {
      const { rows } = await this.insert(tenantId, input.namespace, input.create_namespace === true, [input]);
      return { ...toMemoryView(rows[0]), duplicate: rows[0].duplicate };
    });
  }

  /**
   * All or nothing: one transaction, one multi-row INSERT. Any invalid item (too large, a
   * relation to an unknown memory) rejects the whole batch and nothing is written.
   */
  async createBatch(tenantId: string, input: BatchCreateInput): Promise<BatchResultView> {
    return this.ops.write('create_batch', tenantId, async () => {
      const { rows } = await this.insert(tenantId, input.namespace, input.create_namespace === true, input.memories);
      const memories = rows.map((row) => ({ ...toMemoryView(row), duplicate: row.duplicate }));
      const created = memories.filter((memory) => !memory.duplicate).length;
      if (created >= BULK_WRITE_ROWS) {
        this.analyzer.kick();
      }
      return { memories, created, duplicates: memories.length - created };
    });
  }

  /**
   * Stores a conversation's messages (chat ingestion): the batch path (one transaction, one
   * INSERT, no model call on the request path), each item carrying its idempotency key, so a
   * retried message comes back as its first row (duplicate: true) and nothing is stored twice.
   */
  async ingest(
    tenantId: string,
    namespace: string,
    createNamespace: boolean,
    items: (MemoryItemInput & { idempotency_key: string })[],
  ): Promise<CreatedMemoryView[]> {
    return this.ops.write('ingest', tenantId, async () => {
      const { rows } = await this.insert(tenantId, namespace, createNamespace, items);
      return rows.map((row) => ({ ...toMemoryView(row), duplicate: row.duplicate }));
    });
  }

  /**
   * A session's memories in the order they happened (occurred_at, then storage order), keyset
   * paged; within a bound credential's scope only. `cursor` is the previous page's next_cursor.
   */
  async listSession(
    tenantId: string,
    sessionId: string,
    options: { namespace?: string; limit: number; cursor?: string },
  ): Promise<MemoryListView> {
    return this.ops.observe('list_session', async () => {
      const after = options.cursor === undefined ? null : decodeCursor(options.cursor, sessionCursorSchema);
      const rows = await this.repository.listSession(tenantId, sessionId, {
        namespace: options.namespace,
        scope: boundScope(),
        after: after === null ? null : { occurredAt: after.o, createdAt: after.c, id: after.i },
        limit: options.limit,
      });
      if (rows === null) {
        throw namespaceNotFound(options.namespace!);
      }
      const page = rows.slice(0, options.limit);
      const hasMore = rows.length > options.limit;
      const last = page[page.length - 1];
      return {
        memories: page.map(toMemoryView),
        has_more: hasMore,
        next_cursor: hasMore
          ? encodeCursor({ o: last.occurred_at_text, c: last.created_at_text, i: last.id }, sessionCursorSchema)
          : null,
      };
    });
  }

  async get(tenantId: string, id: string): Promise<MemoryView> {
    return this.ops.observe('get', async () => {
      const row = await this.repository.get(tenantId, id, boundScope());
      if (!row) {
        throw new MemoryNotFoundError(`no memory ${id}`, { id });
      }
      return toMemoryView(row);
    });
  }

  async list(tenantId: string, query: ListMemoriesQuery): Promise<MemoryListView> {
    return this.ops.observe('list', async () => {
      // A bound credential lists its own scope only (403 scope_mismatch when it names another).
      const scope = bindScope({ user_id: query.user_id, agent_id: query.agent_id });
      const rows = await this.repository.list(tenantId, {
        namespace: query.namespace,
        filters: {
          types: query.type,
          tags: query.tags,
          metadata: query.metadata,
          created_after: query.created_after,
          created_before: query.created_before,
          updated_after: query.updated_after,
          updated_before: query.updated_before,
          user_id: scope.user_id,
          agent_id: scope.agent_id,
          session_id: query.session_id,
          occurred_after: query.occurred_after,
          occurred_before: query.occurred_before,
        },
        after: query.cursor === undefined ? null : toListCursor(query.cursor),
        limit: query.limit,
        includeSuperseded: query.include_superseded === true,
        asOf: query.as_of,
      });
      if (rows === null) {
        throw namespaceNotFound(query.namespace!);
      }
      const page = rows.slice(0, query.limit);
      const hasMore = rows.length > query.limit;
      const last = page[page.length - 1];
      return {
        memories: page.map(toMemoryView),
        has_more: hasMore,
        next_cursor: hasMore ? encodeCursor({ c: last.created_at_text, i: last.id }, memoryCursorSchema) : null,
      };
    });
  }

  /** The conflict names the memory that already holds the content, not the one being patched. */
  private async duplicateOf(
    tenantId: string,
    id: string,
    namespace: string | undefined,
    content: string | undefined,
    owner: { user_id?: string | null; agent_id?: string | null } = {},
  ): Promise<DuplicateContentError> {
    const current = await this.repository.get(tenantId, id);
    const existing = current
      ? await this.repository.idByContent(tenantId, namespace ?? current.namespace, content ?? current.content, {
          user_id: owner.user_id !== undefined ? owner.user_id : current.user_id,
          agent_id: owner.agent_id !== undefined ? owner.agent_id : current.agent_id,
        })
      : null;
    return new DuplicateContentError('another memory in this namespace has this content', { id: existing ?? id });
  }

  /**
   * A move (`namespace`) follows the write rule: the target must exist unless
   * `create_namespace` is set, which creates it in the same transaction as the move. A moved
   * memory is re-embedded with the target namespace's model, as new content is.
   */
  async update(tenantId: string, id: string, input: UpdateMemoryInput): Promise<MemoryView> {
    return this.ops.write('update', tenantId, async () => {
      const scope = boundScope();
      for (const field of ['user_id', 'agent_id'] as const) {
        // A bound credential cannot move a memory out of its scope.
        if (scope[field] !== null && input[field] !== undefined && input[field] !== scope[field]) {
          throw new ScopeMismatchError(`This credential is bound to another ${field}`, { [field]: input[field] });
        }
      }
      let embedding: { model: string; vector: string | null } | null = null;
      let createNamespace: string | null = null;
      if (input.content !== undefined) {
        this.checkSize(input.content, 0);
      }
      if (input.content !== undefined || input.namespace !== undefined) {
        const current = await this.repository.get(tenantId, id, scope);
        if (!current) {
          throw new MemoryNotFoundError(`no memory ${id}`, { id });
        }
        const moving = input.namespace !== undefined && input.namespace !== current.namespace;
        const target = moving ? input.namespace! : current.namespace;
        createNamespace = moving && input.create_namespace === true ? target : null;
        const settings = moving
          ? await this.namespaces.forWrite(tenantId, target, createNamespace !== null)
          : await this.namespaces.settings(tenantId, target);
        if (!settings) {
          // Its namespace was deleted since the read above, and the memory with it.
          throw new MemoryNotFoundError(`no memory ${id}`, { id });
        }
        if (input.content !== undefined || moving) {
          const provider = this.models.get(settings.embedding_model);
          const content = input.content ?? current.content;
          embedding = {
            model: provider.model,
            vector: provider.inline ? vectorText((await provider.embed([content]))[0]) : null,
          };
        }
      }
      let row;
      try {
        row = await this.quotas.withStorageQuota(tenantId, async (tx) => {
          await this.repository.setChangeContext(tenantId, changeContext('api'), tx);
          if (createNamespace !== null) {
            await this.repository.ensureNamespace(tenantId, createNamespace, this.models.defaultModel, tx);
          }
          const updated = await this.repository.update(tenantId, id, input, embedding, tx, scope);
          if (!updated) {
            // Thrown inside the transaction: a namespace created for this move goes with it.
            throw new MemoryNotFoundError(`no memory ${id}`, { id });
          }
          return updated;
        });
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw await this.duplicateOf(tenantId, id, input.namespace, input.content, input);
        }
        if (isNamespaceMissing(error)) {
          throw namespaceNotFound(input.namespace!);
        }
        throw error;
      }
      if (embedding && embedding.vector === null) {
        await this.embeddingJobs.embedLater(tenantId, embedding.model, [id]);
      }
      this.audited(tenantId, 'memory_update', id);
      return toMemoryView(row);
    });
  }

  /**
   * Replaces memory `oldId` by a new memory in its namespace, atomically: the new memory is
   * created (type, metadata, tags, importance and source default to the old one's) and the old
   * one marked superseded by it, in one transaction, or nothing is written. The one entry point
   * for every feature that supersedes (the API, fact extraction, post-run rules): `reason` is
   * recorded in both memories' history. Errors: memory_not_found (no such live memory in this
   * tenant), memory_already_superseded (409; also the loser of two concurrent supersedes),
   * duplicate_content (409: the namespace already holds the new content), content_too_large,
   * relation_target_not_found.
   */
  async supersede(
    tenantId: string,
    oldId: string,
    input: SupersedeMemoryInput,
    reason: ChangeReason = 'api',
  ): Promise<SupersedeResultView> {
    return this.ops.write('supersede', tenantId, async () => {
      checkReason(reason);
      const old = await this.repository.get(tenantId, oldId);
      if (!old) {
        throw new MemoryNotFoundError(`no memory ${oldId}`, { id: oldId });
      }
      if (old.state === 'superseded') {
        throw alreadySuperseded(oldId, old.superseded_by);
      }
      const item: MemoryItemInput = {
        content: input.content,
        type: input.type ?? old.type,
        metadata: input.metadata ?? old.metadata,
        tags: input.tags ?? old.tags,
        importance: input.importance ?? old.importance,
        source: input.source ?? old.source ?? undefined,
        ttl_seconds: input.ttl_seconds,
        relations: input.relations,
        supersedes: oldId,
        // The successor stays in the old memory's scope: same user, agent and session.
        user_id: old.user_id ?? undefined,
        agent_id: old.agent_id ?? undefined,
        session_id: old.session_id ?? undefined,
      };
      const { rows, superseded } = await this.insert(tenantId, old.namespace, false, [item], reason, {
        targetMissing: () => new MemoryNotFoundError(`no memory ${oldId}`, { id: oldId }),
      });
      return { memory: toMemoryView(rows[0]), superseded: toMemoryView(superseded[0]) };
    });
  }

  /** Every version of a live memory, oldest first; 404 memory_not_found otherwise. */
  async history(tenantId: string, id: string): Promise<MemoryHistoryView> {
    return this.ops.observe('history', async () => {
      const rows = await this.repository.history(tenantId, id);
      if (rows.length === 0) {
        throw new MemoryNotFoundError(`no memory ${id}`, { id });
      }
      return {
        memory_id: id,
        versions: rows.map((row) => ({
          version: row.version,
          at: row.valid_from.toISOString(),
          change: row.change,
          reason: row.reason,
          actor: row.actor,
          key_id: row.key_id,
          namespace: row.namespace,
          content: row.content,
          type: row.type,
          metadata: row.metadata as MemoryView['metadata'],
          tags: row.tags,
          importance: row.importance,
          source: row.source,
          expires_at: row.expires_at?.toISOString() ?? null,
          state: row.state,
          superseded_by: row.superseded_by,
          supersedes: row.supersedes,
        })),
      };
    });
  }

  /**
   * Applies `change` to the memories `selection` picks (importance, expiry) in one statement and
   * returns them as they are now; `change` null only reads them (a dry run). Runs in the caller's
   * open transaction of the same tenant when there is one. One audit event covers the batch.
   */
  async updateMatching(
    tenantId: string,
    selection: MemorySelection,
    change: MemoryBulkChange | null,
  ): Promise<MatchedMemory[]> {
    const operation = change ? 'update_matching' : 'select_matching';
    const run = async (): Promise<MatchedMemory[]> => {
      const filters: MemoryFilters = { types: selection.types, tags: selection.tags, metadata: selection.metadata };
      const rows = await this.repository.updateMatching(
        tenantId,
        selection.namespace,
        filters,
        selection.limit,
        change,
      );
      if (change && rows.length > 0) {
        this.audit.record({
          tenant_id: tenantId,
          operation: 'memory_update_matching',
          key: selection.namespace,
          success: true,
          latency_ms: 0,
          affected: rows.length,
        });
      }
      return rows.map((row) => ({
        id: row.id,
        importance: row.importance,
        expires_at: row.expires_at?.toISOString() ?? null,
      }));
    };
    // A change is a write: cached reads of the tenant go stale; a dry run only reads.
    return change ? this.ops.write(operation, tenantId, run) : this.ops.observe(operation, run);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.ops.write('delete', tenantId, async () => {
      if (!(await this.repository.delete(tenantId, id, boundScope()))) {
        throw new MemoryNotFoundError(`no memory ${id}`, { id });
      }
      this.audited(tenantId, 'memory_delete', id);
    });
  }

  async related(tenantId: string, id: string, query: RelatedQuery): Promise<RelatedListView> {
    return this.ops.observe('related', async () => {
      const scope = boundScope();
      if (!(await this.repository.get(tenantId, id, scope))) {
        throw new MemoryNotFoundError(`no memory ${id}`, { id });
      }
      const rows = await this.repository.related(
        tenantId,
        id,
        query.depth,
        query.relation?.length ? query.relation : null,
        scope,
      );
      return {
        related: rows.map((row) => ({
          memory: toMemoryView(row),
          depth: row.depth,
          weight: row.weight,
          relation: row.relation,
        })),
      };
    });
  }

  async addRelations(
    tenantId: string,
    id: string,
    relations: { to: string; relation: string; weight: number }[],
  ): Promise<void> {
    await this.ops.write('relate', tenantId, async () => {
      const scope = boundScope();
      if ((scope.user_id !== null || scope.agent_id !== null) && !(await this.repository.get(tenantId, id, scope))) {
        throw new MemoryNotFoundError(`no memory ${id}`, { id });
      }
      const rows = relations.map((r) => ({ from_id: id, to_id: r.to, relation: r.relation, weight: r.weight }));
      if (!(await this.repository.insertRelations(tenantId, rows, undefined, scope))) {
        throw new RelationTargetNotFoundError('a related memory does not exist', { id });
      }
    });
  }

  /**
   * Items naming `supersedes` supersede that memory in the same transaction: the targets are
   * locked first, must be live, active and in `namespace`, and the new content must be new
   * (a duplicate would make an existing memory the successor, which could close a cycle).
   */
  private async insert(
    tenantId: string,
    namespace: string,
    createNamespace: boolean,
    items: (MemoryItemInput & { idempotency_key?: string })[],
    reason: ChangeReason = 'api',
    errors: { targetMissing?: (id: string) => Error } = {},
  ): Promise<{ rows: InsertedMemoryRow[]; superseded: MemoryRow[] }> {
    items.forEach((item, index) => this.checkSize(item.content, index));
    // A bound credential writes into its own scope (403 scope_mismatch for another), checked first.
    const scopes = items.map((item) => bindScope(item));
    const targets = items.flatMap((item, index) =>
      item.supersedes === undefined ? [] : [{ id: item.supersedes, index }],
    );
    // Fails fast (before any embedding) on an unknown namespace; the INSERT checks again.
    const settings = await this.namespaces.forWrite(tenantId, namespace, createNamespace);
    const provider = this.models.get(settings.embedding_model);
    const vectors = provider.inline ? await provider.embed(items.map((item) => item.content)) : null;
    const rowsIn: InsertMemoryItem[] = items.map((item, i) => ({
      user_id: scopes[i].user_id ?? null,
      agent_id: scopes[i].agent_id ?? null,
      session_id: item.session_id ?? null,
      occurred_at: item.occurred_at ?? null,
      idempotency_key: item.idempotency_key ?? null,
      content: item.content,
      type: item.type,
      metadata: item.metadata ?? null,
      tags: item.tags ?? null,
      importance: item.importance ?? null,
      source: item.source ?? null,
      ttl_seconds: item.ttl_seconds ?? null,
      embedding: vectors ? vectorText(vectors[i]) : null,
      supersedes: item.supersedes ?? null,
    }));
    const context = changeContext(reason);
    const provenance = { actor: context.actor, keyId: context.keyId };
    let superseded: MemoryRow[] = [];
    // One transaction: the namespace (when created), the rows, their edges, the max_memories and
    // storage_bytes counts commit or roll back together.
    const rows = await this.quotas
      .withStorageQuota(tenantId, async (tx) => {
        await this.repository.setChangeContext(tenantId, context, tx);
        if (targets.length > 0) {
          await this.checkSupersedeTargets(tenantId, namespace, targets, errors.targetMissing, tx);
        }
        const inserted = await this.repository.insertMany(
          tenantId,
          namespace,
          rowsIn,
          provenance,
          provider.model,
          this.models.defaultModel,
          createNamespace,
          tx,
        );
        const created = new Set(inserted.filter((row) => !row.duplicate).map((row) => row.id)).size;
        if (created > 0) {
          await this.quotas.reserve(tenantId, 'max_memories', created, tx);
        }
        // Repeated content maps to one row, so its copies' relations can name the same edge: one
        // edge each (the last weight wins, as a later request's would).
        const edges = new Map<string, RelationRow>();
        for (const row of inserted) {
          for (const relation of items[row.ord].relations ?? []) {
            edges.set(`${row.id} ${relation.relation} ${relation.to}`, {
              from_id: row.id,
              to_id: relation.to,
              relation: relation.relation,
              weight: relation.weight,
            });
          }
        }
        if (
          edges.size > 0 &&
          !(await this.repository.insertRelations(tenantId, [...edges.values()], tx, boundScope()))
        ) {
          throw new RelationTargetNotFoundError('a related memory does not exist in this tenant');
        }
        if (targets.length > 0) {
          const pairs = inserted.flatMap((row) => {
            const old = items[row.ord].supersedes;
            if (old === undefined) {
              return [];
            }
            // Repeated content in one batch maps to the row of its first occurrence: that row is
            // this item's successor only if it was inserted for this item.
            if (row.duplicate || row.supersedes !== old) {
              throw new DuplicateContentError('the namespace already holds this content; a successor must be new', {
                id: row.id,
                index: row.ord,
              });
            }
            return [{ old, new: row.id }];
          });
          superseded = await this.repository.markSuperseded(tenantId, pairs, tx);
          // Locked above, so this only fails if the checks missed a case: never write half of it.
          if (superseded.length !== pairs.length) {
            throw new Error('supersede: a locked target changed');
          }
          const order = new Map(pairs.map((pair, index) => [pair.old, index]));
          superseded.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
        }
        return inserted;
      })
      .catch((error: unknown) => {
        // The namespace was deleted between the lookup above and the INSERT.
        if (isNamespaceMissing(error)) {
          throw namespaceNotFound(namespace);
        }
        // Backstop of the row lock: the unique successor index of migration 0030.
        if (isSupersededTwice(error)) {
          throw new MemoryAlreadySupersededError('the memory was superseded by a concurrent request');
        }
        throw error;
      });

    // Repeated content inside one batch maps to one row: only its first occurrence is "created".
    const seen = new Set<string>();
    for (const row of rows) {
      row.duplicate = row.duplicate || seen.has(row.id);
      seen.add(row.id);
    }
    await this.queueEmbeddings(tenantId, namespace, settings.pending_embedding_model, rows);
    for (const row of rows) {
      if (!row.duplicate) {
        this.audited(tenantId, 'memory_create', row.id);
      }
    }
    for (const row of superseded) {
      this.audited(tenantId, 'memory_supersede', row.id);
    }
    return { rows, superseded };
  }

  private async checkSupersedeTargets(
    tenantId: string,
    namespace: string,
    targets: { id: string; index: number }[],
    targetMissing: ((id: string) => Error) | undefined,
    tx: Parameters<MemoriesRepository['lockSupersedeTargets']>[2],
  ): Promise<void> {
    const found = new Map(
      (
        await this.repository.lockSupersedeTargets(
          tenantId,
          targets.map((t) => t.id),
          tx,
        )
      ).map((row) => [row.id, row]),
    );
    for (const { id, index } of targets) {
      const target = found.get(id);
      if (!target) {
        throw targetMissing
          ? targetMissing(id)
          : new SupersedeTargetNotFoundError(`no memory ${id} to supersede`, { id, index });
      }
      if (target.state === 'superseded') {
        throw alreadySuperseded(id, target.superseded_by);
      }
      if (target.namespace !== namespace) {
        throw new SupersedeNamespaceMismatchError(`memory ${id} is in another namespace`, {
          id,
          index,
          namespace: target.namespace,
        });
      }
    }
  }

  private async queueEmbeddings(
    tenantId: string,
    namespace: string,
    pendingModel: string | null,
    rows: InsertedMemoryRow[],
  ): Promise<void> {
    const fresh = rows.filter((row) => !row.duplicate);
    const unembedded = fresh.filter((row) => row.embedding_status === 'pending').map((row) => row.id);
    if (unembedded.length > 0) {
      // Not embedded inline: a remote model, or the namespace switched model meanwhile.
      const current = await this.namespaces.settings(tenantId, namespace, true);
      if (current) {
        await this.embeddingJobs.embedLater(tenantId, current.embedding_model, unembedded);
      }
    }
    if (pendingModel !== null && fresh.length > 0) {
      await this.embeddingJobs.embedLater(
        tenantId,
        pendingModel,
        fresh.map((row) => row.id),
      );
    }
  }

  private checkSize(content: string, index: number): void {
    const bytes = Buffer.byteLength(content, 'utf8');
    this.valueSize.observe({ kind: 'memory' }, bytes);
    if (bytes > this.maxContentBytes) {
      throw new ContentTooLargeError(`content is ${bytes} bytes; the limit is ${this.maxContentBytes}`, {
        index,
        bytes,
        limit: this.maxContentBytes,
      });
    }
  }

  private audited(tenantId: string, operation: string, id: string): void {
    this.audit.record({ tenant_id: tenantId, operation, key: id, success: true, latency_ms: 0 });
  }
}
