import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EmbeddingProvider } from './embedding-provider';
import { EmbeddingProviderError } from './openai.provider';

export const MINILM_MODEL = 'minilm-l6-v2';
const DIMENSIONS = 384;
/**
 * Texts per message to the worker. A request larger than this is split, and single-message
 * requests (search queries, one memory) go ahead of the rest of a split one, so a query waits
 * for at most one chunk of a bulk re-embed (~0.4 s on one thread), not for all of it.
 */
const CHUNK = 16;

export const MINILM_PRECISIONS = ['int8', 'fp32'] as const;
export type MiniLmPrecision = (typeof MINILM_PRECISIONS)[number];

/** The file ops/build-minilm-onnx.mjs writes for each precision (minilm-session.js reads the same). */
const MODEL_FILES: Record<MiniLmPrecision, string> = { fp32: 'model.onnx', int8: 'model.int8.onnx' };

export interface MiniLmOptions {
  /** Holds the model files and tokenizer.json, as ops/build-minilm-onnx.mjs writes them. */
  dir: string;
  /** onnxruntime's intra-op threads inside the worker. */
  threads: number;
  /**
   * `int8` (default): the dynamically quantised weights, ~2x the texts per CPU-second at cosine
   * >= 0.99 to the fp32 vectors (the same vector space: a namespace may hold both). `fp32`: the
   * reference conversion.
   */
  precision?: MiniLmPrecision;
}

/** Where `npm install` builds the model: node_modules/.cache/engram/minilm-l6-v2. */
export function defaultMiniLmDir(): string {
  let nodeModules: string;
  try {
    nodeModules = dirname(dirname(require.resolve('onnxruntime-node/package.json')));
  } catch {
    nodeModules = resolve('node_modules');
  }
  return join(nodeModules, '.cache', 'engram', MINILM_MODEL);
}

/** The worker's source: plain JS beside this file, in the source tree (tests) and in dist alike. */
const WORKER_FILE = join(__dirname, 'minilm-worker.js');

interface Chunk {
  texts: string[];
  /** Every passage of each text, or only the first. */
  passages: boolean;
  /** Each text's vectors: its passages', or its one vector. */
  resolve: (vectors: Float32Array[][]) => void;
  reject: (error: Error) => void;
}

type WorkerMessage =
  | { type: 'ready'; loadMs: number }
  | { type: 'failed'; error: string }
  | { type: 'result'; id: number; vectors?: Float32Array[]; counts?: number[]; error?: string };

/**
 * One worker thread per model directory and thread count in the process, shared by every
 * provider (tests run several apps in one process). Started on first use; a worker that dies
 * after loading is replaced on the next request, one that cannot load stays failed.
 */
class MiniLmRuntime {
  private worker: Worker | null = null;
  private ready = false;
  private loading: Promise<number> | null = null;
  private abortLoading: ((error: Error) => void) | null = null;
  private failure: string | null = null;
  private readonly interactive: Chunk[] = [];
  private readonly bulk: Chunk[] = [];
  private inFlight: { id: number; chunk: Chunk } | null = null;
  private nextId = 0;
  references = 0;

  constructor(private readonly options: MiniLmOptions) {}

  /** Resolves with the load time in ms; rejects with the reason the model cannot run here. */
  load(): Promise<number> {
    if (this.failure !== null) {
      return Promise.reject(new EmbeddingProviderError(this.failure, false));
    }
    this.loading ??= this.start();
    return this.loading;
  }

  async embed(texts: string[], passages: boolean): Promise<Float32Array[][]> {
    await this.load();
    const queue = texts.length <= CHUNK ? this.interactive : this.bulk;
    const chunks: Promise<Float32Array[][]>[] = [];
    for (let start = 0; start < texts.length; start += CHUNK) {
      chunks.push(
        new Promise((resolve, reject) =>
          queue.push({ texts: texts.slice(start, start + CHUNK), passages, resolve, reject }),
        ),
      );
    }
    this.pump();
    return (await Promise.all(chunks)).flat();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    const abortLoading = this.abortLoading;
    this.reset();
    const error = new EmbeddingProviderError(`${MINILM_MODEL} was shut down`, true);
    abortLoading?.(error);
    this.abandon(error);
    await worker?.terminate();
  }

  private start(): Promise<number> {
    const modelFile = MODEL_FILES[this.options.precision ?? 'int8'];
    const missing = [modelFile, 'tokenizer.json'].filter((file) => !existsSync(join(this.options.dir, file)));
    if (missing.length > 0) {
      return this.fail(
        `${missing.join(' and ')} not found in ${this.options.dir} (npm install builds them: node ops/build-minilm-onnx.mjs)`,
      );
    }
    return new Promise<number>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = new Worker(WORKER_FILE, {
          workerData: {
            dir: this.options.dir,
            threads: this.options.threads,
            precision: this.options.precision ?? 'int8',
          },
          // onnxruntime's own console output is not the service's log.
          stdout: true,
          stderr: true,
        });
      } catch (error) {
        this.fail(`cannot start the embedding worker: ${(error as Error).message}`).catch(reject);
        return;
      }
      worker.stdout.resume();
      worker.stderr.resume();
      this.worker = worker;
      this.abortLoading = reject;
      const lost = (reason: string) => {
        if (this.worker !== worker) {
          return;
        }
        if (this.ready) {
          // Crashed after loading (out of memory, a native fault): what it held fails, the next request restarts it.
          this.reset();
          this.abandon(new EmbeddingProviderError(`the ${MINILM_MODEL} worker ${reason}`, true));
        } else {
          this.reset();
          this.fail(`the ${MINILM_MODEL} worker ${reason} while loading`).catch(reject);
        }
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          this.ready = true;
          this.abortLoading = null;
          worker.unref();
          resolve(message.loadMs);
          this.pump();
        } else if (message.type === 'failed') {
          this.reset();
          void worker.terminate();
          this.fail(message.error).catch(reject);
        } else {
          this.settle(message);
        }
      });
      worker.on('error', (error) => lost(error.message));
      worker.on('exit', (code) => lost(`exited with code ${code}`));
    });
  }

  private reset(): void {
    this.worker = null;
    this.ready = false;
    this.loading = null;
    this.abortLoading = null;
  }

  private fail(reason: string): Promise<never> {
    this.failure = reason;
    const error = new EmbeddingProviderError(reason, false);
    this.abandon(error);
    return Promise.reject(error);
  }

  private abandon(error: Error): void {
    const chunks = [...this.interactive.splice(0), ...this.bulk.splice(0)];
    if (this.inFlight) {
      chunks.push(this.inFlight.chunk);
      this.inFlight = null;
    }
    for (const chunk of chunks) {
      chunk.reject(error);
    }
  }

  /** One chunk at a time in the worker, interactive ones first. */
  private pump(): void {
    if (this.inFlight || !this.worker || !this.ready) {
      return;
    }
    const chunk = this.interactive.shift() ?? this.bulk.shift();
    if (!chunk) {
      this.worker.unref();
      return;
    }
    // Referenced while it works, so a script awaiting only an embedding does not exit under it.
    this.worker.ref();
    const id = this.nextId++;
    this.inFlight = { id, chunk };
    this.worker.postMessage({ id, texts: chunk.texts, passages: chunk.passages });
  }

  private settle(message: { id: number; vectors?: Float32Array[]; counts?: number[]; error?: string }): void {
    const current = this.inFlight;
    if (!current || current.id !== message.id) {
      return;
    }
    this.inFlight = null;
    if (message.error !== undefined || !message.vectors) {
      current.chunk.reject(new EmbeddingProviderError(`${MINILM_MODEL}: ${message.error}`, false));
    } else {
      const vectors = message.vectors;
      let next = 0;
      current.chunk.resolve(
        (message.counts ?? vectors.map(() => 1)).map((count) => vectors.slice(next, (next += count))),
      );
    }
    this.pump();
  }
}

const runtimes = new Map<string, MiniLmRuntime>();

/**
 * all-MiniLM-L6-v2 (sentence-transformers), run in-process by onnxruntime in a worker thread:
 * 384 dimensions, mean pooling over the tokens, L2-normalised, inputs cut at 256 tokens.
 *
 * Not `inline`: at ~150 texts per CPU-second in int8 (50 words each; long texts cost more) a batch
 * of 1000 memories is seconds of work, which belongs in a job, not in the request that wrote
 * them. Search embeds its query (one text,
 * ~20 ms) on the request path like any model's.
 */
export class MiniLmEmbeddingProvider implements EmbeddingProvider {
  readonly model = MINILM_MODEL;
  readonly dimensions = DIMENSIONS;
  readonly inline = false;
  private readonly runtime: MiniLmRuntime;
  private closed = false;

  constructor(readonly options: MiniLmOptions) {
    const key = `${resolve(options.dir)}\u0000${options.threads}\u0000${options.precision ?? 'int8'}`;
    let runtime = runtimes.get(key);
    if (!runtime) {
      runtime = new MiniLmRuntime({ ...options, dir: resolve(options.dir) });
      runtimes.set(key, runtime);
    }
    runtime.references++;
    this.runtime = runtime;
  }

  /** Starts the worker and loads the model; rejects with the reason it cannot run here. */
  load(): Promise<number> {
    return this.runtime.load();
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) {
      return [];
    }
    const vectors = await this.runtime.embed(texts, false);
    return vectors.map(([vector]) => Array.from(vector));
  }

  /** embed()'s vector of each text, then one per later window of a text longer than one (minilm-session.js). */
  async embedPassages(texts: string[]): Promise<number[][][]> {
    if (texts.length === 0) {
      return [];
    }
    const lists = await this.runtime.embed(texts, true);
    return lists.map((list) => list.map((vector) => Array.from(vector)));
  }

  /** The last provider of a runtime to close stops its worker. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    if (--this.runtime.references === 0) {
      for (const [key, runtime] of runtimes) {
        if (runtime === this.runtime) {
          runtimes.delete(key);
        }
      }
      await this.runtime.stop();
    }
  }
}
