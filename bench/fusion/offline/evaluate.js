'use strict';
// Step 4: re-fuses each claim's pool (vector top P ∪ BM25 top P, as the search path's candidate statement)
// offline; `run(split, cfg)` gives nDCG@10, R@100 and per-claim nDCG. `node evaluate.js` prints the minmax grid.
const L = require('./lib');
const { readFileSync } = require('node:fs');
const V = L.loadVectors();
const nd = V.ids.length,
  F = 5;
const feats = (() => {
  const b = readFileSync(`${L.OUT}/feats.f32`);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
})();
const qindex = new Map(V.qids.map((q, i) => [q, i]));
const lexCache = new Map();
function lex(name) {
  if (!lexCache.has(name)) lexCache.set(name, JSON.parse(readFileSync(`${L.OUT}/bm25-${name}.json`, 'utf8')));
  return lexCache.get(name);
}
const splits = { train: L.qrels('train'), test: L.qrels('test') };
/** vector score of doc d for query qi: combo of features */
function vscore(qi, d, vf) {
  const b = qi * F * nd;
  if (typeof vf === 'number') return feats[b + vf * nd + d];
  return vf(feats, b, nd, d);
}
function topDocs(qi, vf, P) {
  const s = new Float32Array(nd);
  for (let d = 0; d < nd; d++) s[d] = vscore(qi, d, vf);
  const idx = Array.from({ length: nd }, (_, i) => i).sort((a, b) => s[b] - s[a]);
  return { s, top: idx.slice(0, P) };
}
const vcache = new Map();
function vtop(qi, vf, key, P) {
  const k = `${key}|${qi}|${P}`;
  if (!vcache.has(k)) vcache.set(k, topDocs(qi, vf, P));
  return vcache.get(k);
}
const docIndex = new Map(V.ids.map((d, i) => [d, i]));
function range(vals) {
  let mn = Infinity,
    mx = -Infinity;
  for (const v of vals)
    if (v !== null) {
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
    }
  return mn <= mx ? { mn, mx } : null;
}
const scaled = (v, r) => (v === null || !r ? 0 : r.mx > r.mn ? (v - r.mn) / (r.mx - r.mn) : 1);
function stats(vals) {
  const xs = vals.filter((v) => v !== null);
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) || 1;
  return { m, sd, min: Math.min(...xs) };
}
/** cfg: { lex: '0.9-0.4', vf: 0, vkey, P: 200, method: 'minmax'|'rrf'|'z', w: 0.7, rrfk } */
function run(split, cfg) {
  const qr = splits[split];
  const lists = lex(cfg.lex);
  let n = 0,
    r = 0,
    cnt = 0;
  const per = [];
  for (const [qid, j] of qr) {
    const qi = qindex.get(qid);
    const P = cfg.P ?? 200;
    const { s, top } = vtop(qi, cfg.vf ?? 0, cfg.vkey ?? String(cfg.vf ?? 0), P);
    const lexList = lists[qid].slice(0, P);
    const lexMap = new Map(lexList.map(([d, x]) => [docIndex.get(d), x]));
    const pool = [...new Set([...top, ...lexMap.keys()])];
    const cands = pool.map((d) => ({ d, v: s[d], l: lexMap.has(d) ? lexMap.get(d) : null }));
    let score;
    if (cfg.method === 'minmax') {
      const rv = range(cands.map((c) => c.v)),
        rl = range(cands.map((c) => c.l));
      score = (c) => cfg.w * scaled(c.v, rv) + (1 - cfg.w) * scaled(c.l, rl);
    } else if (cfg.method === 'minmaxlist') {
      // lexical min-max over its list, missing = 0; vector range over pool
      const rv = range(cands.map((c) => c.v)),
        rl = range(cands.map((c) => c.l));
      const lo = cfg.lo ?? 0;
      score = (c) => cfg.w * scaled(c.v, rv) + (1 - cfg.w) * (c.l === null ? 0 : lo + (1 - lo) * scaled(c.l, rl));
    } else if (cfg.method === 'z') {
      const sv = stats(cands.map((c) => c.v)),
        sl = stats(cands.map((c) => c.l));
      score = (c) => (cfg.w * (c.v - sv.m)) / sv.sd + ((1 - cfg.w) * ((c.l === null ? sl.min : c.l) - sl.m)) / sl.sd;
    } else if (cfg.method === 'maxnorm') {
      const rv = range(cands.map((c) => c.v)),
        rl = range(cands.map((c) => c.l));
      score = (c) => cfg.w * (c.v / rv.mx) + (1 - cfg.w) * ((c.l ?? 0) / (rl ? rl.mx : 1));
    } else if (cfg.method === 'rrf') {
      const k = cfg.rrfk ?? 60;
      const vr = new Map([...cands].sort((a, b) => b.v - a.v).map((c, i) => [c.d, i + 1]));
      const lr = new Map(lexList.map(([d], i) => [docIndex.get(d), i + 1]));
      score = (c) => cfg.w / (k + vr.get(c.d)) + (lr.has(c.d) ? (1 - cfg.w) / (k + lr.get(c.d)) : 0);
    } else if (cfg.method === 'fn') score = cfg.fn(cands);
    const ranked = cands
      .map((c) => ({ id: V.ids[c.d], x: score(c) }))
      .sort((a, b) => b.x - a.x || (a.id < b.id ? -1 : 1))
      .map((c) => c.id);
    const nq = L.ndcg10(ranked, j);
    per.push(nq);
    n += nq;
    r += L.recall(ranked, j, 100);
    cnt++;
  }
  return { ndcg: n / cnt, r100: r / cnt, per };
}
module.exports = { run, V, feats, F, nd };
if (require.main === module) {
  // The shipped default (minmax, vector 0.7) and its neighbours.
  for (const w of [0.6, 0.65, 0.7, 0.75, 0.8]) {
    const a = run('train', { lex: '0.9-0.4', method: 'minmax', w });
    console.log('minmax', w, a.ndcg.toFixed(4), a.r100.toFixed(4));
  }
}
