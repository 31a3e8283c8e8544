import { Client, Pool, QueryResultRow } from 'pg';
import {
  bm25SearchSql,
  Bm25Parameters,
  LexicalSchema,
  lexicalPostingsUpSql,
  lexicalStatsUpSql,
  MEMORIES_LEXICAL_SCHEMA,
} from '@engram/search';
import { ScoredDoc } from '../lib/retrieval-metrics';
import { embedText, toVectorLiteral } from '@engram/embeddings';
import { SciFactDoc } from './scifact';

/**
 * A scratch database for the retrieval study: a stand-in `memories` table with the product's
 * shape (tenant_id, id, namespace, content, tsv generated with 'english'), plus what only the
 * study needs (the source doc id, a 'simple'-config tsvector, a pgvector column), and the
 * product's statistics tables and triggers from libs/search. Dropped and rebuilt every run.
 */
export const SCRATCH_DATABASE = 'engram_bench_retrieval';
const SCHEMA = 'retrieval_bench';
export const TENANT = 'scifact';
export const NAMESPACE = 'scifact';

export const SIMPLE_LEXICAL_SCHEMA: LexicalSchema = {
  memories: 'memories',
  tsvColumn: 'tsv_simple',
  config: 'simple',
  statsTable: 'memory_lexical_simple_stats',
  termsTable: 'memory_lexical_simple_terms',
  postingsTable: 'memory_lexical_simple_postings',
  expiresAtColumn: null,
  prefix: 'memory_lexical_simple',
};

export type TextConfig = 'english' | 'simple';

/** The tsquery OR of a text's lexemes under `config`, quoted for tsquery input. */
const orQuery = (config: TextConfig): string =>
  `(SELECT string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | ')::tsquery
      FROM unnest(to_tsvector('${config}', $3)))`;
const tsvColumn = (config: TextConfig): string => (config === 'english' ? 'tsv' : 'tsv_simple');

export class ScratchStudy {
  private docIdByUuid = new Map<string, string>();

  private constructor(readonly pool: Pool) {}

  static async create(adminUrl: string): Promise<ScratchStudy> {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [SCRATCH_DATABASE]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE ${SCRATCH_DATABASE}`);
      }
    } finally {
      await admin.end();
    }
    const url = new URL(adminUrl);
    url.pathname = `/${SCRATCH_DATABASE}`;
    const pool = new Pool({ connectionString: url.toString(), max: 2, options: `-c search_path=${SCHEMA},public` });
    pool.on('error', () => undefined);
    await pool.query(
      `CREATE EXTENSION IF NOT EXISTS vector; DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA};`,
    );
    await pool.query(`
      CREATE TABLE memories (
        tenant_id   text NOT NULL,
        id          uuid NOT NULL DEFAULT gen_random_uuid(),
        namespace   text NOT NULL,
        content     text NOT NULL,
        doc_id      text NOT NULL,
        tsv         tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
        tsv_simple  tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
        embedding   vector(384),
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX memories_namespace_idx ON memories (tenant_id, namespace);
      -- Without statistics triggers: the write-cost baseline.
      CREATE TABLE memories_plain (LIKE memories INCLUDING ALL);
    `);
    // The stand-in has no expiry column: the product's postings DDL without expires_at.
    await pool.query(
      lexicalStatsUpSql(MEMORIES_LEXICAL_SCHEMA) +
        lexicalPostingsUpSql({ ...MEMORIES_LEXICAL_SCHEMA, expiresAtColumn: null }),
    );
    await pool.query(lexicalStatsUpSql(SIMPLE_LEXICAL_SCHEMA) + lexicalPostingsUpSql(SIMPLE_LEXICAL_SCHEMA));
    return new ScratchStudy(pool);
  }

  async query<R extends QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
    const result = await this.pool.query<R>(name ? { name, text: sql, values: params } : { text: sql, values: params });
    return result.rows;
  }

  /**
   * Inserts the corpus in statements of `batch` rows (as the batch API would), so the
   * statistics triggers run per statement; returns the milliseconds each statement took.
   */
  async load(
    tenantId: string,
    docs: readonly SciFactDoc[],
    options: { embed: boolean; batch?: number; table?: 'memories' | 'memories_plain' },
  ): Promise<number[]> {
    const batch = options.batch ?? 1000;
    const timings: number[] = [];
    for (let start = 0; start < docs.length; start += batch) {
      const chunk = docs.slice(start, start + batch);
      const embeddings = options.embed
        ? chunk.map((doc) => toVectorLiteral(embedText(doc.content)))
        : chunk.map(() => null);
      const began = performance.now();
      const rows = await this.query<{ id: string; doc_id: string }>(
        `INSERT INTO ${options.table ?? 'memories'} (tenant_id, namespace, content, doc_id, embedding)
         SELECT $1, $2, c.content, c.doc_id, c.embedding::vector
           FROM unnest($3::text[], $4::text[], $5::text[]) AS c(content, doc_id, embedding)
         RETURNING id, doc_id`,
        [tenantId, NAMESPACE, chunk.map((doc) => doc.content), chunk.map((doc) => doc.id), embeddings],
      );
      timings.push(performance.now() - began);
      for (const row of rows) {
        this.docIdByUuid.set(row.id, row.doc_id);
      }
    }
    await this.query('ANALYZE');
    return timings;
  }

  private toDocs(rows: { id: string; score: number }[]): ScoredDoc[] {
    return rows.map((row) => ({ docId: this.docIdByUuid.get(row.id) ?? row.id, score: Number(row.score) }));
  }

  /** Postgres' built-in ranking over the OR of the query's lexemes (or, with `and`, websearch_to_tsquery). */
  async tsRank(
    query: string,
    options: { config: TextConfig; cover: boolean; and?: boolean; limit: number },
  ): Promise<ScoredDoc[]> {
    const column = tsvColumn(options.config);
    const tsquery = options.and ? `websearch_to_tsquery('${options.config}', $3)` : orQuery(options.config);
    const rank = options.cover ? 'ts_rank_cd' : 'ts_rank';
    const rows = await this.query<{ id: string; score: number }>(
      `WITH q AS MATERIALIZED (SELECT ${tsquery} AS tsq)
       SELECT m.id, ${rank}(m.${column}, (SELECT tsq FROM q))::float8 AS score
         FROM memories m
        WHERE m.tenant_id = $1 AND m.namespace = $2 AND m.${column} @@ (SELECT tsq FROM q)
        ORDER BY score DESC, m.id LIMIT $4`,
      [TENANT, NAMESPACE, query, options.limit],
      `ts_${rank}_${options.config}_${options.and ? 'and' : 'or'}`,
    );
    return this.toDocs(rows);
  }

  async bm25(
    query: string,
    options: {
      config: TextConfig;
      parameters: Bm25Parameters;
      limit: number;
      tenantId?: string;
    },
  ): Promise<ScoredDoc[]> {
    const schema = options.config === 'english' ? MEMORIES_LEXICAL_SCHEMA : SIMPLE_LEXICAL_SCHEMA;
    const { k1, b, maxDocFrequency, rescoreFactor } = options.parameters;
    const rows = await this.query<{ id: string; score: number }>(
      bm25SearchSql(schema),
      [options.tenantId ?? TENANT, NAMESPACE, query, options.limit, k1, b, maxDocFrequency, rescoreFactor],
      `bm25_${options.config}`,
    );
    return this.toDocs(rows);
  }

  /** Exact cosine search (sequential scan: at 5k rows exact is cheap and has perfect recall). */
  async vector(query: string, limit: number): Promise<ScoredDoc[]> {
    const embedding = embedText(query);
    const rows = await this.query<{ id: string; score: number }>(
      `SELECT id, (1 - (embedding <=> $3::vector))::float8 AS score
         FROM memories WHERE tenant_id = $1 AND namespace = $2
        ORDER BY embedding <=> $3::vector, id LIMIT $4`,
      [TENANT, NAMESPACE, toVectorLiteral(embedding), limit],
      'vector_exact',
    );
    return this.toDocs(rows);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
