'use strict';
// Dense PRF: Rocchio on the top-k fused docs' best passages, then the vector stage again with q'.
const L = require('./lib');
const E = require('./eval');
const { readFileSync } = require('node:fs');
const V = E.V,
  nd = E.nd;
const lists = JSON.parse(readFileSync(`${L.OUT}/bm25-0.9-0.4.json`, 'utf8'));
const docIndex = new Map(V.ids.map((d, i) => [d, i]));
const qindex = new Map(V.qids.map((q, i) => [q, i]));
const splits = { train: L.qrels('train'), test: L.qrels('test') };
const np = V.pv.length / 384;
function sims(q) {
  const out = new Float32Array(np);
  for (let p = 0; p < np; p++) {
    let s = 0;
    const b = p * 384;
    for (let d = 0; d < 384; d++) s += q[d] * V.pv[b + d];
    out[p] = s;
  }
  return out;
}
function docMax(ps) {
  const s = new Float32Array(nd);
  const arg = new Int32Array(nd);
  for (let d = 0; d < nd; d++) {
    let m = -2,
      a = 0;
    for (let p = 0; p < V.counts[d]; p++) {
      const x = ps[V.offsets[d] + p];
      if (x > m) {
        m = x;
        a = V.offsets[d] + p;
      }
    }
    s[d] = m;
    arg[d] = a;
  }
  return { s, arg };
}
function fuse(s, lexList, w, P = 200) {
  const idx = Array.from({ length: nd }, (_, i) => i)
    .sort((a, b) => s[b] - s[a])
    .slice(0, P);
  const lexMap = new Map(lexList.slice(0, P).map(([d, x]) => [docIndex.get(d), x]));
  const pool = [...new Set([...idx, ...lexMap.keys()])];
  let vmn = Infinity,
    vmx = -Infinity,
    lmn = Infinity,
    lmx = -Infinity;
  for (const d of pool) {
    vmn = Math.min(vmn, s[d]);
    vmx = Math.max(vmx, s[d]);
    if (lexMap.has(d)) {
      const l = lexMap.get(d);
      lmn = Math.min(lmn, l);
      lmx = Math.max(lmx, l);
    }
  }
  const sc = (d) =>
    (w * (s[d] - vmn)) / (vmx - vmn) +
    (1 - w) * (lexMap.has(d) ? (lmx > lmn ? (lexMap.get(d) - lmn) / (lmx - lmn) : 1) : 0);
  return pool
    .map((d) => ({ d, x: sc(d) }))
    .sort((a, b) => b.x - a.x || (V.ids[a.d] < V.ids[b.d] ? -1 : 1))
    .map((c) => c.d);
}
const configs = [];
for (const k of [3, 5, 10]) for (const beta of [0.25, 0.5, 1]) configs.push({ k, beta });
const split = process.argv[2] ?? 'train';
const w2s = [0.6, 0.7, 0.8];
const acc = configs.map(() => w2s.map(() => ({ n: 0, r: 0 })));
let base = { n: 0, r: 0 },
  cnt = 0;
const t = Date.now();
for (const [qid, j] of splits[split]) {
  const qi = qindex.get(qid);
  const q = V.qv.subarray(qi * 384, qi * 384 + 384);
  const { s, arg } = docMax(sims(q));
  const first = fuse(s, lists[qid], 0.7);
  const ids = (r) => r.map((d) => V.ids[d]);
  base.n += L.ndcg10(ids(first), j);
  base.r += L.recall(ids(first), j, 100);
  cnt++;
  configs.forEach((c, ci) => {
    const q2 = new Float32Array(384);
    for (let d = 0; d < 384; d++) q2[d] = q[d];
    for (const d of first.slice(0, c.k)) {
      const p = arg[d];
      for (let x = 0; x < 384; x++) q2[x] += (c.beta / c.k) * V.pv[p * 384 + x];
    }
    let norm = 0;
    for (let x = 0; x < 384; x++) norm += q2[x] * q2[x];
    norm = Math.sqrt(norm);
    for (let x = 0; x < 384; x++) q2[x] /= norm;
    const s2 = docMax(sims(q2)).s;
    w2s.forEach((w, wi) => {
      const r = ids(fuse(s2, lists[qid], w));
      acc[ci][wi].n += L.ndcg10(r, j);
      acc[ci][wi].r += L.recall(r, j, 100);
    });
  });
}
console.log(split, 'base', (base.n / cnt).toFixed(4), (base.r / cnt).toFixed(4), (Date.now() - t) / 1000, 's');
configs.forEach((c, ci) =>
  console.log(
    `k${c.k} beta${c.beta}`,
    w2s.map((w, wi) => `w${w} ${(acc[ci][wi].n / cnt).toFixed(4)} ${(acc[ci][wi].r / cnt).toFixed(4)}`).join(' | '),
  ),
);
