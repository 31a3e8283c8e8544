import { Injectable } from '@nestjs/common';
import { AppError, registerErrorStatus } from '@engram/common';
import { ConfigService } from '@engram/config';
import { EmbeddingProvider } from './embedding-provider';
import { LocalHashEmbeddingProvider } from './local-hash.provider';
import { OpenAiEmbeddingProvider } from './openai.provider';

export class UnknownEmbeddingModelError extends AppError {
  readonly code = 'unknown_embedding_model';
}

registerErrorStatus({ unknown_embedding_model: 400 });

/** Model names become part of index names and SQL literals, so they are kept to this alphabet. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9:._\/-]{1,128}$/;

/** The models this deployment can embed with, by name; the local one is always there. */
@Injectable()
export class EmbeddingModels {
  private readonly providers = new Map<string, EmbeddingProvider>();
  readonly defaultModel: string;

  constructor(config: ConfigService) {
    this.register(new LocalHashEmbeddingProvider());
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
    this.defaultModel = config.get('EMBEDDING_DEFAULT_MODEL');
    this.get(this.defaultModel);
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
