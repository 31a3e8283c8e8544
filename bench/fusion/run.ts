import { Client } from 'pg';
import { createApi } from '../../apps/api/src/bootstrap';
import { parseConfig } from '@engram/config';
import { migrateUp } from '@engram/migrations';
import { InlineJobQueue, JobQueue } from '@engram/jobs';
import { MemoriesService } from '@engram/memories';
import { Candidate, DEFAULT_WEIGHTS, FusionMethod, SearchService, SearchWeights, fuse } from '@engram/search';
import { ndcgAt, recallAt } from '../lib/retrieval-metrics';
import { TenantsService } from '@engram/tenants';
import { defaultSciFactDir, loadSciFact } from '../retrieval/scifact';
import { postgresVersion, printMachine } from '../lib/machine';

/**
 * Compares fusion methods through the real search path (SearchService.rank, default offline
 * configuration) on SciFact: nDCG@10 and R@100 per split (BENCH_SPLITS, default `test`: the
 * 300 test queries; choose weights on `train`, report `test`). The first row is the product's
 * default (no `fusion`, no `weights` in the request). Evaluation data only (CC BY-NC): nothing
 * of it is stored in the product.
 *
 *   npm run build:bench && BENCH_SPLITS=train,test [BENCH_VECTOR_WEIGHTS=0.05,0.1] [BENCH_MODEL=minilm-l6-v2] \
 *     node dist/bench/fusion/run.js
 *
 * BENCH_GRID=minmax:0.3,0.5;weighted:0.5 searches each query once (k = 200, with the score
 * components) and re-fuses that pool offline with each method and vector weight, through the
 * search path's own `fuse`: a cheap sweep to choose from; confirm the choice with a normal run.
 */
const DATA = process.env.SCIFACT_DIR ?? defaultSciFactDir();
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TENANT = 'scifact';
const MODEL = process.env.BENCH_MODEL ?? 'local-hash-384';

async function main(): Promise<void> {
  const dbName = `engram_bench_fusion_${process.pid}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  try {
    await migrateUp(url.toString());
    const config = parseConfig({
      LOG_LEVEL: 'warn',
      DATABASE_URL: url.toString(),
      MIGRATE_ON_START: 'false',
      // The weights tuned here are the hash model's (fusion.ts defaultRanking); BENCH_MODEL
      // measures another (minilm-l6-v2: its vectors are computed by jobs, awaited below).
      EMBEDDING_DEFAULT_MODEL: MODEL,
    });
    const app = await createApi(config, { databaseUrl: url.toString(), embeddedDatabase: false, worker: true });
    await app.get(TenantsService).create({ id: TENANT, name: 'SciFact', plan: 'standard' });
    const memories = app.get(MemoriesService);
    const search = app.get(SearchService);

    const scifact = loadSciFact(DATA);
    const corpus = scifact.docs;
    const idOf = new Map<string, string>();
    for (let i = 0; i < corpus.length; i += 500) {
      const slice = corpus.slice(i, i + 500);
      const result = await memories.createBatch(TENANT, {
        namespace: 'scifact',
        create_namespace: true,
        memories: slice.map((doc) => ({
          content: doc.content,
          type: 'semantic',
          metadata: { doc: doc.id },
        })),
      });
      result.memories.forEach((memory, j) => idOf.set(memory.id, slice[j].id));
    }
    const queue = app.get(JobQueue);
    if (queue instanceof InlineJobQueue) {
      const began = performance.now();
      await queue.drain();
      console.log(`${MODEL}: vectors ready ${((performance.now() - began) / 1000).toFixed(1)} s after the last write`);
    }
    // A freshly loaded table has no statistics until autovacuum gets to it; plans without them
    // are not what a running system sees.
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    await db.query('ANALYZE memories');
    await db.query('ANALYZE memory_embeddings');
    await db.query('ANALYZE memory_lexical_postings');
    printMachine({ database: await postgresVersion(url.toString()) });
    await db.end();
    if (process.env.BENCH_GRID) {
      await grid(search, scifact, idOf, process.env.BENCH_GRID);
      await app.close();
      return;
    }
    const variants: { name: string; fusion?: FusionMethod; weights?: Partial<SearchWeights> }[] = [
      { name: 'default (request names no fusion or weights)' },
      { name: 'rrf, equal list weights', fusion: 'rrf', weights: { vector: 1, lexical: 1 } },
      { name: 'weighted, equal list weights', fusion: 'weighted', weights: { vector: 1, lexical: 1 } },
      ...(process.env.BENCH_VECTOR_WEIGHTS ?? '0.1').split(',').map((w) => ({
        name: `weighted, lexical ${(1 - Number(w)).toFixed(2)} / vector ${Number(w).toFixed(2)}`,
        fusion: 'weighted' as const,
        weights: { vector: Number(w), lexical: 1 - Number(w) },
      })),
      {
        name: 'vector stage only',
        fusion: 'weighted',
        weights: { vector: 1, lexical: 0, relevance: 1, recency: 0, importance: 0, access: 0, relation: 0 },
      },
    ];
    for (const split of (process.env.BENCH_SPLITS ?? 'test').split(',')) {
      const qrels = split === 'train' ? scifact.train : scifact.test;
      const queries = [...qrels.keys()].map((id) => ({ _id: id, text: scifact.queries.get(id)! }));
      console.log(`\n${split}: ${queries.length} queries\n`);
      console.log('| variant | nDCG@10 | R@100 | fusion | mean ms/query |');
      console.log('|---|---|---|---|---|');
      for (const variant of variants) {
        let ndcg = 0;
        let recall = 0;
        let fusionUsed = '';
        const began = performance.now();
        for (const query of queries) {
          const { results, fusion } = await search.rank(TENANT, {
            query: query.text,
            namespaces: ['scifact'],
            k: 100,
            fusion: variant.fusion,
            weights: variant.weights,
          });
          fusionUsed = fusion;
          // Search order as returned (score descending); each doc appears once.
          const ranked = results.map((r, i) => ({ docId: idOf.get(r.memory.id)!, score: results.length - i }));
          const judgements = qrels.get(query._id)!;
          ndcg += ndcgAt(ranked, judgements, 10);
          recall += recallAt(ranked, judgements, 100);
        }
        const ms = (performance.now() - began) / queries.length;
        console.log(
          `| ${variant.name} | ${(ndcg / queries.length).toFixed(4)} | ${(recall / queries.length).toFixed(4)} | ${fusionUsed} | ${ms.toFixed(1)} |`,
        );
      }
    }
    await app.close();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

/** Relevance only: the other components are constant on SciFact (one import, no reads recorded). */
const RELEVANCE_ONLY = { relevance: 1, recency: 0, importance: 0, access: 0, relation: 0 };

async function grid(
  search: SearchService,
  scifact: ReturnType<typeof loadSciFact>,
  idOf: Map<string, string>,
  spec: string,
): Promise<void> {
  const variants = spec.split(';').flatMap((part) => {
    const [method, weights] = part.split(':');
    return weights.split(',').map((w) => ({ method: method as FusionMethod, vector: Number(w) }));
  });
  for (const split of (process.env.BENCH_SPLITS ?? 'train').split(',')) {
    const qrels = split === 'train' ? scifact.train : scifact.test;
    const pools: { query: string; candidates: Candidate[] }[] = [];
    for (const id of qrels.keys()) {
      const { results } = await search.rank(TENANT, {
        query: scifact.queries.get(id)!,
        namespaces: ['scifact'],
        k: 200,
        fusion: 'rrf',
        weights: { vector: 1, lexical: 1, ...RELEVANCE_ONLY },
      });
      pools.push({
        query: id,
        candidates: results.map((r) => ({
          id: r.memory.id,
          lexicalScore: r.components.lexical,
          vectorScore: r.components.vector,
          createdAt: new Date(0),
          importance: 0,
          accessCount: 0,
          relationDepth: null,
          relationWeight: null,
        })),
      });
    }
    console.log(`\n${split}: ${pools.length} queries, pools re-fused offline\n`);
    console.log('| method | vector weight | nDCG@10 | R@100 |');
    console.log('|---|---|---|---|');
    for (const variant of variants) {
      let ndcg = 0;
      let recall = 0;
      for (const pool of pools) {
        const fused = fuse(pool.candidates, {
          method: variant.method,
          weights: { ...DEFAULT_WEIGHTS, ...RELEVANCE_ONLY, vector: variant.vector, lexical: 1 - variant.vector },
          halfLifeHours: 1,
          now: 0,
        });
        const ranked = fused.slice(0, 100).map((s, i) => ({ docId: idOf.get(s.id)!, score: 100 - i }));
        ndcg += ndcgAt(ranked, qrels.get(pool.query)!, 10);
        recall += recallAt(ranked, qrels.get(pool.query)!, 100);
      }
      console.log(
        `| ${variant.method} | ${variant.vector} | ${(ndcg / pools.length).toFixed(4)} | ${(recall / pools.length).toFixed(4)} |`,
      );
    }
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
