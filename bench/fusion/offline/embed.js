'use strict';
// Step 1 of the offline fusion study: every SciFact claim's vector and every document's passage vectors
// (the product's windows), with the product's int8 session, into .tmp/study. ~4 min on a quiet 2-core machine.
//   node bench/fusion/offline/embed.js
const { loadMiniLm } = require('../../../libs/embeddings/src/minilm-session.js');
const { writeFileSync, existsSync, mkdirSync } = require('node:fs');
const { OUT: out, DATA: dir, jsonLines: lines } = require('./lib');
void (async () => {
  mkdirSync(out, { recursive: true });
  const s = await loadMiniLm('node_modules/.cache/engram/minilm-l6-v2', { threads: 2, precision: 'int8' });
  const queries = lines(`${dir}/queries.jsonl`);
  if (!existsSync(`${out}/queries.f32`)) {
    const t = Date.now();
    const v = await s.embed(queries.map((q) => q.text));
    const buf = new Float32Array(v.length * 384);
    v.forEach((x, i) => buf.set(x, i * 384));
    writeFileSync(`${out}/queries.f32`, Buffer.from(buf.buffer));
    writeFileSync(`${out}/queries.json`, JSON.stringify(queries.map((q) => q._id)));
    console.log('queries', (Date.now() - t) / 1000);
  }
  const docs = lines(`${dir}/corpus.jsonl`).map((d) => ({ id: d._id, content: `${d.title} ${d.text}` }));
  const t = Date.now();
  const all = [];
  const counts = [];
  for (let i = 0; i < docs.length; i += 200) {
    const p = await s.embedPassages(docs.slice(i, i + 200).map((d) => d.content));
    for (const list of p) {
      counts.push(list.length);
      all.push(...list);
    }
    console.log(i, (Date.now() - t) / 1000);
  }
  const buf = new Float32Array(all.length * 384);
  all.forEach((x, i) => buf.set(x, i * 384));
  writeFileSync(`${out}/passages.f32`, Buffer.from(buf.buffer));
  writeFileSync(`${out}/docs.json`, JSON.stringify({ ids: docs.map((d) => d.id), counts }));
  console.log('docs', (Date.now() - t) / 1000, all.length);
  s.release();
})();
