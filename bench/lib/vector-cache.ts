import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { EmbeddingProvider } from '@engram/embeddings';

export interface VectorCacheOptions {
  /** Names the texts: a generator and its version (bench/lib/synthetic.ts). */
  generator: string;
  count: number;
  text: (n: number) => string;
  provider: EmbeddingProvider;
  /** What identifies the model build and settings (fingerprint, precision): part of the file name. */
  build: string;
  directory?: string;
  /** Texts per embed call; progress is saved after each. */
  chunk?: number;
  log?: (line: string) => void;
}

/** The fingerprint `npm install` records for the built sentence model (node_modules/.cache/…/build.json). */
export function modelBuildFingerprint(modelDir: string): string {
  const path = join(modelDir, 'build.json');
  const build = JSON.parse(readFileSync(path, 'utf8')) as { fingerprint?: string; converter?: number };
  if (!build.fingerprint) {
    throw new Error(`${path} has no fingerprint`);
  }
  return `${build.fingerprint.slice(0, 16)}-c${build.converter ?? 0}`;
}

/**
 * Model vectors for texts 0…count-1, computed once and kept under .tmp/bench-cache/ (git-ignored)
 * as raw float32, keyed by generator, count, model and build: a second run loads them in seconds
 * instead of embedding for minutes. An interrupted computation resumes from its partial file.
 */
export async function cachedVectors(options: VectorCacheOptions): Promise<Float32Array> {
  const dimensions = options.provider.dimensions;
  const directory = options.directory ?? resolve('.tmp', 'bench-cache');
  mkdirSync(directory, { recursive: true });
  const name = `${options.generator}-${options.count}-${options.provider.model}-${options.build}`.replace(
    /[^A-Za-z0-9._-]/g,
    '_',
  );
  const path = join(directory, `${name}.f32`);
  const rowBytes = dimensions * 4;
  const log = options.log ?? ((line: string) => console.error(line));
  if (existsSync(path) && statSync(path).size === options.count * rowBytes) {
    const bytes = readFileSync(path);
    log(`vectors: ${options.count} ${options.provider.model} vectors from ${path}`);
    return new Float32Array(bytes.buffer, bytes.byteOffset, options.count * dimensions);
  }
  const partial = `${path}.partial`;
  let done = existsSync(partial) ? Math.floor(statSync(partial).size / rowBytes) : 0;
  if (done > 0) {
    truncateSync(partial, done * rowBytes);
    log(`vectors: resuming ${path} at ${done} of ${options.count}`);
  }
  const fd = openSync(partial, 'a');
  const chunk = options.chunk ?? 256;
  const started = performance.now();
  const startedAt = done;
  let lastLog = started;
  try {
    while (done < options.count) {
      const texts = Array.from({ length: Math.min(chunk, options.count - done) }, (_, i) => options.text(done + i));
      const vectors = await options.provider.embed(texts);
      const block = new Float32Array(texts.length * dimensions);
      vectors.forEach((vector, i) => block.set(vector, i * dimensions));
      writeSync(fd, new Uint8Array(block.buffer));
      done += texts.length;
      if (performance.now() - lastLog > 15_000 || done === options.count) {
        lastLog = performance.now();
        const rate = (done - startedAt) / ((lastLog - started) / 1000);
        log(
          `vectors: ${done}/${options.count} ${options.provider.model} (${rate.toFixed(0)} texts/s, ` +
            `${((options.count - done) / rate / 60).toFixed(1)} min left)`,
        );
      }
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return cachedVectors(options);
}
