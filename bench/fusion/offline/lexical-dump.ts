import { Client } from 'pg';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createApi } from '../../../apps/api/src/bootstrap';
import { parseConfig } from '@engram/config';
import { migrateUp } from '@engram/migrations';
import { MemoriesService } from '@engram/memories';
import { TenantsService } from '@engram/tenants';
import { DEFAULT_BM25, bm25SearchSql } from '@engram/search';
import { defaultSciFactDir, loadSciFact } from '../../retrieval/scifact';

/**
 * Step 2 of the offline fusion study (bench/README.md, "fusion"): the product's BM25 lists (its own
 * SQL, bm25SearchSql, over memories loaded through MemoriesService into a scratch database) for
 * every SciFact claim, train and test, under each k1:b in BENCH_BM25, as JSON in .tmp/study.
 *
 *   npm run build:bench && BENCH_BM25="0.9:0.4,0.6:0.4" node dist/bench/fusion/offline/lexical-dump.js
 */
const DATA = process.env.SCIFACT_DIR ?? defaultSciFactDir();
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OUT = process.env.BENCH_OUT ?? '.tmp/study';

async function main(): Promise<void> {
  const dbName = `engram_bench_lexdump_${process.pid}`;
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
      EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
    });
    const app = await createApi(config, { databaseUrl: url.toString(), embeddedDatabase: false, worker: true });
    await app.get(TenantsService).create({ id: 'scifact', name: 'SciFact', plan: 'standard' });
    const memories = app.get(MemoriesService);
    const scifact = loadSciFact(DATA);
    const docOf: Record<string, string> = {};
    for (let i = 0; i < scifact.docs.length; i += 500) {
      const slice = scifact.docs.slice(i, i + 500);
      const result = await memories.createBatch('scifact', {
        namespace: 'scifact',
        create_namespace: true,
        memories: slice.map((doc) => ({ content: doc.content, type: 'semantic', metadata: { doc: doc.id } })),
      });
      result.memories.forEach((memory, j) => (docOf[memory.id] = slice[j].id));
    }
    await app.close();
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    await db.query('ANALYZE');
    mkdirSync(OUT, { recursive: true });
    const sql = bm25SearchSql();
    const limit = Number(process.env.BENCH_LIMIT ?? 200);
    const ids = [...scifact.train.keys(), ...scifact.test.keys()];
    for (const setting of (process.env.BENCH_BM25 ?? `${DEFAULT_BM25.k1}:${DEFAULT_BM25.b}`).split(',')) {
      const [k1, b] = setting.split(':').map(Number);
      const began = performance.now();
      const lists: Record<string, [string, number][]> = {};
      for (const id of ids) {
        const { rows } = await db.query<{ id: string; score: number }>(sql, [
          'scifact',
          'scifact',
          scifact.queries.get(id)!,
          limit,
          k1,
          b,
          DEFAULT_BM25.maxDocFrequency,
          DEFAULT_BM25.rescoreFactor,
        ]);
        lists[id] = rows.map((r) => [docOf[r.id], Number(r.score)]);
      }
      writeFileSync(`${OUT}/bm25-${k1}-${b}.json`, JSON.stringify(lists));
      console.log(`k1 ${k1} b ${b}: ${((performance.now() - began) / ids.length).toFixed(1)} ms/query`);
    }
    await db.end();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
