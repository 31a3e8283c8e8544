'use strict';
// After embed-windows.js: per claim and document, the best short window's cosine (subfeats-W-H-S.f32, [claim][doc]),
// then the hybrid rows with them (best of passages and windows; first window and windows).
//   node bench/fusion/offline/window-features.js 128-16-96
const L = require('./lib');
const { readFileSync, writeFileSync } = require('node:fs');
const name = process.argv[2];
const V = L.loadVectors();
const counts = JSON.parse(readFileSync(`${L.OUT}/sub-${name}.json`, 'utf8'));
const b = readFileSync(`${L.OUT}/sub-${name}.f32`);
const sv = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
const offs = [];
let o = 0;
for (const c of counts) {
  offs.push(o);
  o += c;
}
const nd = counts.length;
const out = new Float32Array(V.qids.length * nd);
for (let qi = 0; qi < V.qids.length; qi++) {
  const q = V.qv.subarray(qi * 384, qi * 384 + 384);
  for (let d = 0; d < nd; d++) {
    let m = -2;
    for (let p = offs[d]; p < offs[d] + counts[d]; p++) {
      let s = 0;
      for (let k = 0; k < 384; k++) s += q[k] * sv[p * 384 + k];
      if (s > m) m = s;
    }
    out[qi * nd + d] = m;
  }
}
writeFileSync(`${L.OUT}/subfeats-${name}.f32`, Buffer.from(out.buffer));
const { run } = require('./evaluate');
const window = (f, b0, n, d) => out[(b0 / (5 * n)) * n + d];
for (const w of [0.6, 0.7, 0.8, 1]) {
  for (const [label, vf] of [
    ['first window and short windows', (f, b0, n, d) => Math.max(f[b0 + n + d], window(f, b0, n, d))],
    ['passages and short windows', (f, b0, n, d) => Math.max(f[b0 + d], window(f, b0, n, d))],
  ]) {
    const a = run('train', { lex: '0.9-0.4', method: 'minmax', w, vkey: label, vf });
    console.log(`${label}, minmax ${w}: train ${a.ndcg.toFixed(4)} ${a.r100.toFixed(4)}`);
  }
}
