'use strict';
// Shared by the offline fusion study (bench/README.md, "fusion", "What did not move it"): SciFact qrels,
// the cached vectors under .tmp/study, and the trec_eval metrics (as bench/lib/retrieval-metrics.ts).
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');

const OUT = resolve(process.env.STUDY_DIR ?? '.tmp/study');
const DATA = process.env.SCIFACT_DIR ?? resolve('../shared/data/scifact');
const DIMENSIONS = 384;

function qrels(split) {
  const byQuery = new Map();
  for (const line of readFileSync(`${DATA}/qrels/${split}.tsv`, 'utf8').split('\n').slice(1)) {
    if (!line.trim()) continue;
    const [query, doc, score] = line.split('\t');
    if (!byQuery.has(query)) byQuery.set(query, new Map());
    byQuery.get(query).set(doc, Number(score));
  }
  return byQuery;
}

function jsonLines(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

function f32(path) {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/** Query vectors and every document's passage vectors (embed.js). */
function loadVectors() {
  const qids = JSON.parse(readFileSync(`${OUT}/queries.json`, 'utf8'));
  const qv = f32(`${OUT}/queries.f32`);
  const { ids, counts } = JSON.parse(readFileSync(`${OUT}/docs.json`, 'utf8'));
  const pv = f32(`${OUT}/passages.f32`);
  const offsets = [];
  let offset = 0;
  for (const count of counts) {
    offsets.push(offset);
    offset += count;
  }
  return { qids, qv, ids, counts, offsets, pv };
}

/** Cosine of query row `qi` against every passage row. */
function passageSims(vectors, qi) {
  const n = vectors.pv.length / DIMENSIONS;
  const out = new Float32Array(n);
  const q = vectors.qv.subarray(qi * DIMENSIONS, (qi + 1) * DIMENSIONS);
  for (let p = 0; p < n; p++) {
    let s = 0;
    const base = p * DIMENSIONS;
    for (let d = 0; d < DIMENSIONS; d++) s += q[d] * vectors.pv[base + d];
    out[p] = s;
  }
  return out;
}

function ndcg10(ranked, judgements) {
  let dcg = 0;
  ranked.slice(0, 10).forEach((doc, i) => {
    if ((judgements.get(doc) ?? 0) > 0) dcg += 1 / Math.log2(i + 2);
  });
  const relevant = Math.min(10, [...judgements.values()].filter((gain) => gain > 0).length);
  let ideal = 0;
  for (let i = 0; i < relevant; i++) ideal += 1 / Math.log2(i + 2);
  return ideal ? dcg / ideal : 0;
}

function recall(ranked, judgements, k) {
  const relevant = [...judgements.keys()].filter((doc) => judgements.get(doc) > 0);
  const top = new Set(ranked.slice(0, k));
  return relevant.filter((doc) => top.has(doc)).length / relevant.length;
}

module.exports = { OUT, DATA, DIMENSIONS, qrels, jsonLines, f32, loadVectors, passageSims, ndcg10, recall };
