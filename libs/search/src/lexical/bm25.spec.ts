import { createPostgresDatabase, TestDatabase } from '../../../../test/support/database';
import { lexicalProbeIndexDownSql, lexicalProbeIndexUpSql, lexicalStatsDownSql, lexicalStatsUpSql } from './bm25.ddl';
import { DEFAULT_BM25, searchBm25 } from './bm25.sql';

/**
 * Real Postgres, an empty database: the scorer and its statistics on a stand-in with only the
 * columns they rely on (search.http.spec.ts covers them on the migrated `memories` table).
 */
const STAND_IN = `
  CREATE TABLE memories (
    tenant_id  text NOT NULL,
    id         uuid NOT NULL DEFAULT gen_random_uuid(),
    namespace  text NOT NULL,
    content    text NOT NULL,
    tsv        tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
    PRIMARY KEY (tenant_id, id)
  );
`;

describe('BM25 over Postgres full-text statistics', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createPostgresDatabase({ empty: true });
    await database.db.query(STAND_IN);
    await database.db.query(lexicalStatsUpSql() + lexicalProbeIndexUpSql());
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

  it('rolls the statistics migration back and re-applies it, backfilling existing memories', async () => {
    await insert('t-migrate', 'n', 'stored before the statistics existed'); // stor, statist, exist
    await database.db.query(lexicalProbeIndexDownSql() + lexicalStatsDownSql());
    await database.db.query(lexicalStatsUpSql() + lexicalProbeIndexUpSql());
    expect(await stats('t-migrate', 'n')).toEqual([{ doc_count: '1', total_lexemes: '3', total_tokens: '3' }]);
  });

  it('refuses an empty tenant id', async () => {
    await expect(searchBm25(database.db, '', 'n', 'x', 10)).rejects.toThrow('tenant id is required');
  });
});
