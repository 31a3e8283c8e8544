/**
 * Retrieval quality on BEIR SciFact (300 test claims, 5,183 abstracts): nDCG@10, R@100, R@1000
 * with trec_eval semantics, next to the published BM25 and dense numbers.
 *
 *   npm run bench:retrieval                       # offline study in a scratch Postgres database
 *   npm run bench:retrieval -- --via-api --base http://127.0.0.1:3000 [--token T]
 *
 * Parameters (fusion weights, BM25 candidate cut-off) are chosen on the 809 train claims; the
 * test claims are only ever reported. Ties: score descending, then doc id ascending.
 */
import { Command } from 'commander';
import { bm25SearchSql, Candidate, DEFAULT_BM25, fuse, FusionMethod } from '@engram/search';
import { evaluateRuns, Judgements, RunMetrics, ScoredDoc } from '../lib/retrieval-metrics';
import { loadViaApi, searchViaApi, waitForVectors } from './api';
import { latencyLine, machineLine, PUBLISHED, Row, table } from './report';
import { defaultSciFactDir, loadSciFact, SciFact, sciFactAvailable } from './scifact';
import { ScratchStudy, TENANT } from './scratch';

type Run = Map<string, ScoredDoc[]>;
type Search = (query: string) => Promise<ScoredDoc[]>;

const DEPTH = 1000;

async function runQueries(
  data: SciFact,
  qrels: ReadonlyMap<string, Judgements>,
  search: Search,
  latencies?: number[],
): Promise<Run> {
  const run: Run = new Map();
  for (const queryId of qrels.keys()) {
    const text = data.queries.get(queryId);
    if (text === undefined) {
      continue;
    }
    const began = performance.now();
    run.set(queryId, await search(text));
    latencies?.push(performance.now() - began);
  }
  return run;
}

interface SplitRuns {
  train: Run;
  test: Run;
}

async function both(data: SciFact, search: Search): Promise<SplitRuns> {
  return { train: await runQueries(data, data.train, search), test: await runQueries(data, data.test, search) };
}

function row(data: SciFact, system: string, runs: SplitRuns, note?: string): Row {
  return { system, train: evaluateRuns(data.train, runs.train), test: evaluateRuns(data.test, runs.test), note };
}

function fuseRuns(a: Run, b: Run, fuse: (a: ScoredDoc[], b: ScoredDoc[]) => ScoredDoc[]): Run {
  const fused: Run = new Map();
  for (const queryId of new Set([...a.keys(), ...b.keys()])) {
    fused.set(queryId, fuse(a.get(queryId) ?? [], b.get(queryId) ?? []));
  }
  return fused;
}

/**
 * The product's fusion (libs/search/src/fusion.ts) over two result lists, relevance only (no
 * recency, importance, access or relation: the corpus has none): what search ranks by.
 */
function productFusion(method: FusionMethod, lexicalWeight: number) {
  return (lexical: ScoredDoc[], vector: ScoredDoc[]): ScoredDoc[] => {
    const pool = new Map<string, Candidate>();
    const entry = (id: string): Candidate => {
      let candidate = pool.get(id);
      if (candidate === undefined) {
        candidate = {
          id,
          lexicalScore: null,
          vectorScore: null,
          createdAt: new Date(0),
          importance: 0,
          accessCount: 0,
          relationDepth: null,
          relationWeight: null,
        };
        pool.set(id, candidate);
      }
      return candidate;
    };
    lexical.forEach((doc) => (entry(doc.docId).lexicalScore = doc.score));
    vector.forEach((doc) => (entry(doc.docId).vectorScore = doc.score));
    const weights = {
      vector: 1 - lexicalWeight,
      lexical: lexicalWeight,
      relevance: 1,
      recency: 0,
      importance: 0,
      access: 0,
      relation: 0,
    };
    return fuse([...pool.values()], { method, weights, halfLifeHours: 1, now: 0 }).map((s) => ({
      docId: s.id,
      score: s.score,
    }));
  };
}

const rrf = (lexicalWeight: number) => productFusion('rrf', lexicalWeight);
const weighted = (lexicalWeight: number) => productFusion('weighted', lexicalWeight);

/** Picks the variant with the best train nDCG@10 (ties: the earlier, i.e. simpler, one). */
function bestOnTrain(rows: Row[]): Row {
  return rows.reduce((best, candidate) =>
    (candidate.train?.ndcg10 ?? 0) > (best.train?.ndcg10 ?? 0) ? candidate : best,
  );
}

async function explain(study: ScratchStudy, sql: string, params: unknown[]): Promise<string> {
  const rows = await study.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`,
    params,
  );
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

async function offlineStudy(data: SciFact, adminUrl: string, scaleCopies: number): Promise<void> {
  const study = await ScratchStudy.create(adminUrl);
  try {
    const [{ version }] = await study.query<{ version: string }>(
      `SELECT split_part(version(), ' on ', 1) || ', pgvector ' || (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS version`,
    );
    console.log(machineLine(version));
    let began = performance.now();
    const loadTimings = await study.load(TENANT, data.docs, { embed: true });
    console.log(
      `loaded ${data.docs.length} docs in ${((performance.now() - began) / 1000).toFixed(1)} s (embedding included); ` +
        `insert statements of 1000 rows with statistics triggers: ${loadTimings.map((t) => t.toFixed(0)).join(', ')} ms`,
    );

    const plainTimings = await study.load(TENANT, data.docs, { embed: true, table: 'memories_plain' });
    console.log(
      `the same inserts into a twin table without the statistics triggers: ${plainTimings.map((t) => t.toFixed(0)).join(', ')} ms`,
    );

    const rows: Row[] = [];
    const timed = async (label: string, search: Search): Promise<SplitRuns> => {
      const t0 = performance.now();
      const runs = await both(data, search);
      console.log(`  ${label}: ${((performance.now() - t0) / (data.train.size + data.test.size)).toFixed(2)} ms/query`);
      return runs;
    };

    console.log('\nlexical baselines and BM25 (1,109 queries each):');
    const websearch = await timed('ts_rank_cd websearch', (q) =>
      study.tsRank(q, { config: 'english', cover: true, and: true, limit: DEPTH }),
    );
    rows.push(row(data, 'ts_rank_cd, english, websearch_to_tsquery (AND)', websearch));
    const tsRank = await timed('ts_rank or', (q) => study.tsRank(q, { config: 'english', cover: false, limit: DEPTH }));
    rows.push(row(data, 'ts_rank, english, OR of lexemes', tsRank));
    const tsRankCd = await timed('ts_rank_cd or', (q) =>
      study.tsRank(q, { config: 'english', cover: true, limit: DEPTH }),
    );
    rows.push(row(data, 'ts_rank_cd, english, OR of lexemes', tsRankCd));
    const tsRankCdSimple = await timed('ts_rank_cd simple', (q) =>
      study.tsRank(q, { config: 'simple', cover: true, limit: DEPTH }),
    );
    rows.push(row(data, 'ts_rank_cd, simple, OR of lexemes', tsRankCdSimple));

    const bm25Simple = await timed('bm25 simple', (q) =>
      study.bm25(q, { config: 'simple', parameters: { ...DEFAULT_BM25, maxDocFrequency: 1 }, limit: DEPTH }),
    );
    rows.push(row(data, 'BM25 SQL, simple, dl = lexemes, every lexeme probes', bm25Simple));
    const cutRows: Row[] = [];
    const bm25Runs = new Map<number, SplitRuns>();
    for (const maxDocFrequency of [1, 0.25, 0.1, 0.05]) {
      const runs = await timed(`bm25 english maxDf ${maxDocFrequency}`, (q) =>
        study.bm25(q, {
          config: 'english',
          parameters: { ...DEFAULT_BM25, maxDocFrequency },
          limit: DEPTH,
        }),
      );
      bm25Runs.set(maxDocFrequency, runs);
      cutRows.push(
        row(data, `BM25 SQL, english, dl = lexemes, lexemes with df ≤ ${maxDocFrequency * 100}% probe`, runs),
      );
    }
    rows.push(...cutRows);
    const exactBm25 = bm25Runs.get(1)!;
    // Common lexemes are added to the best rescoreFactor × limit candidates only: at the
    // product's depth (k ≤ 200, a pool of 2k), how far can that go before quality moves?
    const rescoreRows: Row[] = [];
    for (const rescoreFactor of [1, 2, 3, 1000]) {
      const runs = await timed(`bm25 english maxDf 0.1 rescore ${rescoreFactor}x k=100`, (q) =>
        study.bm25(q, {
          config: 'english',
          parameters: { ...DEFAULT_BM25, maxDocFrequency: 0.1, rescoreFactor },
          limit: 100,
        }),
      );
      rescoreRows.push(
        row(
          data,
          `BM25 k=100, df ≤ 10% probe, common lexemes added to the best ${rescoreFactor === 1000 ? 'all' : `${rescoreFactor} × 100`}`,
          runs,
        ),
      );
    }
    rows.push(...rescoreRows);

    const vector = await timed('vector exact', (q) => study.vector(q, DEPTH));
    rows.push(row(data, 'vector: hashing 384-d (uni+bigrams), exact cosine', vector));

    console.log('\nfusion of BM25 (english, all lexemes) with the hashing vector, depth 1000 each:');
    const fusionRows: Row[] = [];
    fusionRows.push(
      row(data, 'RRF k=60, equal weights', {
        train: fuseRuns(exactBm25.train, vector.train, rrf(0.5)),
        test: fuseRuns(exactBm25.test, vector.test, rrf(0.5)),
      }),
    );
    for (const w of [0.6, 0.7, 0.8, 0.9]) {
      fusionRows.push(
        row(data, `RRF k=60, lexical ${w} / vector ${(1 - w).toFixed(1)}`, {
          train: fuseRuns(exactBm25.train, vector.train, rrf(w)),
          test: fuseRuns(exactBm25.test, vector.test, rrf(w)),
        }),
      );
    }
    for (const w of [0.3, 0.5, 0.6, 0.7, 0.8, 0.9]) {
      fusionRows.push(
        row(data, `weighted sum (search's fusion), lexical ${w} / vector ${(1 - w).toFixed(1)}`, {
          train: fuseRuns(exactBm25.train, vector.train, weighted(w)),
          test: fuseRuns(exactBm25.test, vector.test, weighted(w)),
        }),
      );
    }
    rows.push(...fusionRows);

    // The cut-off trades nothing but candidates: keep the smallest one whose train nDCG@10 and
    // R@100 stay within 0.001 of probing every lexeme.
    const lexicalChoice = [...cutRows]
      .reverse()
      .find(
        (r) =>
          r.train!.ndcg10 >= cutRows[0].train!.ndcg10 - 0.001 &&
          r.train!.recall100 >= cutRows[0].train!.recall100 - 0.001,
      )!;
    const fusionChoice = bestOnTrain([cutRows[0], ...fusionRows]);
    console.log(
      `\nchosen on train: lexical = "${lexicalChoice.system}"; best of BM25 alone and the fusions = "${fusionChoice.system}"\n`,
    );
    console.log(table([...rows, ...PUBLISHED.map((p) => ({ system: p.system, test: p.metrics }))]));

    console.log('\nlatency, one client, named statements, after a warm-up pass (300 test queries):');
    const latency = async (label: string, search: Search): Promise<void> => {
      await runQueries(data, data.test, search);
      const samples: number[] = [];
      await runQueries(data, data.test, search, samples);
      console.log(latencyLine(label, samples));
    };
    const product = (tenantId: string, limit: number) => (q: string) =>
      study.bm25(q, { config: 'english', parameters: DEFAULT_BM25, limit, tenantId });
    await latency(`BM25 (maxDf ${DEFAULT_BM25.maxDocFrequency}), ${data.docs.length} docs, k=10`, product(TENANT, 10));
    await latency(
      `BM25 (maxDf ${DEFAULT_BM25.maxDocFrequency}), ${data.docs.length} docs, k=100`,
      product(TENANT, 100),
    );
    await latency(`vector exact, ${data.docs.length} docs, k=100`, (q) => study.vector(q, 100));

    const sampleQuery = data.queries.get([...data.test.keys()][0])!;
    const params = (tenantId: string) => [
      tenantId,
      'scifact',
      sampleQuery,
      10,
      DEFAULT_BM25.k1,
      DEFAULT_BM25.b,
      DEFAULT_BM25.maxDocFrequency,
      DEFAULT_BM25.rescoreFactor,
    ];
    console.log(
      `\nEXPLAIN ANALYZE, ${data.docs.length} docs, query "${sampleQuery}":\n${await explain(study, bm25SearchSql(), params(TENANT))}`,
    );

    if (scaleCopies > 0) {
      const scaleTenant = 'scale';
      began = performance.now();
      const scaleDocs = Array.from({ length: scaleCopies }, (_, copy) =>
        data.docs.map((doc) => ({ id: `${doc.id}#${copy}`, content: doc.content })),
      ).flat();
      const scaleTimings = await study.load(scaleTenant, scaleDocs, { embed: false });
      scaleTimings.sort((a, b) => a - b);
      console.log(
        `\nscale: ${scaleDocs.length} docs in tenant "${scaleTenant}" (${scaleCopies} copies of the corpus) loaded in ` +
          `${((performance.now() - began) / 1000).toFixed(1)} s; 1000-row insert p50 ${scaleTimings[Math.floor(scaleTimings.length / 2)].toFixed(0)} ms`,
      );
      await latency(
        `BM25 (maxDf ${DEFAULT_BM25.maxDocFrequency}), ${scaleDocs.length} docs, k=10`,
        product(scaleTenant, 10),
      );
      await latency(
        `BM25 (maxDf ${DEFAULT_BM25.maxDocFrequency}), ${scaleDocs.length} docs, k=100`,
        product(scaleTenant, 100),
      );
      await latency(`BM25 (maxDf 1, every lexeme probes), ${scaleDocs.length} docs, k=10`, (q) =>
        study.bm25(q, {
          config: 'english',
          parameters: { ...DEFAULT_BM25, maxDocFrequency: 1 },
          limit: 10,
          tenantId: scaleTenant,
        }),
      );
      console.log(
        `\nEXPLAIN ANALYZE, ${scaleDocs.length} docs:\n${await explain(study, bm25SearchSql(), params(scaleTenant))}`,
      );
    }
  } finally {
    await study.close();
  }
}

async function viaApi(data: SciFact, base: string, token: string | undefined, skipLoad: boolean): Promise<void> {
  const target = { base, token, namespace: 'scifact' };
  console.log(machineLine(`API at ${base}`));
  if (!skipLoad) {
    const began = performance.now();
    const timings = await loadViaApi(target, data.docs);
    console.log(
      `loaded ${data.docs.length} docs in ${((performance.now() - began) / 1000).toFixed(1)} s; batches: ${timings.map((t) => t.toFixed(0)).join(', ')} ms`,
    );
    const statuses = await waitForVectors(target);
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `vectors: ${JSON.stringify(statuses)} ${seconds.toFixed(1)} s after the first write ` +
        `(${(data.docs.length / seconds).toFixed(1)} docs/s with vectors)`,
    );
  }
  const latencies: number[] = [];
  const test = await runQueries(data, data.test, (q) => searchViaApi(target, q, 100), latencies);
  const metrics: RunMetrics = evaluateRuns(data.test, test);
  console.log(
    table([
      { system: 'product search API (k=100; R@1000 capped by k)', test: metrics },
      ...PUBLISHED.map((p) => ({ system: p.system, test: p.metrics })),
    ]),
  );
  console.log(latencyLine('POST /api/v1/memories/search over HTTP, k=100', latencies));
}

async function main(): Promise<void> {
  const options = new Command()
    .option('--data <dir>', 'SciFact directory (BEIR layout)', defaultSciFactDir())
    .option(
      '--database-url <url>',
      'admin URL of the Postgres that hosts the scratch database',
      process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    )
    .option('--scale-copies <n>', 'copies of the corpus for the latency run at scale (0 skips)', '20')
    .option('--via-api', 'run through the product HTTP API instead of the scratch study')
    .option('--base <url>', 'API base URL for --via-api', 'http://127.0.0.1:3000')
    .option('--token <token>', 'bearer token for --via-api', process.env.ENGRAM_ADMIN_TOKEN)
    .option('--skip-load', 'with --via-api: the namespace is already loaded')
    .parse()
    .opts<{
      data: string;
      databaseUrl: string;
      scaleCopies: string;
      viaApi?: boolean;
      base: string;
      token?: string;
      skipLoad?: boolean;
    }>();

  if (!sciFactAvailable(options.data)) {
    console.log(
      `bench:retrieval skipped: SciFact not found at ${options.data} (expects corpus.jsonl, queries.jsonl, qrels/{test,train}.tsv)`,
    );
    return;
  }
  const data = loadSciFact(options.data);
  console.log(
    `SciFact: ${data.docs.length} docs, ${data.test.size} test / ${data.train.size} train queries (${options.data})`,
  );
  const began = performance.now();
  if (options.viaApi) {
    await viaApi(data, options.base, options.token, options.skipLoad === true);
  } else {
    await offlineStudy(data, options.databaseUrl, Number(options.scaleCopies));
  }
  console.log(`\ntotal ${((performance.now() - began) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
