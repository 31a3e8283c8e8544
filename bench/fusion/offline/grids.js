'use strict';
// Step 5: the grids in bench/README.md ("fusion", "What did not move it"), train only unless STUDY_SPLITS
// says otherwise; the last block is the paired comparison (per-claim nDCG@10 differences) against the default.
const { run } = require('./evaluate');

const splits = (process.env.STUDY_SPLITS ?? 'train').split(',');
const row = (name, cfg) =>
  console.log(
    name.padEnd(36),
    splits
      .map((s) => {
        const a = run(s, cfg);
        return `${s} ${a.ndcg.toFixed(4)} ${a.r100.toFixed(4)}`;
      })
      .join(' | '),
  );
const mix = (lambda, feature) => (f, b, nd, d) => (1 - lambda) * f[b + d] + lambda * f[b + feature * nd + d];

for (const lex of ['0.9-0.4', '0.6-0.4', '1.2-0.4', '0.9-0.6', '1.2-0.6', '0.9-0.75', '1.2-0.75', '1.5-0.6']) {
  for (const w of [0.65, 0.7, 0.75]) row(`bm25 ${lex} minmax ${w}`, { lex, method: 'minmax', w });
}
for (const w of [0.6, 0.65, 0.7, 0.75, 0.8]) row(`minmax ${w}`, { lex: '0.9-0.4', method: 'minmax', w });
for (const w of [0.5, 0.6, 0.7, 0.8]) row(`z-score ${w}`, { lex: '0.9-0.4', method: 'z', w });
for (const k of [10, 30, 60]) {
  for (const w of [0.5, 0.6, 0.7, 0.8]) row(`rrf k${k} ${w}`, { lex: '0.9-0.4', method: 'rrf', w, rrfk: k });
}
for (const [feature, name] of [
  [1, 'first window'],
  [2, 'mean of passages'],
  [3, 'mean of best two'],
]) {
  for (const w of [0.6, 0.7, 0.8]) row(`${name} ${w}`, { lex: '0.9-0.4', method: 'minmax', w, vf: feature });
}
for (const lambda of [0.25, 0.5]) {
  for (const w of [0.7, 0.75]) {
    row(`best + ${lambda} mean ${w}`, { lex: '0.9-0.4', method: 'minmax', w, vkey: `mm${lambda}`, vf: mix(lambda, 2) });
    row(`best + ${lambda} first ${w}`, {
      lex: '0.9-0.4',
      method: 'minmax',
      w,
      vkey: `mf${lambda}`,
      vf: mix(lambda, 1),
    });
  }
}

const base = run('train', { lex: '0.9-0.4', method: 'minmax', w: 0.7 }).per;
const paired = (name, cfg) => {
  const diff = run('train', cfg).per.map((x, i) => x - base[i]);
  const mean = diff.reduce((s, x) => s + x, 0) / diff.length;
  const sd = Math.sqrt(diff.reduce((s, x) => s + (x - mean) ** 2, 0) / (diff.length - 1));
  console.log(
    `${name.padEnd(36)} train Δ ${mean.toFixed(4)} ± ${(sd / Math.sqrt(diff.length)).toFixed(4)} (s.e.),`,
    `${diff.filter((x) => x > 1e-9).length} claims better, ${diff.filter((x) => x < -1e-9).length} worse`,
  );
};
paired('best + 0.25 first, minmax 0.7', { lex: '0.9-0.4', method: 'minmax', w: 0.7, vkey: 'mf0.25', vf: mix(0.25, 1) });
paired('bm25 k1 0.6 b 0.4, minmax 0.7', { lex: '0.6-0.4', method: 'minmax', w: 0.7 });
paired('z-score 0.7', { lex: '0.9-0.4', method: 'z', w: 0.7 });
