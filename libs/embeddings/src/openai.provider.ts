import { Logger } from '@nestjs/common';
import { EmbeddingProvider, l2Normalise } from './embedding-provider';

export interface OpenAiEmbeddingOptions {
  /** Base URL up to and including /v1; `/embeddings` is appended. */
  url: string;
  model: string;
  apiKey?: string;
  /** Expected vector size; sent as `dimensions` (models that support shortening honour it). */
  dimensions: number;
  batchSize: number;
  timeoutMs: number;
  maxRetries: number;
  /** First retry delay; doubles per attempt. */
  backoffMs?: number;
}

export class EmbeddingProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'EmbeddingProviderError';
  }
}

/**
 * Any server speaking the OpenAI `/v1/embeddings` protocol (hosted APIs, local model servers).
 * Texts go in batches of `batchSize`; each request has a timeout; 429, 5xx, timeouts and network
 * errors are retried with exponential backoff, other 4xx are not (they would fail again).
 */
export class OpenAiEmbeddingProvider implements EmbeddingProvider {
  readonly model: string;
  readonly dimensions: number;
  readonly inline = false;
  private readonly logger = new Logger('OpenAiEmbeddingProvider');

  constructor(private readonly options: OpenAiEmbeddingOptions) {
    this.model = `openai:${options.model}`;
    this.dimensions = options.dimensions;
  }

  async embed(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += this.options.batchSize) {
      vectors.push(...(await this.embedBatchWithRetries(texts.slice(start, start + this.options.batchSize))));
    }
    return vectors;
  }

  private async embedBatchWithRetries(texts: string[]): Promise<number[][]> {
    const backoffMs = this.options.backoffMs ?? 200;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.embedBatch(texts);
      } catch (error) {
        const retryable = error instanceof EmbeddingProviderError ? error.retryable : true;
        if (!retryable || attempt >= this.options.maxRetries) {
          throw error;
        }
        this.logger.warn(`embedding request failed (attempt ${attempt + 1}), retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** attempt));
      }
    }
  }

  private async embedBatch(texts: string[]): Promise<number[][]> {
    let response: Response;
    try {
      response = await fetch(`${this.options.url.replace(/\/$/, '')}/embeddings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.options.model, input: texts, dimensions: this.options.dimensions }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new EmbeddingProviderError(
        timedOut ? `timed out after ${this.options.timeoutMs} ms` : 'network error',
        true,
      );
    }
    if (!response.ok) {
      // The body is not echoed: servers sometimes repeat the request, credentials included.
      await response.body?.cancel();
      throw new EmbeddingProviderError(
        `server answered ${response.status}`,
        response.status === 429 || response.status >= 500,
      );
    }
    const body = (await response.json()) as { data?: { index: number; embedding: number[] }[] };
    const data = body.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new EmbeddingProviderError(
        `expected ${texts.length} embeddings, got ${Array.isArray(data) ? data.length : 'none'}`,
        false,
      );
    }
    const ordered = [...data].sort((a, b) => a.index - b.index);
    return ordered.map((item) => {
      if (!Array.isArray(item.embedding) || item.embedding.length !== this.dimensions) {
        throw new EmbeddingProviderError(
          `expected ${this.dimensions} dimensions, got ${item.embedding?.length}`,
          false,
        );
      }
      return l2Normalise(item.embedding);
    });
  }
}
