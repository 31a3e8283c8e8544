import type { QueryRunner } from 'typeorm';
import { MIGRATIONS } from '@engram/migrations';
import { createPostgresDatabase, TestDatabase } from '@engram/test-support/database';
import { DEFAULT_BM25, searchBm25 } from './bm25.sql';

/**
 * Real Postgres, an empty database: the scorer and the statistics and postings that migrations
 * 0015 and 0017 create (their own SQL, run as they are), on a stand-in with only the columns
 * they rely on (search.http.spec.ts covers them on the fully migrated `memories` table).
 */
const STAND_IN = `
  CREATE TABLE memories (
    tenant_id  text NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    namespace  text NOT NULL,
    content    text NOT NULL,
    expires_at timestamptz,
    tsv        tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
    PRIMARY KEY (tenant_id, id)
  );
  -- What the lexical migrations find in place: migration 0012's index, which 0015 drops, and a
  -- no-op for row-level security (migration 0009 and rls.spec.ts cover that).
  CREATE EXTENSION IF NOT EXISTS btree_gin;
  CREATE INDEX memories_tsv_idx ON memories USING gin (tenant_id, tsv);
  CREATE FUNCTION engram_enable_tenant_rls(target regclass) RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN END $fn$;
`;

const LEXICAL_MIGRATIONS = ['MemoryLexicalStats1763800000015', 'MemoryLexicalPostings1763800000017'].map((name) => {
  const Migration = MIGRATIONS.find((candidate) => new candidate().name === name);
  if (!Migration) {
    throw new Error(`no migration ${name}`);
  }
  return new Migration();
});

describe('BM25 over Postgres full-text statistics', () => {
  let database: TestDatabase;

  // SqlMigration only ever calls query(); the statements run on the test pool, outside a transaction.
  const runner = () => ({ query: (sql: string) => database.db.query(sql) }) as unknown as QueryRunner;
  const migrateUp = async () => {
    for (const migration of LEXICAL_MIGRATIONS) {
      await migration.up(runner());
    }
  };
  const migrateDown = async () => {
    for (const migration of [...LEXICAL_MIGRATIONS].reverse()) {
      await migration.down(runner());
    }
  };

  beforeAll(async () => {
    database = await createPostgresDatabase({ empty: true });
    await database.db.query(STAND_IN);
    await migrateUp();
  });
  afterAll(() => database.drop());

  const insert = async (tenantId: string, namespace: string, ...contents: string[]): Promise<string[]> => {
    const rows = await database.db.query<{ id: string }>(
      `INSERT INTO memories (tenant_id, namespace, content) SELECT $1, $2, unnest($3::text[]) RETURNING id`,
      [tenantId, namespace, contents],
    );
    return rows.map((row) => row.id);
  };
  const stats = (tenantId: string, namespace: string) =>
    database.db.query<{ doc_count: string; total_lexemes: string; total_tokens: string }>(
      'SELECT doc_count, total_lexemes, total_tokens FROM memory_lexical_stats WHERE tenant_id = $1 AND namespace = $2',
      [tenantId, namespace],
    );
  const docFreq = async (tenantId: string, namespace: string): Promise<Record<string, number>> => {
    const rows = await database.db.query<{ lexeme: string; doc_freq: number }>(
      'SELECT lexeme, doc_freq FROM memory_lexical_terms WHERE tenant_id = $1 AND namespace = $2',
      [tenantId, namespace],
    );
    return Object.fromEntries(rows.map((row) => [row.lexeme, row.doc_freq]));
  };

  const postings = (tenantId: string) =>
    database.db.query(
      `SELECT namespace, lexeme, memory_id, tf, dl, expires_at FROM memory_lexical_postings
        WHERE tenant_id = $1 ORDER BY namespace, lexeme, memory_id`,
      [tenantId],
    );
  const recountedPostings = (tenantId: string) =>
    database.db.query(
      `SELECT m.namespace, l.lexeme, m.id AS memory_id, coalesce(array_length(l.positions, 1), 1)::smallint AS tf,
              length(m.tsv) AS dl, m.expires_at
         FROM memories m CROSS JOIN LATERAL unnest(m.tsv) AS l
        WHERE m.tenant_id = $1 ORDER BY m.namespace, l.lexeme, m.id`,
      [tenantId],
    );

  it('scores with BM25 (k1 0.9, b 0.4, dl = distinct lexemes) exactly as computed by hand', async () => {
    const [banana, cherry] = await insert('t-score', 'n', 'apple banana', 'apple apple cherry', 'durian');
    await insert('t-other', 'n', 'cherry cherry cherry cherry'); // another tenant's words never count

    const hits = await searchBm25(database.db, 't-score', 'n', 'apples and cherries', 10);

    // N = 3, avgdl = (2 + 2 + 1) / 3 lexemes; df(appl) = 2, df(cherri) = 1.
    const avgdl = 5 / 3;
    const idfApple = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
    const idfCherry = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
    const term = (idf: number, tf: number, dl: number) =>
      (idf * tf * 1.9) / (tf + 0.9 * (1 - 0.4 + (0.4 * dl) / avgdl));
    expect(hits.map((hit) => hit.id)).toEqual([cherry, banana]);
    expect(hits[0].score).toBeCloseTo(term(idfApple, 2, 2) + term(idfCherry, 1, 2), 10);
    expect(hits[1].score).toBeCloseTo(term(idfApple, 1, 2), 10);
  });

  it('keeps document counts, lengths and frequencies exact through insert, update, move and delete', async () => {
    const [first, second] = await insert('t-stats', 'a', 'red fox jumps', 'red red hen');
    expect(await stats('t-stats', 'a')).toEqual([{ doc_count: '2', total_lexemes: '5', total_tokens: '6' }]);
    expect(await docFreq('t-stats', 'a')).toEqual({ red: 2, fox: 1, jump: 1, hen: 1 });

    await database.db.query(`UPDATE memories SET content = 'blue fox' WHERE tenant_id = $1 AND id = $2`, [
      't-stats',
      first,
    ]);
    expect(await docFreq('t-stats', 'a')).toEqual({ red: 1, fox: 1, blue: 1, hen: 1 });

    await database.db.query(`UPDATE memories SET namespace = 'b' WHERE tenant_id = $1 AND id = $2`, [
      't-stats',
      second,
    ]);
    expect(await docFreq('t-stats', 'a')).toEqual({ fox: 1, blue: 1 });
    expect(await docFreq('t-stats', 'b')).toEqual({ red: 1, hen: 1 });

    await database.db.query(`DELETE FROM memories WHERE tenant_id = $1`, ['t-stats']);
    expect(await stats('t-stats', 'a')).toEqual([]);
    expect(await docFreq('t-stats', 'a')).toEqual({});
    expect(await docFreq('t-stats', 'b')).toEqual({});
  });

  it('keeps the postings equal to the tsvectors through insert, rewording, move, expiry change and delete', async () => {
    const [first, second] = await insert('t-postings', 'a', 'red fox jumps over the red hen', 'blue sky');
    // red (tf 2), fox, jump, hen (dl 4); blue, sky (dl 2). "over" and "the" are stop words.
    expect(await postings('t-postings')).toHaveLength(6);
    expect(await postings('t-postings')).toContainEqual(
      expect.objectContaining({ lexeme: 'red', memory_id: first, tf: 2, dl: 4 }),
    );
    expect(await postings('t-postings')).toEqual(await recountedPostings('t-postings'));
    const update = (set: string, id: string) =>
      database.db.query(`UPDATE memories SET ${set} WHERE tenant_id = $1 AND id = $2`, ['t-postings', id]);

    await update(`content = 'green fox'`, first);
    expect(await postings('t-postings')).toEqual(await recountedPostings('t-postings'));
    await update(`namespace = 'b'`, second);
    expect(await postings('t-postings')).toEqual(await recountedPostings('t-postings'));
    await update(`expires_at = now() + interval '1 hour'`, second);
    expect(await postings('t-postings')).toEqual(await recountedPostings('t-postings'));
    expect((await postings('t-postings')).filter((row) => row.expires_at !== null)).toHaveLength(2);
    await database.db.query(`DELETE FROM memories WHERE tenant_id = $1 AND id = $2`, ['t-postings', first]);
    expect(await postings('t-postings')).toEqual(await recountedPostings('t-postings'));
    expect(await postings('t-postings')).toHaveLength(2);
  });

  it('adds the common lexemes to the best candidates, and never returns an expired memory', async () => {
    // 20 documents: "alpha" in 4 (common: above 10%), "zebra" in 2 (rare: probes).
    const [both, short] = await insert(
      't-rescore',
      'n',
      'zebra alpha',
      'zebra',
      ...Array.from({ length: 3 }, (_, i) => `alpha filler${i}`),
      ...Array.from({ length: 15 }, (_, i) => `plain filler${i + 3}`),
    );
    const hits = await searchBm25(database.db, 't-rescore', 'n', 'zebra alpha', 10);

    const avgdl = (2 + 1 + 18 * 2) / 20;
    const idf = (df: number) => Math.log(1 + (20 - df + 0.5) / (df + 0.5));
    const term = (df: number, dl: number) => (idf(df) * 1.9) / (1 + 0.9 * (1 - 0.4 + (0.4 * dl) / avgdl));
    // Only the zebra documents are candidates; "alpha" still counts in their scores.
    expect(hits.map((hit) => hit.id)).toEqual([both, short]);
    expect(hits[0].score).toBeCloseTo(term(2, 2) + term(4, 2), 10);
    expect(hits[1].score).toBeCloseTo(term(2, 1), 10);

    expect((await searchBm25(database.db, 't-rescore', 'n', 'zebra alpha', 1)).map((hit) => hit.id)).toEqual([both]);
    // With room to rescore only the limit (1 × 1), the candidate best on "zebra" alone is kept.
    const narrow = await searchBm25(database.db, 't-rescore', 'n', 'zebra alpha', 1, {
      ...DEFAULT_BM25,
      rescoreFactor: 1,
    });
    expect(narrow.map((hit) => hit.id)).toEqual([short]);

    await database.db.query(
      `UPDATE memories SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND id = $2`,
      ['t-rescore', both],
    );
    expect((await searchBm25(database.db, 't-rescore', 'n', 'zebra alpha', 10)).map((hit) => hit.id)).toEqual([short]);
  });

  it('still finds documents when every query lexeme is too common to probe, and survives quotes and backslashes', async () => {
    const ids = await insert('t-common', 'n', 'common word one', 'common word two', 'common word three', 'rare thing');
    const hits = await searchBm25(database.db, 't-common', 'n', 'common', 10, {
      ...DEFAULT_BM25,
      maxDocFrequency: 0.1,
    });
    expect(hits.map((hit) => hit.id).sort()).toEqual(ids.slice(0, 3).sort());

    await insert('t-common', 'n', "o'brien \\path");
    const quoted = await searchBm25(database.db, 't-common', 'n', "O'Brien's \\path 'x' | !", 10);
    expect(quoted).toHaveLength(1);
    expect(await searchBm25(database.db, 't-common', 'n', 'nothing matches zebra', 10)).toEqual([]);
  });

  it('rolls the lexical migrations back and re-applies them, backfilling existing memories', async () => {
    await insert('t-migrate', 'n', 'stored before the statistics existed'); // stor, statist, exist
    await migrateDown();
    await migrateUp();
    expect(await stats('t-migrate', 'n')).toEqual([{ doc_count: '1', total_lexemes: '3', total_tokens: '3' }]);
    expect(await postings('t-migrate')).toEqual(await recountedPostings('t-migrate'));
  });

  it('refuses an empty tenant id', async () => {
    await expect(searchBm25(database.db, '', 'n', 'x', 10)).rejects.toThrow('tenant id is required');
  });
});
