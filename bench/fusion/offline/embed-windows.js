'use strict';
// Optional step of the offline fusion study: short windows (W tokens with [CLS]/[SEP], each later one headed by
// the text's first H tokens, every S tokens) for every document longer than one of them, into
// .tmp/study/sub-W-H-S.{f32,json}; then `node window-features.js W-H-S` and the rows in bench/README.md.
// The windows come from the product's session file with a study-only encoder added at load time (the
// product's windows are unchanged). ~12 min at load 10-25 for 128/16/96 (19.6k windows).
//   node bench/fusion/offline/embed-windows.js 128 16 96
const Module = require('node:module');
const { readFileSync, writeFileSync } = require('node:fs');
const { resolve, dirname } = require('node:path');
const { OUT, DATA, jsonLines } = require('./lib');

const sessionFile = resolve(__dirname, '../../../libs/embeddings/src/minilm-session.js');
const study = `
  function encodeShort(text, W, H, S) {
    const ids = tokens(text);
    const out = [];
    if (ids.length <= W - 2) return out;
    const head = ids.slice(0, H);
    const body = W - 2 - H;
    out.push([cls, ...ids.slice(0, W - 2), sep]);
    for (let start = S; start < ids.length - 16; start += S) {
      out.push([cls, ...head, ...ids.slice(start, start + body), sep]);
      if (start + body >= ids.length) break;
    }
    return out;
  }
  async function embedShort(texts, W, H, S) {
    const windows = texts.map((t) => encodeShort(t, W, H, S));
    const vectors = await run(windows.flat());
    let next = 0;
    return windows.map((list) => list.map(() => vectors[next++]));
  }
  function encodePassages(text) {`;
const source = readFileSync(sessionFile, 'utf8')
  .replace('  function encodePassages(text) {', study)
  .replace('return { embed, embedPassages, loadMs', 'return { embed, embedPassages, embedShort, loadMs');
const session = new Module(sessionFile);
session.filename = sessionFile;
session.paths = Module._nodeModulePaths(dirname(sessionFile));
session._compile(source, sessionFile);

const [W, H, S] = process.argv.slice(2).map(Number);
void (async () => {
  const s = await session.exports.loadMiniLm(resolve('node_modules/.cache/engram/minilm-l6-v2'), {
    threads: 2,
    precision: 'int8',
  });
  const docs = jsonLines(`${DATA}/corpus.jsonl`).map((d) => `${d.title} ${d.text}`);
  const all = [];
  const counts = [];
  for (let i = 0; i < docs.length; i += 200) {
    for (const list of await s.embedShort(docs.slice(i, i + 200), W, H, S)) {
      counts.push(list.length);
      all.push(...list);
    }
  }
  const buf = new Float32Array(all.length * 384);
  all.forEach((x, i) => buf.set(x, i * 384));
  writeFileSync(`${OUT}/sub-${W}-${H}-${S}.f32`, Buffer.from(buf.buffer));
  writeFileSync(`${OUT}/sub-${W}-${H}-${S}.json`, JSON.stringify(counts));
  console.log(`${all.length} windows`);
  s.release();
})();
