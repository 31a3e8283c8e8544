'use strict';
// Step 3: per claim and document, the vector scores the study compares (feats.f32, [claim][feature][doc]):
// 0 best passage (the product), 1 first window, 2 mean of the passages, 3 mean of the best two, 4 last window.
const L = require('./lib');
const { writeFileSync } = require('node:fs');
const V = L.loadVectors();
const nd = V.ids.length;
const F = 5; // max, first, meanvec, top2mean, last
const out = new Float32Array(V.qids.length * F * nd);
// mean vectors normalised
const mean = new Float32Array(nd * 384);
for (let d = 0; d < nd; d++) {
  let norm = 0;
  for (let k = 0; k < 384; k++) {
    let s = 0;
    for (let p = 0; p < V.counts[d]; p++) s += V.pv[(V.offsets[d] + p) * 384 + k];
    mean[d * 384 + k] = s;
    norm += s * s;
  }
  norm = Math.sqrt(norm);
  for (let k = 0; k < 384; k++) mean[d * 384 + k] /= norm;
}
const t = Date.now();
for (let qi = 0; qi < V.qids.length; qi++) {
  const sims = L.passageSims(V, qi);
  const q = V.qv.subarray(qi * 384, qi * 384 + 384);
  const base = qi * F * nd;
  for (let d = 0; d < nd; d++) {
    const o = V.offsets[d],
      c = V.counts[d];
    let mx = -2,
      second = -2;
    for (let p = 0; p < c; p++) {
      const s = sims[o + p];
      if (s > mx) {
        second = mx;
        mx = s;
      } else if (s > second) second = s;
    }
    let mv = 0;
    for (let k = 0; k < 384; k++) mv += q[k] * mean[d * 384 + k];
    out[base + d] = mx;
    out[base + nd + d] = sims[o];
    out[base + 2 * nd + d] = mv;
    out[base + 3 * nd + d] = c > 1 ? (mx + second) / 2 : mx;
    out[base + 4 * nd + d] = sims[o + c - 1];
  }
}
writeFileSync(`${L.OUT}/feats.f32`, Buffer.from(out.buffer));
console.log('feats', (Date.now() - t) / 1000);
