import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EmbeddingProviderError } from './openai.provider';
import { MINILM_MODEL, MiniLmEmbeddingProvider, defaultMiniLmDir } from './minilm.provider';
import reference from './minilm.reference.json';

/**
 * The built-in sentence model against vectors computed by an independent implementation
 * (ops/minilm-reference-vectors.mjs: the candle engine in WASM, with its own tokenizer) from the
 * same weights. Needs the model `npm install` builds; its absence fails here, it is not skipped.
 */
const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i], 0);
const texts = reference.texts.map((entry) => entry.text);

describe('MiniLmEmbeddingProvider', () => {
  let provider: MiniLmEmbeddingProvider;

  beforeAll(async () => {
    provider = new MiniLmEmbeddingProvider({ dir: defaultMiniLmDir(), threads: 1 });
    await provider.load();
  });
  afterAll(async () => {
    await provider.close();
  });

  /** The texts whose vectors fall below `min` against the reference (none, when the build is right). */
  async function belowReference(model: MiniLmEmbeddingProvider, min: number) {
    const vectors = await model.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const vector of vectors) {
      expect(vector).toHaveLength(384);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    return reference.texts
      .map((entry, i) => ({ text: entry.text.slice(0, 40), cosine: cosine(vectors[i], entry.vector) }))
      .filter((score) => !(score.cosine >= min));
  }

  it('fp32 matches the reference vectors (cosine >= 0.9999), long input cut at 256 tokens included', async () => {
    const fp32 = new MiniLmEmbeddingProvider({ dir: defaultMiniLmDir(), threads: 1, precision: 'fp32' });
    try {
      expect(fp32).toMatchObject({ model: MINILM_MODEL, dimensions: 384 });
      expect(await belowReference(fp32, 0.9999)).toEqual([]);
    } finally {
      await fp32.close();
    }
  });

  it('int8, the default, stays within cosine 0.99 of the reference vectors', async () => {
    expect(provider.options.precision).toBeUndefined();
    expect(await belowReference(provider, 0.99)).toEqual([]);
  });

  it('relates meaning, not words: a paraphrase scores above an unrelated sentence', async () => {
    const [cat, feline, stocks] = await provider.embed([
      'The cat sits on the mat',
      'A feline is resting on a rug',
      'Stock markets fell sharply today',
    ]);
    expect(cosine(cat, feline)).toBeGreaterThan(cosine(cat, stocks) + 0.3);
    expect(cosine(cat, feline)).toBeGreaterThan(cosine(feline, stocks) + 0.3);
  });

  it('gives each text the same vector alone as in a large mixed batch, in input order', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `${texts[i % texts.length].slice(0, 20 + i * 7)} (${i})`);
    const together = await provider.embed(many);
    for (const i of [0, 7, 19, 33, 39]) {
      const [alone] = await provider.embed([many[i]]);
      expect(cosine(alone, together[i])).toBeGreaterThan(0.99999);
    }
    expect(await provider.embed([])).toEqual([]);
  });

  it('embeds a long text in passages: the first is its embed() vector, later windows follow', async () => {
    const long = Array.from({ length: 80 }, (_, i) => `Sentence ${i} says something about topic ${i % 7}.`).join(' ');
    const [short, chunked] = await provider.embedPassages([texts[0], long]);
    expect(short).toHaveLength(1);
    expect(cosine(short[0], (await provider.embed([texts[0]]))[0])).toBeGreaterThan(0.99999);
    expect(chunked.length).toBeGreaterThanOrEqual(3);
    expect(cosine(chunked[0], (await provider.embed([long]))[0])).toBeGreaterThan(0.99999);
    for (const vector of chunked) {
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    // Later windows read other words than the first: not the same vector again.
    expect(cosine(chunked[0], chunked[chunked.length - 1])).toBeLessThan(0.999);
    expect(await provider.embedPassages([])).toEqual([]);
  });

  it('keeps the event loop free while it works', async () => {
    const before = performance.eventLoopUtilization();
    const started = Date.now();
    await provider.embed(Array.from({ length: 24 }, (_, i) => `${texts[6].slice(0, 600)} ${i}`));
    const utilization = performance.eventLoopUtilization(before).utilization;
    // Hundreds of ms of inference (more on a busy machine): on this thread it would keep the
    // loop busy for all of it (utilization ~1); in the worker this thread mostly waits.
    expect(Date.now() - started).toBeGreaterThan(100);
    expect(utilization).toBeLessThan(0.3);
  });

  it('answers a one-text request before the rest of a bulk one queued ahead of it', async () => {
    const finished: string[] = [];
    const bulk = provider
      .embed(Array.from({ length: 48 }, (_, i) => `${texts[6].slice(0, 400)} ${i}`))
      .then(() => finished.push('bulk'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const query = provider.embed(['where does the cat sleep']).then(() => finished.push('query'));
    await Promise.all([bulk, query]);
    expect(finished).toEqual(['query', 'bulk']);
  });

  it('shares one worker per model directory; the last provider to close stops it', async () => {
    const second = new MiniLmEmbeddingProvider({ dir: defaultMiniLmDir(), threads: 1 });
    expect((await second.load()) >= 0).toBe(true);
    await second.close();
    const [vector] = await provider.embed([texts[0]]);
    expect(cosine(vector, reference.texts[0].vector)).toBeGreaterThanOrEqual(0.99);
  });
});

describe('MiniLmEmbeddingProvider without its files', () => {
  it('rejects load and embed with the reason, without retries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-minilm-missing-'));
    const provider = new MiniLmEmbeddingProvider({ dir, threads: 1 });
    try {
      await expect(provider.load()).rejects.toThrow(`model.int8.onnx and tokenizer.json not found in ${dir}`);
      const failure = await provider.embed(['x']).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(EmbeddingProviderError);
      expect(failure).toMatchObject({ retryable: false });
    } finally {
      await provider.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a model file onnxruntime cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-minilm-corrupt-'));
    copyFileSync(join(defaultMiniLmDir(), 'tokenizer.json'), join(dir, 'tokenizer.json'));
    writeFileSync(join(dir, 'model.int8.onnx'), 'not a model');
    const provider = new MiniLmEmbeddingProvider({ dir, threads: 1 });
    try {
      await expect(provider.load()).rejects.toThrow(`cannot load ${join(dir, 'model.int8.onnx')}`);
      await expect(provider.embed(['x'])).rejects.toThrow(/cannot load/);
    } finally {
      await provider.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
