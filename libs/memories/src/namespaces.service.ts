import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EmbeddingModels, LOCAL_HASH_MODEL } from '@engram/embeddings';
import { CreateNamespaceInput, NamespaceView, UpdateNamespaceInput } from './memories.dto';
import { NamespaceExistsError, NamespaceNotFoundError } from './memories.errors';
import { EmbeddingJobs } from './memories.embedding';
import { MemoryOperations } from './memory-operations';
import { NamespaceRow, NamespacesRepository } from './namespaces.repository';

/** Namespace settings rarely change; a short cache keeps them off the write path's round trips. */
const SETTINGS_TTL_MS = 2000;
export const DEFAULT_TOKEN_BUDGET = 4000;

export interface NamespaceSettings {
  name: string;
  embedding_model: string;
  pending_embedding_model: string | null;
  default_token_budget: number;
}

function toView(row: NamespaceRow): NamespaceView {
  return {
    tenant_id: row.tenant_id,
    name: row.name,
    id: row.id,
    description: row.description,
    default_token_budget: row.default_token_budget,
    embedding_model: row.embedding_model,
    pending_embedding_model: row.pending_embedding_model,
    retention_days: row.retention_days,
    memory_count: row.memory_count,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

@Injectable()
export class NamespacesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('NamespacesService');
  private bootIndexing: Promise<void> = Promise.resolve();
  private readonly cache = new Map<string, { settings: NamespaceSettings; until: number }>();
  private readonly existingCache = new Map<
    string,
    { rows: { name: string; embedding_model: string; default_token_budget: number }[]; until: number }
  >();

  constructor(
    private readonly repository: NamespacesRepository,
    private readonly models: EmbeddingModels,
    private readonly embeddingJobs: EmbeddingJobs,
    private readonly ops: MemoryOperations,
  ) {}

  /**
   * Every model in use has its HNSW index: namespace creation and the model switch make the
   * index of a new model, this covers namespaces from before those did and the default model
   * (a namespace its first memory creates). In the background: a database that is not there
   * yet must not hold up the boot.
   */
  onApplicationBootstrap(): void {
    this.bootIndexing = (async () => {
      const models = new Set([...(await this.repository.modelsInUse()), this.models.defaultModel]);
      for (const model of models) {
        await this.ensureIndexed(model);
      }
    })().catch((error: Error) => this.logger.warn(`could not check the vector indexes: ${error.message}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.bootIndexing;
  }

  /**
   * The model's HNSW index, if the model is one this deployment has (the local model's comes
   * with the migrations). A failure costs search speed, not the write: it is logged, and the
   * next namespace created with the model, the next switch to it or the next boot tries again.
   */
  private async ensureIndexed(model: string): Promise<void> {
    if (model === LOCAL_HASH_MODEL || !this.models.names().includes(model)) {
      return;
    }
    const provider = this.models.get(model);
    try {
      await this.repository.ensureModelIndex(provider.model, provider.dimensions);
    } catch (error) {
      this.logger.warn(`could not create the vector index of ${model}: ${(error as Error).message}`);
    }
  }

  create(tenantId: string, input: CreateNamespaceInput): Promise<NamespaceView> {
    return this.ops.write('namespace_create', tenantId, async () => {
      const model = this.models.get(input.embedding_model ?? this.models.defaultModel).model;
      await this.ensureIndexed(model);
      const row = await this.repository.create(tenantId, input.name, { ...input, embedding_model: model });
      if (!row) {
        throw new NamespaceExistsError(`namespace ${input.name} exists`, { namespace: input.name });
      }
      return toView(row);
    });
  }

  list(tenantId: string): Promise<{ namespaces: NamespaceView[] }> {
    return this.ops.observe('namespace_list', async () => ({
      namespaces: (await this.repository.list(tenantId)).map(toView),
    }));
  }

  get(tenantId: string, name: string): Promise<NamespaceView> {
    return this.ops.observe('namespace_get', async () => {
      const row = await this.repository.get(tenantId, name);
      if (!row) {
        throw namespaceNotFound(name);
      }
      return toView(row);
    });
  }

  /** A new embedding model is not applied at once: a job re-embeds, then switches. */
  update(tenantId: string, name: string, input: UpdateNamespaceInput): Promise<NamespaceView> {
    return this.ops.write('namespace_update', tenantId, async () => {
      const model = input.embedding_model === undefined ? undefined : this.models.get(input.embedding_model).model;
      const row = await this.repository.update(tenantId, name, { ...input, embedding_model: model });
      if (!row) {
        throw namespaceNotFound(name);
      }
      this.forget(tenantId, name);
      if (row.pending_embedding_model !== null && model === row.pending_embedding_model) {
        await this.embeddingJobs.reembedLater(tenantId, name, row.pending_embedding_model);
      }
      return toView(row);
    });
  }

  delete(tenantId: string, name: string): Promise<void> {
    return this.ops.write('namespace_delete', tenantId, async () => {
      this.forget(tenantId, name);
      if (!(await this.repository.delete(tenantId, name))) {
        throw namespaceNotFound(name);
      }
    });
  }

  /** The namespace's settings, or null if there is no such namespace. `fresh` skips the cache. */
  async settings(tenantId: string, name: string, fresh = false): Promise<NamespaceSettings | null> {
    const key = cacheKey(tenantId, name);
    const cached = this.cache.get(key);
    if (!fresh && cached && cached.until > Date.now()) {
      return cached.settings;
    }
    const row = await this.repository.get(tenantId, name, false);
    if (!row) {
      // Never cached: a namespace may be created at any moment.
      return null;
    }
    const settings = {
      name: row.name,
      embedding_model: row.embedding_model,
      pending_embedding_model: row.pending_embedding_model,
      default_token_budget: row.default_token_budget,
    };
    if (this.cache.size > 10_000) {
      this.cache.clear();
    }
    this.cache.set(key, { settings, until: Date.now() + SETTINGS_TTL_MS });
    return settings;
  }

  /**
   * The settings a write into `name` uses: the namespace's own, or, when `create` is set and it
   * does not exist, the defaults the write will create it with. Unknown without `create`: 404.
   * The write itself re-checks in its own statement (see MemoriesRepository.insertMany), so a
   * namespace deleted meanwhile is still a 404, never a half-written row.
   */
  async forWrite(tenantId: string, name: string, create: boolean): Promise<NamespaceSettings> {
    const settings = await this.settings(tenantId, name);
    if (settings) {
      return settings;
    }
    if (!create) {
      throw namespaceNotFound(name);
    }
    return {
      name,
      embedding_model: this.models.defaultModel,
      pending_embedding_model: null,
      default_token_budget: DEFAULT_TOKEN_BUDGET,
    };
  }

  /**
   * The settings of every namespace named, in the order given; 404 namespace_not_found naming
   * the first that does not exist (another tenant's namespace does not exist for this one).
   */
  async requireExisting(
    tenantId: string,
    names: string[],
  ): Promise<{ name: string; embedding_model: string; default_token_budget: number }[]> {
    const rows = await this.existing(tenantId, names);
    const byName = new Map(rows.map((row) => [row.name, row]));
    const missing = names.filter((name) => !byName.has(name));
    if (missing.length > 0) {
      throw namespaceNotFound(missing[0], missing.length > 1 ? { missing } : {});
    }
    return names.map((name) => byName.get(name)!);
  }

  /**
   * Existing namespaces' settings (never creates); absent names are left out. Cached like
   * `settings`: search and context ask on every request.
   */
  async existing(
    tenantId: string,
    names: string[],
  ): Promise<{ name: string; embedding_model: string; default_token_budget: number }[]> {
    const key = `${tenantId}\u0000${names.join('\u0000')}`;
    const cached = this.existingCache.get(key);
    if (cached && cached.until > Date.now()) {
      return cached.rows;
    }
    const rows = await this.repository.models(tenantId, names);
    if (rows.length < names.length) {
      // Never cache an absence: the namespace may be created at any moment.
      return rows;
    }
    if (this.existingCache.size > 10_000) {
      this.existingCache.clear();
    }
    this.existingCache.set(key, { rows, until: Date.now() + SETTINGS_TTL_MS });
    return rows;
  }

  /**
   * Makes `model` the namespace's model once every memory has its vector (false if one came
   * without meanwhile). Searches in this process use it at once; another process may search
   * with its cached settings for up to SETTINGS_TTL_MS, finding no vectors of the old model
   * (deleted by the switch) and answering from the lexical stage.
   */
  async completeModelSwitch(tenantId: string, name: string, model: string): Promise<boolean> {
    const switched = await this.repository.switchModel(tenantId, name, model);
    if (switched) {
      this.forget(tenantId, name);
      await this.ops.invalidate(tenantId);
    }
    return switched;
  }

  /** Another process's change shows within SETTINGS_TTL_MS; this process's at once. */
  private forget(tenantId: string, name: string): void {
    this.cache.delete(cacheKey(tenantId, name));
    this.existingCache.clear();
  }
}

export function namespaceNotFound(name: string, details: Record<string, unknown> = {}): NamespaceNotFoundError {
  return new NamespaceNotFoundError(`no namespace ${name}`, { namespace: name, ...details });
}

function cacheKey(tenantId: string, name: string): string {
  return `${tenantId}\u0000${name}`;
}
