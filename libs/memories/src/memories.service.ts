import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AuditService } from '@engram/audit';
import { QuotaService } from '@engram/tenants';
import { decodeCursor, encodeCursor, isStorableTimestamp, requestContext } from '@engram/common';
import { ConfigService } from '@engram/config';
import { MetricsService, VALUE_SIZE_BUCKETS } from '@engram/metrics';
import { Database } from '@engram/db';
import { EmbeddingModels, vectorText } from '@engram/embeddings';
import {
  BatchCreateInput,
  CreateMemoryInput,
  CreatedMemoryView,
  BatchResultView,
  ListMemoriesQuery,
  MemoryItemInput,
  MemoryListView,
  MemoryView,
  RelatedQuery,
  RelatedListView,
  UpdateMemoryInput,
  memoryIdSchema,
} from './memories.dto';
import {
  ContentTooLargeError,
  DuplicateContentError,
  MemoryNotFoundError,
  RelationTargetNotFoundError,
} from './memories.errors';
import { EmbeddingJobs } from './memories.embedding';
import {
  InsertMemoryItem,
  InsertedMemoryRow,
  ListCursor,
  MemoriesRepository,
  RelationRow,
  isNamespaceMissing,
} from './memories.repository';
import { MemoryOperations } from './memory-operations';
import { toMemoryView } from './memory-sql';
import { NamespacesService, namespaceNotFound } from './namespaces.service';

/**
 * A memory list cursor: `created_at` as Postgres printed it and the id. Both parts go into SQL
 * casts (::timestamptz, ::uuid): anything Postgres would refuse is a 400 here.
 */
const memoryCursorSchema = z.strictObject({ c: z.string().refine(isStorableTimestamp), i: memoryIdSchema });

function toListCursor(raw: string): ListCursor {
  const { c, i } = decodeCursor(raw, memoryCursorSchema);
  return { createdAt: c, id: i };
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
      const [row] = await this.insert(tenantId, input.namespace, input.create_namespace === true, [input]);
      return { ...toMemoryView(row), duplicate: row.duplicate };
    });
  }

  /**
   * All or nothing: one transaction, one multi-row INSERT. Any invalid item (too large, a
   * relation to an unknown memory) rejects the whole batch and nothing is written.
   */
  async createBatch(tenantId: string, input: BatchCreateInput): Promise<BatchResultView> {
    return this.ops.write('create_batch', tenantId, async () => {
      const rows = await this.insert(tenantId, input.namespace, input.create_namespace === true, input.memories);
      const memories = rows.map((row) => ({ ...toMemoryView(row), duplicate: row.duplicate }));
      const created = memories.filter((memory) => !memory.duplicate).length;
      return { memories, created, duplicates: memories.length - created };
    });
  }

  async get(tenantId: string, id: string): Promise<MemoryView> {
    return this.ops.observe('get', async () => {
      const row = await this.repository.get(tenantId, id);
      if (!row) {
        throw new MemoryNotFoundError(`no memory ${id}`, { id });
      }
      return toMemoryView(row);
    });
  }

  async list(tenantId: string, query: ListMemoriesQuery): Promise<MemoryListView> {
    return this.ops.observe('list', async () => {
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
        },
        after: query.cursor === undefined ? null : toListCursor(query.cursor),
        limit: query.limit,
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
  ): Promise<DuplicateContentError> {
    const current = await this.repository.get(tenantId, id);
    const existing = current
      ? await this.repository.idByContent(tenantId, namespace ?? current.namespace, content ?? current.content)
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
      let embedding: { model: string; vector: string | null } | null = null;
      let createNamespace: string | null = null;
      if (input.content !== undefined) {
        this.checkSize(input.content, 0);
      }
      if (input.content !== undefined || input.namespace !== undefined) {
        const current = await this.repository.get(tenantId, id);
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
          if (createNamespace !== null) {
            await this.repository.ensureNamespace(tenantId, createNamespace, this.models.defaultModel, tx);
          }
          const updated = await this.repository.update(tenantId, id, input, embedding, tx);
          if (!updated) {
            // Thrown inside the transaction: a namespace created for this move goes with it.
            throw new MemoryNotFoundError(`no memory ${id}`, { id });
          }
          return updated;
        });
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw await this.duplicateOf(tenantId, id, input.namespace, input.content);
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

  async delete(tenantId: string, id: string): Promise<void> {
    await this.ops.write('delete', tenantId, async () => {
      if (!(await this.repository.delete(tenantId, id))) {
        throw new MemoryNotFoundError(`no memory ${id}`, { id });
      }
      this.audited(tenantId, 'memory_delete', id);
    });
  }

  async related(tenantId: string, id: string, query: RelatedQuery): Promise<RelatedListView> {
    return this.ops.observe('related', async () => {
      if (!(await this.repository.get(tenantId, id))) {
        throw new MemoryNotFoundError(`no memory ${id}`, { id });
      }
      const rows = await this.repository.related(
        tenantId,
        id,
        query.depth,
        query.relation?.length ? query.relation : null,
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
      const rows = relations.map((r) => ({ from_id: id, to_id: r.to, relation: r.relation, weight: r.weight }));
      if (!(await this.repository.insertRelations(tenantId, rows))) {
        throw new RelationTargetNotFoundError('a related memory does not exist', { id });
      }
    });
  }

  private async insert(
    tenantId: string,
    namespace: string,
    createNamespace: boolean,
    items: MemoryItemInput[],
  ): Promise<InsertedMemoryRow[]> {
    items.forEach((item, index) => this.checkSize(item.content, index));
    // Fails fast (before any embedding) on an unknown namespace; the INSERT checks again.
    const settings = await this.namespaces.forWrite(tenantId, namespace, createNamespace);
    const provider = this.models.get(settings.embedding_model);
    const vectors = provider.inline ? await provider.embed(items.map((item) => item.content)) : null;
    const rowsIn: InsertMemoryItem[] = items.map((item, i) => ({
      content: item.content,
      type: item.type,
      metadata: item.metadata ?? null,
      tags: item.tags ?? null,
      importance: item.importance ?? null,
      source: item.source ?? null,
      ttl_seconds: item.ttl_seconds ?? null,
      embedding: vectors ? vectorText(vectors[i]) : null,
    }));
    const principal = requestContext.current()?.principal;
    const provenance = { actor: principal?.actor ?? null, keyId: principal?.keyId ?? null };
    // One transaction: the namespace (when created), the rows, their edges, the max_memories and
    // storage_bytes counts commit or roll back together.
    const rows = await this.quotas
      .withStorageQuota(tenantId, async (tx) => {
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
        if (edges.size > 0 && !(await this.repository.insertRelations(tenantId, [...edges.values()], tx))) {
          throw new RelationTargetNotFoundError('a related memory does not exist in this tenant');
        }
        return inserted;
      })
      .catch((error: unknown) => {
        // The namespace was deleted between the lookup above and the INSERT.
        throw isNamespaceMissing(error) ? namespaceNotFound(namespace) : error;
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
    return rows;
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
