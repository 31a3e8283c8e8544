import type { Readable } from 'node:stream';
import { Database, Queryable } from '@engram/db';
import { vectorText } from '@engram/embeddings';
import { readLines } from './jsonl';
import { TransferInputError, TransferTenantError } from './transfer.errors';
import {
  ExportHeader,
  ExportTrailer,
  FORMAT_NAME,
  FORMAT_VERSION,
  MemoryRecord,
  NamespaceRecord,
  PinRecord,
  RecordKind,
  RelationRecord,
  TransferRecord,
  parseLine,
} from './transfer.format';

/** How memories without a usable vector get one: the same two paths as a new write. */
export interface ImportEmbedder {
  /** For a model cheap enough to run inline (the local hash model): embeds before the insert. */
  inline(model: string): ((texts: string[]) => Promise<number[][]>) | null;
  /** Otherwise, after the batch committed: queue the embedding job for these memories. */
  queue(tenantId: string, model: string, memoryIds: string[]): Promise<void>;
}

export interface ImportOptions {
  tenantId: string;
  /** Create the target tenant (name, plan and quotas from the file's source tenant) if it does not exist. */
  createTenant: boolean;
  /** Records per transaction. */
  batchSize?: number;
  /** The model of namespaces the import creates; default: the model each had in the file. */
  embeddingModel?: string | null;
  embedder: ImportEmbedder;
  onBatch?: (progress: ImportResult) => void;
}

export interface ImportResult {
  header: ExportHeader | null;
  /** Records read, by kind. */
  records: ExportTrailer['counts'];
  /** Rows that did not exist before / existed and differed, by kind; a re-import of the same file counts none. */
  inserted: ExportTrailer['counts'];
  updated: ExportTrailer['counts'];
  /** Memories written with their exported vector. */
  vectorsKept: number;
  /** Memories left pending for an embedding job, by model. */
  pendingEmbedding: Record<string, number>;
  batches: number;
  trailer: boolean;
}

export const DEFAULT_IMPORT_BATCH = 1000;
/** A memory id list per embedding job: the worker embeds a job's memories in one call. */
const EMBED_JOB_SIZE = 256;

const emptyCounts = (): ExportTrailer['counts'] => ({ namespace: 0, pin: 0, memory: 0, relation: 0 });

interface Line<R extends TransferRecord = TransferRecord> {
  record: R;
  number: number;
}

/**
 * Reads an export (transfer.format.ts) and writes it into `tenantId`, `batchSize` records per
 * transaction under the target tenant's row-level security context. A batch commits whole or not
 * at all; a bad line stops the import with its line number, the batches before it stay, and a
 * re-run of the same file converges: every write is an upsert on the row's key that changes a
 * row only when it differs (ids are per tenant, as every primary key leads with tenant_id, so a
 * copy keeps them and relations stay consistent without any mapping).
 */
export async function importTenant(db: Database, options: ImportOptions, input: Readable): Promise<ImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH;
  const result: ImportResult = {
    header: null,
    records: emptyCounts(),
    inserted: emptyCounts(),
    updated: emptyCounts(),
    vectorsKept: 0,
    pendingEmbedding: {},
    batches: 0,
    trailer: false,
  };
  const writer = new BatchWriter(db, options, result);
  let batch: Line[] = [];
  let trailer: { counts: ExportTrailer['counts']; line: number } | null = null;

  for await (const { line, number } of readLines(input)) {
    if (line.trim() === '') {
      continue;
    }
    let parsed;
    try {
      parsed = parseLine(line);
    } catch (error) {
      throw new TransferInputError((error as Error).message, number);
    }
    if (result.header === null) {
      if (parsed.kind !== 'header') {
        throw new TransferInputError(`the first line must be the ${FORMAT_NAME} header`, number);
      }
      if (parsed.header.version > FORMAT_VERSION) {
        throw new TransferInputError(
          `format version ${parsed.header.version} is newer than this engram reads (${FORMAT_VERSION})`,
          number,
        );
      }
      result.header = parsed.header;
      await writer.prepareTenant(parsed.header);
      continue;
    }
    if (trailer !== null) {
      throw new TransferInputError('nothing may follow the trailer line', number);
    }
    if (parsed.kind === 'header') {
      throw new TransferInputError('a second header', number);
    }
    if (parsed.kind === 'trailer') {
      trailer = { counts: parsed.trailer.counts, line: number };
      continue;
    }
    result.records[parsed.record.kind] += 1;
    batch.push({ record: parsed.record, number });
    if (batch.length >= batchSize) {
      await writer.write(batch);
      batch = [];
    }
  }
  if (result.header === null) {
    throw new TransferInputError('the input is empty: no header line');
  }
  if (batch.length > 0) {
    await writer.write(batch);
  }
  if (trailer !== null) {
    result.trailer = true;
    const differs = (Object.keys(trailer.counts) as RecordKind[]).filter(
      (kind) => trailer.counts[kind] !== result.records[kind],
    );
    if (differs.length > 0) {
      throw new TransferInputError(
        `the trailer counts ${differs.map((kind) => `${trailer.counts[kind]} ${kind}`).join(', ')} but the file holds ` +
          `${differs.map((kind) => `${result.records[kind]} ${kind}`).join(', ')} (records were added or removed)`,
        trailer.line,
      );
    }
  }
  await writer.linkSupersedes();
  await writer.analyze();
  return result;
}

/** A Postgres error that says the data is wrong (data exception, integrity violation), not the server. */
function isDataError(error: unknown): error is Error & { code: string; detail?: string } {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

class BatchWriter {
  /** Target namespace → its embedding model, as the import created or found it. */
  private readonly models = new Map<string, string>();
  private touched = false;

  constructor(
    private readonly db: Database,
    private readonly options: ImportOptions,
    private readonly result: ImportResult,
  ) {}

  /** The target tenant must exist and not be on its way out; `createTenant` creates it. */
  async prepareTenant(header: ExportHeader): Promise<void> {
    const tenantId = this.options.tenantId;
    await this.db.withTenant(tenantId, async (tx) => {
      const [tenant] = await tx.query<{ status: string }>(`SELECT status FROM tenants WHERE id = $1`, [tenantId]);
      if (tenant?.status === 'pending_deletion') {
        throw new TransferTenantError(`tenant ${tenantId} is being erased`);
      }
      if (tenant) {
        return;
      }
      if (!this.options.createTenant) {
        throw new TransferTenantError(`no tenant ${tenantId} (create it first, or pass --create-tenant)`);
      }
      // As TenantsService creates one: the registry row and its usage counters.
      await tx.query(
        `INSERT INTO tenants (id, name, plan, quotas) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (id) DO NOTHING`,
        [
          tenantId,
          header.source.tenant === tenantId ? header.source.name : tenantId,
          header.source.plan,
          JSON.stringify(header.source.quotas),
        ],
      );
      await tx.query('INSERT INTO tenant_usage (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING', [tenantId]);
    });
  }

  async write(batch: Line[]): Promise<void> {
    const byKind = (kind: RecordKind) => batch.filter((line) => line.record.kind === kind);
    const namespaces = byKind('namespace') as Line<NamespaceRecord>[];
    const pins = byKind('pin') as Line<PinRecord>[];
    const memories = byKind('memory') as Line<MemoryRecord>[];
    const relations = byKind('relation') as Line<RelationRecord>[];
    unique(namespaces, (r) => r.name, 'namespace');
    unique(pins, (r) => r.key, 'pin key');
    unique(memories, (r) => r.id, 'memory id');
    unique(relations, (r) => `${r.from} ${r.relation} ${r.to}`, 'relation');

    const first = batch[0].number;
    const last = batch[batch.length - 1].number;
    const pending = new Map<string, string[]>();
    const models = new Map(this.models);
    try {
      await this.db.withTenant(this.options.tenantId, async (tx) => {
        // The version rows the memory triggers write say `import` (migration 0031).
        await tx.query(`SELECT set_config('engram.change_reason', 'import', true)`);
        await this.namespaces(tx, namespaces, models);
        await this.pins(tx, pins);
        await this.memories(tx, memories, models, pending);
        await this.relations(tx, relations);
        const added = { pins: this.delta.pin, memories: this.delta.memory };
        if (added.pins > 0 || added.memories > 0) {
          // The quota counters move with the rows, as the app's writes move them (QuotaService).
          // Counted, not enforced: an operator's import may leave a tenant over its quota.
          await tx.query(
            `UPDATE tenant_usage SET pins = pins + $2, memories = memories + $3, updated_at = now() WHERE tenant_id = $1`,
            [this.options.tenantId, added.pins, added.memories],
          );
        }
      });
    } catch (error) {
      this.delta = emptyCounts();
      this.changed = emptyCounts();
      this.pendingVectorsKept = 0;
      if (error instanceof TransferInputError || error instanceof TransferTenantError) {
        throw error;
      }
      if (isDataError(error)) {
        throw new TransferInputError(
          `lines ${first}–${last} were not imported (this batch rolled back): ${error.message}` +
            (error.detail ? ` (${error.detail})` : ''),
        );
      }
      throw error;
    }
    for (const kind of Object.keys(this.delta) as RecordKind[]) {
      this.result.inserted[kind] += this.delta[kind];
      this.result.updated[kind] += this.changed[kind];
    }
    if (Object.values(this.delta).some((n) => n > 0) || Object.values(this.changed).some((n) => n > 0)) {
      this.touched = true;
    }
    this.result.vectorsKept += this.pendingVectorsKept;
    this.delta = emptyCounts();
    this.changed = emptyCounts();
    this.pendingVectorsKept = 0;
    for (const [name, model] of models) {
      this.models.set(name, model);
    }
    this.result.batches += 1;
    for (const [model, ids] of pending) {
      this.result.pendingEmbedding[model] = (this.result.pendingEmbedding[model] ?? 0) + ids.length;
      for (let i = 0; i < ids.length; i += EMBED_JOB_SIZE) {
        await this.options.embedder.queue(this.options.tenantId, model, ids.slice(i, i + EMBED_JOB_SIZE));
      }
    }
    this.options.onBatch?.(this.result);
  }

  /**
   * The memories' histories from the file, after the memories (whose triggers have just written
   * an `import` version for each new or changed one): a file's version replaces the one with its
   * number, so a new memory's history is exactly the exported one. A target memory changed by
   * this import keeps the version that records that change. Unchanged versions are not written.
   */
  private async versions(tx: Queryable, lines: Line<MemoryRecord>[]): Promise<void> {
    const input = lines.flatMap(({ record }) => (record.versions ?? []).map((v) => ({ memory_id: record.id, ...v })));
    if (input.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO memory_versions AS v (tenant_id, memory_id, version, valid_from, change, reason, actor, key_id,
                                         namespace, content, type, metadata, tags, importance, source, expires_at,
                                         state, superseded_by, supersedes)
       SELECT $1, x.memory_id, x.version, x.at, x.change, x.reason, x.actor, x.key_id, x.namespace, x.content, x.type,
              x.metadata, x.tags, x.importance, x.source, x.expires_at, x.state, x.superseded_by, x.supersedes
         FROM json_to_recordset($2::json) AS x(memory_id uuid, version int, at timestamptz, change text, reason text,
                actor text, key_id text, namespace text, content text, type text, metadata jsonb, tags text[],
                importance real, source text, expires_at timestamptz, state text, superseded_by uuid, supersedes uuid)
        ORDER BY x.memory_id, x.version
       ON CONFLICT (tenant_id, memory_id, version) DO UPDATE SET
         valid_from = EXCLUDED.valid_from, change = EXCLUDED.change, reason = EXCLUDED.reason, actor = EXCLUDED.actor,
         key_id = EXCLUDED.key_id, namespace = EXCLUDED.namespace, content = EXCLUDED.content, type = EXCLUDED.type,
         metadata = EXCLUDED.metadata, tags = EXCLUDED.tags, importance = EXCLUDED.importance,
         source = EXCLUDED.source, expires_at = EXCLUDED.expires_at, state = EXCLUDED.state,
         superseded_by = EXCLUDED.superseded_by, supersedes = EXCLUDED.supersedes
       WHERE (v.valid_from, v.change, v.reason, v.actor, v.key_id, v.namespace, v.content, v.type, v.metadata, v.tags,
              v.importance, v.source, v.expires_at, v.state, v.superseded_by, v.supersedes)
             IS DISTINCT FROM (EXCLUDED.valid_from, EXCLUDED.change, EXCLUDED.reason, EXCLUDED.actor, EXCLUDED.key_id,
                               EXCLUDED.namespace, EXCLUDED.content, EXCLUDED.type, EXCLUDED.metadata, EXCLUDED.tags,
                               EXCLUDED.importance, EXCLUDED.source, EXCLUDED.expires_at, EXCLUDED.state,
                               EXCLUDED.superseded_by, EXCLUDED.supersedes)`,
      [this.options.tenantId, JSON.stringify(input)],
    );
  }

  /** Supersede links of the memories written, set once every memory is in (they point either way). */
  private readonly links: { id: string; superseded_by: string | null; supersedes: string | null }[] = [];

  /**
   * Sets the supersede links after the last batch: a link may name a memory of a later batch.
   * A link to a memory the target tenant does not hold (left out by a namespace filter) is not
   * set. Links the target has and the file does not are kept. Re-runs change nothing.
   */
  async linkSupersedes(): Promise<void> {
    for (let i = 0; i < this.links.length; i += 1000) {
      const chunk = this.links.slice(i, i + 1000);
      await this.db
        .withTenant(this.options.tenantId, async (tx) => {
          await tx.query(
            `WITH x AS (
             SELECT x.id,
                    (SELECT t.id FROM memories t WHERE t.tenant_id = $1 AND t.id = x.superseded_by) AS superseded_by,
                    (SELECT t.id FROM memories t WHERE t.tenant_id = $1 AND t.id = x.supersedes) AS supersedes
               FROM json_to_recordset($2::json) AS x(id uuid, superseded_by uuid, supersedes uuid)
           )
           UPDATE memories m SET superseded_by = coalesce(x.superseded_by, m.superseded_by),
                                 supersedes = coalesce(x.supersedes, m.supersedes)
             FROM x
            WHERE m.tenant_id = $1 AND m.id = x.id
              AND (m.superseded_by, m.supersedes) IS DISTINCT FROM
                  (coalesce(x.superseded_by, m.superseded_by), coalesce(x.supersedes, m.supersedes))`,
            [this.options.tenantId, JSON.stringify(chunk)],
          );
        })
        .catch((error: unknown) => {
          // A second successor for one memory (memories_supersedes_key), as a data error.
          throw isDataError(error)
            ? new TransferInputError(
                `supersede links were not set: ${error.message}` + (error.detail ? ` (${error.detail})` : ''),
              )
            : error;
        });
    }
  }

  /** Rows inserted / updated by the batch being written, by kind (folded into the result on commit). */
  private delta = emptyCounts();
  private changed = emptyCounts();
  private pendingVectorsKept = 0;

  private count(kind: RecordKind, rows: { inserted: boolean }[]): void {
    for (const row of rows) {
      if (row.inserted) {
        this.delta[kind] += 1;
      } else {
        this.changed[kind] += 1;
      }
    }
  }

  /**
   * A namespace the target already has keeps its id and its embedding model (its vectors are of
   * that model); the other settings follow the file. A re-embed in progress in the source is not
   * carried over: the import's vectors and jobs are all for the model the namespace ends up with.
   */
  private async namespaces(tx: Queryable, lines: Line<NamespaceRecord>[], models: Map<string, string>): Promise<void> {
    if (lines.length === 0) {
      return;
    }
    const input = lines.map(({ record: r }) => ({
      name: r.name,
      id: r.id,
      description: r.description,
      default_token_budget: r.default_token_budget,
      embedding_model: this.options.embeddingModel ?? r.embedding_model,
      retention_days: r.retention_days,
      created_at: r.created_at,
      updated_at: r.updated_at,
    }));
    const rows = await tx.query<{ name: string; embedding_model: string; inserted: boolean }>(
      `INSERT INTO namespaces AS n (tenant_id, name, id, description, default_token_budget, embedding_model,
                                    retention_days, created_at, updated_at)
       SELECT $1, x.name, x.id, x.description, x.default_token_budget, x.embedding_model, x.retention_days,
              x.created_at, x.updated_at
         FROM json_to_recordset($2::json) AS x(name text, id uuid, description text, default_token_budget int,
                                               embedding_model text, retention_days int,
                                               created_at timestamptz, updated_at timestamptz)
        ORDER BY x.name
       ON CONFLICT (tenant_id, name) DO UPDATE SET
         description = EXCLUDED.description, default_token_budget = EXCLUDED.default_token_budget,
         retention_days = EXCLUDED.retention_days, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
       WHERE (n.description, n.default_token_budget, n.retention_days, n.created_at, n.updated_at)
             IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.default_token_budget, EXCLUDED.retention_days,
                               EXCLUDED.created_at, EXCLUDED.updated_at)
       RETURNING n.name, n.embedding_model, (xmax = 0) AS inserted`,
      [this.options.tenantId, JSON.stringify(input)],
    );
    this.count('namespace', rows);
    // Unchanged namespaces return no row: their models are read like any other target's.
    await this.resolveModels(
      tx,
      lines.map((line) => line.record.name),
      models,
    );
  }

  private async resolveModels(tx: Queryable, names: string[], models: Map<string, string>): Promise<void> {
    const unknown = [...new Set(names)].filter((name) => !models.has(name));
    if (unknown.length === 0) {
      return;
    }
    const rows = await tx.query<{ name: string; embedding_model: string }>(
      `SELECT name, embedding_model FROM namespaces WHERE tenant_id = $1 AND name = ANY ($2::text[])`,
      [this.options.tenantId, unknown],
    );
    for (const row of rows) {
      models.set(row.name, row.embedding_model);
    }
  }

  private async pins(tx: Queryable, lines: Line<PinRecord>[]): Promise<void> {
    if (lines.length === 0) {
      return;
    }
    // The value travels as its JSON text: a JSON null is a value here, not a missing column.
    const input = lines.map(({ record: r }) => ({
      key: r.key,
      id: r.id,
      value: JSON.stringify(r.value),
      source: r.source,
      created_at: r.created_at,
      updated_at: r.updated_at,
      expires_at: r.expires_at,
    }));
    const rows = await tx.query<{ inserted: boolean }>(
      `INSERT INTO memory_pins AS p (tenant_id, key, id, value, source, created_at, updated_at, expires_at)
       SELECT $1, x.key, x.id, x.value::jsonb, x.source, x.created_at, x.updated_at, x.expires_at
         FROM json_to_recordset($2::json) AS x(key text, id uuid, value text, source text, created_at timestamptz,
                                               updated_at timestamptz, expires_at timestamptz)
        ORDER BY x.key COLLATE "C"
       ON CONFLICT (tenant_id, key) DO UPDATE SET
         id = EXCLUDED.id, value = EXCLUDED.value, source = EXCLUDED.source, created_at = EXCLUDED.created_at,
         updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at
       WHERE (p.id, p.value, p.source, p.created_at, p.updated_at, p.expires_at)
             IS DISTINCT FROM (EXCLUDED.id, EXCLUDED.value, EXCLUDED.source, EXCLUDED.created_at,
                               EXCLUDED.updated_at, EXCLUDED.expires_at)
       RETURNING (xmax = 0) AS inserted`,
      [this.options.tenantId, JSON.stringify(input)],
    );
    this.count('pin', rows);
  }

  /**
   * A memory keeps its exported vector when it is of the model its target namespace embeds with;
   * otherwise it is embedded inline (a local model) or left pending with a job queued after the
   * commit, as a new write would be. A memory that existed with other text or in another
   * namespace loses its old vectors with it.
   */
  private async memories(
    tx: Queryable,
    lines: Line<MemoryRecord>[],
    models: Map<string, string>,
    pending: Map<string, string[]>,
  ): Promise<void> {
    if (lines.length === 0) {
      return;
    }
    await this.resolveModels(
      tx,
      lines.map((line) => line.record.namespace),
      models,
    );
    const missing = lines.find((line) => !models.has(line.record.namespace));
    if (missing) {
      throw new TransferInputError(
        `namespace ${missing.record.namespace} is neither in the target tenant nor earlier in the file`,
        missing.number,
      );
    }
    /** Each memory's passage vectors, in passage order. */
    const vectors = new Map<string, string[]>();
    const toEmbed = new Map<string, MemoryRecord[]>();
    for (const { record } of lines) {
      const model = models.get(record.namespace)!;
      const kept = (record.embeddings ?? [])
        .filter((embedding) => embedding.model === model)
        .sort((a, b) => a.passage - b.passage);
      if (kept.length > 0 && kept.every((embedding, i) => embedding.passage === i)) {
        // As exported: pgvector printed each float in its shortest exact form, so the text
        // JSON gives back is the stored vector (rounding it again would only cost time).
        vectors.set(
          record.id,
          kept.map((embedding) => JSON.stringify(embedding.vector)),
        );
      } else if (this.options.embedder.inline(model)) {
        toEmbed.set(model, [...(toEmbed.get(model) ?? []), record]);
      }
    }
    const kept = vectors.size;
    for (const [model, records] of toEmbed) {
      const embedded = await this.options.embedder.inline(model)!(records.map((record) => record.content));
      records.forEach((record, i) => vectors.set(record.id, [vectorText(embedded[i])]));
    }
    const input = lines.map(({ record: r }) => ({
      id: r.id,
      namespace: r.namespace,
      content: r.content,
      type: r.type,
      metadata: r.metadata,
      tags: r.tags,
      importance: r.importance,
      source: r.provenance.source,
      actor: r.provenance.actor,
      created_by_key: r.provenance.created_by_key,
      access_count: r.access_count,
      last_accessed_at: r.last_accessed_at,
      expires_at: r.expires_at,
      created_at: r.created_at,
      updated_at: r.updated_at,
      user_id: r.user_id,
      agent_id: r.agent_id,
      session_id: r.session_id,
      occurred_at: r.occurred_at,
      idempotency_key: r.idempotency_key,
      status: vectors.has(r.id) ? 'ready' : 'pending',
      state: r.state,
      superseded_at: r.superseded_at,
    }));
    for (const { record: r } of lines) {
      if (r.superseded_by !== null || r.supersedes !== null) {
        this.links.push({ id: r.id, superseded_by: r.superseded_by, supersedes: r.supersedes });
      }
    }
    // `old` sees the rows as they were before this statement (one snapshot for the whole WITH).
    const rows = await tx.query<{ id: string; inserted: boolean; moved: boolean; status: string }>(
      `WITH input AS (
         SELECT * FROM json_to_recordset($2::json) AS x(id uuid, namespace text, content text, type text, metadata jsonb,
                  tags text[], importance real, source text, actor text, created_by_key text, access_count bigint,
                  last_accessed_at timestamptz, expires_at timestamptz, created_at timestamptz, updated_at timestamptz,
                  status text, user_id text, agent_id text, session_id text, occurred_at timestamptz, idempotency_key text,
                  state text, superseded_at timestamptz)
       ),
       old AS (SELECT m.id, m.namespace, m.content FROM memories m JOIN input i ON m.tenant_id = $1 AND m.id = i.id),
       up AS (
         INSERT INTO memories AS m (tenant_id, id, namespace, content, type, metadata, tags, importance, source, actor,
                                    created_by_key, access_count, last_accessed_at, expires_at, embedding_status,
                                    created_at, updated_at, user_id, agent_id, session_id, occurred_at, idempotency_key,
                                    state, superseded_at)
         SELECT $1, i.id, i.namespace, i.content, i.type, i.metadata, i.tags, i.importance, i.source, i.actor,
                i.created_by_key, i.access_count, i.last_accessed_at, i.expires_at, i.status, i.created_at, i.updated_at,
                i.user_id, i.agent_id, i.session_id, i.occurred_at, i.idempotency_key, i.state, i.superseded_at
           FROM input i ORDER BY i.id
         ON CONFLICT (tenant_id, id) DO UPDATE SET
           namespace = EXCLUDED.namespace, content = EXCLUDED.content, type = EXCLUDED.type,
           metadata = EXCLUDED.metadata, tags = EXCLUDED.tags, importance = EXCLUDED.importance,
           source = EXCLUDED.source, actor = EXCLUDED.actor, created_by_key = EXCLUDED.created_by_key,
           access_count = EXCLUDED.access_count, last_accessed_at = EXCLUDED.last_accessed_at,
           expires_at = EXCLUDED.expires_at, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
           user_id = EXCLUDED.user_id, agent_id = EXCLUDED.agent_id, session_id = EXCLUDED.session_id,
           occurred_at = EXCLUDED.occurred_at, idempotency_key = EXCLUDED.idempotency_key,
           state = EXCLUDED.state, superseded_at = EXCLUDED.superseded_at,
           embedding_status = CASE
             WHEN EXCLUDED.embedding_status = 'ready' THEN 'ready'
             WHEN (m.namespace, m.content) IS NOT DISTINCT FROM (EXCLUDED.namespace, EXCLUDED.content) THEN m.embedding_status
             ELSE 'pending' END
         WHERE (m.namespace, m.content, m.type, m.metadata, m.tags, m.importance, m.source, m.actor, m.created_by_key,
                m.access_count, m.last_accessed_at, m.expires_at, m.created_at, m.updated_at,
                m.user_id, m.agent_id, m.session_id, m.occurred_at, m.idempotency_key, m.state, m.superseded_at)
               IS DISTINCT FROM (EXCLUDED.namespace, EXCLUDED.content, EXCLUDED.type, EXCLUDED.metadata, EXCLUDED.tags,
                                 EXCLUDED.importance, EXCLUDED.source, EXCLUDED.actor, EXCLUDED.created_by_key,
                                 EXCLUDED.access_count, EXCLUDED.last_accessed_at, EXCLUDED.expires_at,
                                 EXCLUDED.created_at, EXCLUDED.updated_at, EXCLUDED.user_id, EXCLUDED.agent_id,
                                 EXCLUDED.session_id, EXCLUDED.occurred_at, EXCLUDED.idempotency_key,
                                 EXCLUDED.state, EXCLUDED.superseded_at)
            OR (EXCLUDED.embedding_status = 'ready' AND m.embedding_status <> 'ready')
         RETURNING m.id, (xmax = 0) AS inserted, m.embedding_status AS status
       )
       SELECT up.id, up.inserted, up.status,
              (o.id IS NOT NULL AND (o.namespace, o.content) IS DISTINCT FROM (i.namespace, i.content)) AS moved
         FROM up JOIN input i ON i.id = up.id LEFT JOIN old o ON o.id = up.id`,
      [this.options.tenantId, JSON.stringify(input)],
    );
    this.count('memory', rows);
    await this.versions(tx, lines);
    const moved = rows.filter((row) => row.moved).map((row) => row.id);
    if (moved.length > 0) {
      await tx.query(`DELETE FROM memory_embeddings WHERE tenant_id = $1 AND memory_id = ANY ($2::uuid[])`, [
        this.options.tenantId,
        moved,
      ]);
    }
    const written = lines.filter(({ record }) => vectors.has(record.id));
    const writes = written.flatMap(({ record }) =>
      vectors.get(record.id)!.map((vector, passage) => ({
        id: record.id,
        model: models.get(record.namespace)!,
        namespace: record.namespace,
        passage,
        vector,
      })),
    );
    if (writes.length > 0) {
      // Passages beyond the file's count (the memory had more before) go first.
      await tx.query(
        `DELETE FROM memory_embeddings e
          USING json_to_recordset($2::json) AS x(id uuid, model text, passages int)
          WHERE e.tenant_id = $1 AND e.memory_id = x.id AND e.model = x.model AND e.passage >= x.passages`,
        [
          this.options.tenantId,
          JSON.stringify(
            written.map(({ record }) => ({
              id: record.id,
              model: models.get(record.namespace)!,
              passages: vectors.get(record.id)!.length,
            })),
          ),
        ],
      );
      await tx.query(
        `INSERT INTO memory_embeddings AS e (tenant_id, memory_id, model, namespace, passage, embedding)
         SELECT $1, x.id, x.model, x.namespace, x.passage, x.vector::vector
           FROM json_to_recordset($2::json) AS x(id uuid, model text, namespace text, passage int, vector text)
          ORDER BY x.id, x.passage
         ON CONFLICT (tenant_id, memory_id, model, passage) DO UPDATE SET embedding = EXCLUDED.embedding, namespace = EXCLUDED.namespace
         WHERE (e.embedding::text, e.namespace) IS DISTINCT FROM (EXCLUDED.embedding::text, EXCLUDED.namespace)`,
        [this.options.tenantId, JSON.stringify(writes)],
      );
    }
    this.pendingVectorsKept += kept;
    // Pending: written (or rewritten) here without a vector. Unchanged rows are not returned: a
    // re-import queues nothing new.
    const namespaceOf = new Map(lines.map(({ record }) => [record.id, record.namespace]));
    for (const row of rows) {
      if (row.status === 'pending') {
        const model = models.get(namespaceOf.get(row.id)!)!;
        pending.set(model, [...(pending.get(model) ?? []), row.id]);
      }
    }
  }

  /** Both ends must be in the target tenant: earlier in the file, or there already. */
  private async relations(tx: Queryable, lines: Line<RelationRecord>[]): Promise<void> {
    if (lines.length === 0) {
      return;
    }
    const input = lines.map(({ record: r }) => ({
      from_id: r.from,
      relation: r.relation,
      to_id: r.to,
      weight: r.weight,
      created_at: r.created_at,
    }));
    const rows = await tx.query<{ inserted: boolean }>(
      `INSERT INTO memory_relations AS r (tenant_id, from_id, relation, to_id, weight, created_at)
       SELECT $1, x.from_id, x.relation, x.to_id, x.weight, x.created_at
         FROM json_to_recordset($2::json) AS x(from_id uuid, relation text, to_id uuid, weight real, created_at timestamptz)
        ORDER BY x.from_id, x.relation, x.to_id
       ON CONFLICT (tenant_id, from_id, relation, to_id) DO UPDATE SET weight = EXCLUDED.weight, created_at = EXCLUDED.created_at
       WHERE (r.weight, r.created_at) IS DISTINCT FROM (EXCLUDED.weight, EXCLUDED.created_at)
       RETURNING (xmax = 0) AS inserted`,
      [this.options.tenantId, JSON.stringify(input)],
    );
    this.count('relation', rows);
  }

  /**
   * A bulk load changes the tables' statistics far faster than autovacuum notices (and PGlite has
   * none): plans for the tenant's searches would run on stale estimates. ANALYZE needs the tables'
   * owner, hence the login role; it reads a sample, not the tables.
   */
  async analyze(): Promise<void> {
    if (!this.touched) {
      return;
    }
    await this.db.crossTenant(async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = 0`);
      await tx.query(
        `ANALYZE namespaces, memory_pins, memories, memory_embeddings, memory_relations,
                 memory_lexical_postings, memory_lexical_terms, memory_lexical_stats, tenant_usage`,
      );
    });
  }
}

function unique<R extends TransferRecord>(lines: Line<R>[], key: (record: R) => string, what: string): void {
  const seen = new Map<string, number>();
  for (const { record, number } of lines) {
    const value = key(record);
    const earlier = seen.get(value);
    if (earlier !== undefined) {
      throw new TransferInputError(`${what} ${value} appears twice in one batch (also line ${earlier})`, number);
    }
    seen.set(value, number);
  }
}
