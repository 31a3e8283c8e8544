import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppError, registerErrorStatus } from '@engram/common';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { EmbeddingProvider } from './embedding-provider';
import { LOCAL_HASH_MODEL, LocalHashEmbeddingProvider } from './local-hash.provider';
import { MINILM_MODEL, MiniLmEmbeddingProvider, defaultMiniLmDir } from './minilm.provider';
import { OpenAiEmbeddingProvider } from './openai.provider';

export class UnknownEmbeddingModelError extends AppError {
  readonly code = 'unknown_embedding_model';
}

registerErrorStatus({ unknown_embedding_model: 400 });

/** Model names become part of index names and SQL literals, so they are kept to this alphabet. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9:._\/-]{1,128}$/;

/** What new namespaces embed with, and why it is not the configured model when it is not. */
export interface DefaultModelStatus {
  model: string;
  configured: string;
  fallback: boolean;
  reason?: string;
}

/** The models this deployment can embed with, by name; the local ones are always there. */
@Injectable()
export class EmbeddingModels implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddingModels');
  private readonly providers = new Map<string, EmbeddingProvider>();
  private readonly miniLm: MiniLmEmbeddingProvider;
  private readonly configuredDefault: string;
  private fallbackReason: string | null = null;
  private miniLmAvailable: boolean | null = null;

  constructor(config: ConfigService, metrics: MetricsService) {
    this.register(new LocalHashEmbeddingProvider());
    this.miniLm = new MiniLmEmbeddingProvider({
      dir: config.get('EMBEDDING_MINILM_DIR') ?? defaultMiniLmDir(),
      threads: config.get('EMBEDDING_MINILM_THREADS'),
      precision: config.get('EMBEDDING_MINILM_PRECISION'),
    });
    this.register(this.miniLm);
    const url = config.get('EMBEDDING_OPENAI_URL');
    const model = config.get('EMBEDDING_OPENAI_MODEL');
    const dimensions = config.get('EMBEDDING_OPENAI_DIMENSIONS');
    if (url !== undefined && model !== undefined && dimensions !== undefined) {
      this.register(
        new OpenAiEmbeddingProvider({
          url,
          model,
          apiKey: config.get('EMBEDDING_OPENAI_API_KEY'),
          dimensions,
          batchSize: config.get('EMBEDDING_OPENAI_BATCH_SIZE'),
          timeoutMs: config.get('EMBEDDING_OPENAI_TIMEOUT_MS'),
          maxRetries: config.get('EMBEDDING_OPENAI_MAX_RETRIES'),
        }),
      );
    }
    this.configuredDefault = config.get('EMBEDDING_DEFAULT_MODEL');
    this.get(this.configuredDefault);
    const availability = () => this.miniLmAvailable;
    metrics.gauge(
      'engram_embedding_model_available',
      'Whether an in-process embedding model loaded (1) or not (0); absent until it is first needed',
      ['model'],
      function collect() {
        this.reset();
        const available = availability();
        if (available !== null) {
          this.set({ model: MINILM_MODEL }, available ? 1 : 0);
        }
      },
    );
  }

  /**
   * The in-process model is loaded at boot when it is the default: if it cannot run here (files
   * not built, no onnxruntime binary for this platform), new namespaces get the hash embedding
   * instead of failing their writes, and /ready and the gauge say so.
   */
  async onModuleInit(): Promise<void> {
    if (this.configuredDefault !== MINILM_MODEL) {
      return;
    }
    try {
      const loadMs = await this.miniLm.load();
      this.miniLmAvailable = true;
      this.logger.log(`${MINILM_MODEL} loaded in ${Math.round(loadMs)} ms`);
    } catch (error) {
      this.miniLmAvailable = false;
      this.fallbackReason = (error as Error).message;
      this.logger.warn(
        `${MINILM_MODEL} cannot run here, new namespaces embed with ${LOCAL_HASH_MODEL}: ${this.fallbackReason}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.miniLm.close();
  }

  /** The model new namespaces get. */
  get defaultModel(): string {
    return this.fallbackReason === null ? this.configuredDefault : LOCAL_HASH_MODEL;
  }

  defaultModelStatus(): DefaultModelStatus {
    return this.fallbackReason === null
      ? { model: this.defaultModel, configured: this.configuredDefault, fallback: false }
      : {
          model: this.defaultModel,
          configured: this.configuredDefault,
          fallback: true,
          reason: this.fallbackReason,
        };
  }

  register(provider: EmbeddingProvider): void {
    if (!MODEL_NAME_PATTERN.test(provider.model)) {
      throw new Error(`embedding model name ${provider.model} has characters outside ${MODEL_NAME_PATTERN}`);
    }
    this.providers.set(provider.model, provider);
  }

  get(model: string): EmbeddingProvider {
    const provider = this.providers.get(model);
    if (!provider) {
      throw new UnknownEmbeddingModelError(`no embedding model ${model} is configured`, {
        model,
        available: [...this.providers.keys()],
      });
    }
    return provider;
  }

  names(): string[] {
    return [...this.providers.keys()];
  }
}
