'use strict';
// Plain CommonJS, not TypeScript: it runs inside a worker thread and in the install-time converter
// (ops/build-minilm-onnx.mjs), neither of which goes through the TypeScript build or jest's
// transform. One file, so the install check runs exactly the pipeline the service runs.

const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const DIMENSIONS = 384;
/** sentence-transformers' max_seq_length for all-MiniLM-L6-v2, special tokens included. */
const MAX_TOKENS = 256;
/**
 * Texts per forward pass. int8 quantises each pass's activations with one scale, so texts sharing
 * a pass would shift each other's vectors (cosine ~0.992 to the same text alone): one text per
 * pass keeps a text's vector the same however it was batched, at no cost in speed (measured).
 * fp32 is exact either way and batches to save per-call overhead.
 */
const DEFAULT_BATCH_SIZE = { int8: 1, fp32: 16 };
/**
 * Texts longer than this are tokenized from a prefix cut at whitespace: 256 tokens never need
 * more than a few thousand characters, and a 64 KiB memory would otherwise be tokenized whole.
 */
const PREFIX_CHARS = 8192;

/**
 * The converter writes both: fp32 is the reference conversion (matches the model's own vectors),
 * int8 its dynamically quantised copy (cosine >= 0.99 to them, ~2x faster on CPU).
 */
/**
 * A text longer than one pass is also embedded in later windows (passages), each headed by the
 * text's first PASSAGE_HEAD tokens so a window keeps what the memory is about; search scores a
 * memory by its best passage. Windows start every PASSAGE_STRIDE tokens (they overlap), and a
 * remainder shorter than PASSAGE_MIN_TAIL tokens gets none of its own. Measured on SciFact (bench/
 * README.md, "passages"): the best passage instead of the first alone, +0.007 nDCG@10 on train.
 */
const PASSAGE_HEAD = 24;
const PASSAGE_STRIDE = 204;
const PASSAGE_MIN_TAIL = 32;

const MODEL_FILES = { fp32: 'model.onnx', int8: 'model.int8.onnx' };
const DEFAULT_PRECISION = 'int8';
const TOKENIZER_FILE = 'tokenizer.json';

/**
 * Loads the tokenizer and the ONNX session from `dir`. Throws with a readable message when a
 * file or the runtime is missing.
 * @param {string} dir
 * @param {{ threads?: number, batchSize?: number, precision?: 'int8' | 'fp32' }} [options]
 */
async function loadMiniLm(dir, options = {}) {
  const started = process.hrtime.bigint();
  let tokenizerJson;
  try {
    tokenizerJson = JSON.parse(readFileSync(join(dir, TOKENIZER_FILE), 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${join(dir, TOKENIZER_FILE)}: ${error.message}`);
  }
  let ort;
  let Tokenizer;
  try {
    ort = require('onnxruntime-node');
  } catch (error) {
    throw new Error(`onnxruntime-node does not load on ${process.platform}/${process.arch}: ${error.message}`);
  }
  try {
    ({ Tokenizer } = require('@huggingface/tokenizers'));
  } catch (error) {
    throw new Error(`@huggingface/tokenizers does not load: ${error.message}`);
  }
  const tokenizer = new Tokenizer(tokenizerJson, {});
  const cls = tokenizer.token_to_id('[CLS]');
  const sep = tokenizer.token_to_id('[SEP]');
  if (cls === undefined || sep === undefined) {
    throw new Error(`${join(dir, TOKENIZER_FILE)} is not a BERT tokenizer (no [CLS]/[SEP])`);
  }
  const threads = options.threads ?? 1;
  const modelFile = MODEL_FILES[options.precision ?? DEFAULT_PRECISION];
  if (modelFile === undefined) {
    throw new Error(`unknown precision ${options.precision} (int8 or fp32)`);
  }
  let session;
  try {
    session = await ort.InferenceSession.create(join(dir, modelFile), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
  } catch (error) {
    throw new Error(`cannot load ${join(dir, modelFile)}: ${error.message}`);
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE[options.precision ?? DEFAULT_PRECISION];

  /** The text's token ids without special tokens, from a prefix of at most PREFIX_CHARS. */
  function tokens(text) {
    const prefix = shortened(text);
    const ids = tokenizer.encode(prefix, { add_special_tokens: false }).ids;
    if (prefix !== text && ids.length < MAX_TOKENS - 2) {
      // The prefix held fewer tokens than fit (mostly whitespace, no break to cut at): all of it.
      return tokenizer.encode(text, { add_special_tokens: false }).ids;
    }
    return ids;
  }

  /** Token ids with [CLS] … [SEP], cut to MAX_TOKENS as sentence-transformers does. */
  function encode(text) {
    return [cls, ...tokens(text).slice(0, MAX_TOKENS - 2), sep];
  }

  /** The first window (what encode gives), then the later windows of a long text, each headed by its start. */
  function encodePassages(text) {
    const ids = tokens(text);
    const width = MAX_TOKENS - 2;
    const windows = [[cls, ...ids.slice(0, width), sep]];
    if (ids.length <= width) {
      return windows;
    }
    const head = ids.slice(0, PASSAGE_HEAD);
    const body = width - PASSAGE_HEAD;
    for (let start = PASSAGE_STRIDE; start < ids.length - PASSAGE_MIN_TAIL; start += PASSAGE_STRIDE) {
      windows.push([cls, ...head, ...ids.slice(start, start + body), sep]);
      if (start + body >= ids.length) {
        break;
      }
    }
    return windows;
  }

  /** One padded forward pass; mean pooling over the real tokens, then L2 normalisation. */
  async function forward(encoded) {
    const rows = encoded.length;
    const width = Math.max(...encoded.map((ids) => ids.length));
    const inputIds = new BigInt64Array(rows * width);
    const mask = new BigInt64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const ids = encoded[r];
      for (let t = 0; t < ids.length; t++) {
        inputIds[r * width + t] = BigInt(ids[t]);
        mask[r * width + t] = 1n;
      }
    }
    const output = await session.run({
      input_ids: new ort.Tensor('int64', inputIds, [rows, width]),
      attention_mask: new ort.Tensor('int64', mask, [rows, width]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(rows * width), [rows, width]),
    });
    const hidden = output.last_hidden_state.data;
    const vectors = [];
    for (let r = 0; r < rows; r++) {
      const vector = new Float32Array(DIMENSIONS);
      const length = encoded[r].length;
      for (let t = 0; t < length; t++) {
        const base = (r * width + t) * DIMENSIONS;
        for (let d = 0; d < DIMENSIONS; d++) {
          vector[d] += hidden[base + d];
        }
      }
      let norm = 0;
      for (let d = 0; d < DIMENSIONS; d++) {
        vector[d] /= length;
        norm += vector[d] * vector[d];
      }
      const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (let d = 0; d < DIMENSIONS; d++) {
        vector[d] *= scale;
      }
      vectors.push(vector);
    }
    return vectors;
  }

  /**
   * One unit vector per text, in input order. Texts are grouped by token count before batching,
   * so a batch pads to similar lengths instead of to its longest outlier.
   * @param {string[]} texts
   * @returns {Promise<Float32Array[]>}
   */
  async function embed(texts) {
    return run(texts.map(encode));
  }

  /**
   * For each text, its passages' unit vectors: the first is embed()'s vector of the text, further
   * ones exist for texts longer than one window.
   * @param {string[]} texts
   * @returns {Promise<Float32Array[][]>}
   */
  async function embedPassages(texts) {
    const windows = texts.map(encodePassages);
    const vectors = await run(windows.flat());
    let next = 0;
    return windows.map((list) => list.map(() => vectors[next++]));
  }

  /** Embeds token sequences in batches of similar length; vectors in input order. */
  async function run(encoded) {
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].length - encoded[b].length);
    const result = new Array(encoded.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const slice = order.slice(start, start + batchSize);
      const vectors = await forward(slice.map((i) => encoded[i]));
      slice.forEach((i, k) => {
        result[i] = vectors[k];
      });
    }
    return result;
  }

  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { embed, embedPassages, loadMs, dimensions: DIMENSIONS, release: () => session.release() };
}

function shortened(text) {
  if (text.length <= PREFIX_CHARS) {
    return text;
  }
  const cut = text.slice(0, PREFIX_CHARS);
  const space = cut.search(/\s\S*$/);
  return space > 0 ? cut.slice(0, space) : text;
}

module.exports = { loadMiniLm, MAX_TOKENS, DIMENSIONS, MODEL_FILES, DEFAULT_PRECISION, TOKENIZER_FILE };
