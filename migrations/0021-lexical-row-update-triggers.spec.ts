import { Client } from 'pg';
import { MIGRATIONS, migrateDown, migrateUp } from '@engram/migrations';
import { TestDatabase, createTestDatabase } from '@engram/test-support/database';
import { MemoryLexicalStats1763800000015 } from './0015-memory-lexical-stats';
import { MemoryLexicalPostings1763800000017 } from './0017-memory-lexical-postings';

const NAME = 'LexicalRowUpdateTriggers1763800000021';
/** This migration and every one after it, oldest first. */
const fromHere = MIGRATIONS.map((Migration) => new Migration().name).filter(
  (_, index, names) => index >= names.indexOf(NAME),
);

/** A function's body as a migration wrote it, whitespace folded. */
function bodyIn(sql: string, fn: string): string {
  const match = new RegExp(
    `CREATE FUNCTION ${fn}\\(\\) RETURNS trigger LANGUAGE plpgsql AS \\$fn\\$([\\s\\S]*?)\\$fn\\$`,
  ).exec(sql);
  if (!match) {
    throw new Error(`no function ${fn} in the migration`);
  }
  return fold(match[1]);
}

const fold = (text: string) => text.replace(/\s+/g, ' ').trim();
const upSqlOf = (migration: object) => (migration as { upSql: string }).upSql;

describe(`migration ${NAME}`, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    await database.db.query(
      `INSERT INTO namespaces (tenant_id, name, embedding_model)
       SELECT t, n, 'local-hash-384' FROM unnest(ARRAY['t-lex', 't-bulk']) t, unnest(ARRAY['a', 'b']) n`,
    );
  });
  afterAll(async () => {
    await database.drop();
  });

  const insert = async (tenantId: string, namespace: string, contents: string[]): Promise<string[]> =>
    (
      await database.db.query<{ id: string }>(
        `INSERT INTO memories (tenant_id, namespace, content, type) SELECT $1, $2, unnest($3::text[]), 'semantic' RETURNING id`,
        [tenantId, namespace, contents],
      )
    ).map((row) => row.id);

  /** What the triggers keep, and the same recomputed from the memories: equal when they are exact. */
  const kept = (tenantId: string) =>
    Promise.all([
      database.db.query(
        `SELECT namespace, lexeme, memory_id, tf, dl, expires_at FROM memory_lexical_postings
          WHERE tenant_id = $1 ORDER BY 1, 2, 3`,
        [tenantId],
      ),
      database.db.query(
        `SELECT namespace, doc_count::int, total_tokens::int, total_lexemes::int FROM memory_lexical_stats
          WHERE tenant_id = $1 ORDER BY 1`,
        [tenantId],
      ),
      database.db.query(
        `SELECT namespace, lexeme, doc_freq FROM memory_lexical_terms WHERE tenant_id = $1 ORDER BY 1, 2`,
        [tenantId],
      ),
    ]);
  const recounted = (tenantId: string) =>
    Promise.all([
      database.db.query(
        `SELECT m.namespace, l.lexeme, m.id AS memory_id, coalesce(array_length(l.positions, 1), 1)::smallint AS tf,
                length(m.tsv) AS dl, m.expires_at
           FROM memories m CROSS JOIN LATERAL unnest(m.tsv) AS l WHERE m.tenant_id = $1 ORDER BY 1, 2, 3`,
        [tenantId],
      ),
      database.db.query(
        `SELECT namespace, count(*)::int AS doc_count, sum(tsvector_token_count(tsv))::int AS total_tokens,
                sum(length(tsv))::int AS total_lexemes
           FROM memories WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1`,
        [tenantId],
      ),
      database.db.query(
        `SELECT m.namespace, l.lexeme COLLATE "C" AS lexeme, count(*)::int AS doc_freq
           FROM memories m CROSS JOIN LATERAL unnest(m.tsv) AS l WHERE m.tenant_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
        [tenantId],
      ),
    ]);

  it('keeps postings and statistics exact through rewording, moves, expiry, no-op and status updates', async () => {
    const [first, second] = await insert('t-lex', 'a', ['red fox jumps over the red hen', 'blue sky', 'grey owl']);
    const update = (set: string, id: string) =>
      database.db.query(`UPDATE memories SET ${set} WHERE tenant_id = 't-lex' AND id = $1`, [id]);
    expect(await kept('t-lex')).toEqual(await recounted('t-lex'));

    for (const [set, id] of [
      [`content = 'green fox'`, first],
      [`content = 'green fox'`, first],
      [`namespace = 'b'`, second],
      [`expires_at = now() + interval '1 day'`, first],
      [`expires_at = NULL, content = 'green foxes run'`, first],
      [`namespace = 'a', content = 'blue skies'`, second],
      [`embedding_status = 'ready', access_count = access_count + 1`, second],
    ]) {
      await update(set, id);
      expect([set, await kept('t-lex')]).toEqual([set, await recounted('t-lex')]);
    }
    await database.db.query(`UPDATE memories SET namespace = 'b' WHERE tenant_id = 't-lex'`);
    expect(await kept('t-lex')).toEqual(await recounted('t-lex'));
  });

  it('a status update of 1,000 memories fires no lexical trigger, on a session that ran a one-row update first', async () => {
    await insert(
      't-bulk',
      'a',
      Array.from(
        { length: 1000 },
        (_, i) => `memory ${i} ${Array.from({ length: 40 }, (_, k) => `w${(i + k) % 97}x${k}`).join(' ')}`,
      ),
    );
    const session = new Client({ connectionString: database.url });
    await session.connect();
    try {
      // As the app runs it: the app role, row-level security, one tenant per transaction.
      await session.query(`SET ROLE engram_app`);
      const asTenant = async <T>(work: () => Promise<T>): Promise<T> => {
        await session.query(`BEGIN; SELECT set_config('app.tenant_id', 't-bulk', true)`);
        try {
          return await work();
        } finally {
          await session.query('ROLLBACK');
        }
      };
      await asTenant(() =>
        session.query(
          `UPDATE memories SET embedding_status = 'ready', content = content || ' once'
            WHERE tenant_id = 't-bulk' AND id = (SELECT min(id::text)::uuid FROM memories WHERE tenant_id = 't-bulk')`,
        ),
      );
      const plan = await asTenant(async () => {
        const started = Date.now();
        const rows = await session.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, COSTS OFF) UPDATE memories SET embedding_status = 'ready' WHERE tenant_id = 't-bulk'`,
        );
        return { ms: Date.now() - started, text: rows.rows.map((row) => row['QUERY PLAN']).join('\n') };
      });
      expect(plan.text).not.toMatch(/Trigger memory_lexical/);
      // 31 s with the statement-level triggers; tens of milliseconds without them.
      expect(plan.ms).toBeLessThan(2000);
    } finally {
      await session.end();
    }
  });

  const definitions = async () =>
    database.db.query<{ name: string; trigger: string; body: string }>(
      `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS trigger, p.prosrc AS body
         FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE t.tgrelid = 'memories'::regclass AND t.tgname IN ('memory_lexical_update', 'memory_lexical_postings_update')
        ORDER BY 1`,
    );

  it('rolls back to the statement-level triggers of 0015 and 0017 exactly, and re-applies', async () => {
    const after = await definitions();
    expect(after.map((row) => row.trigger)).toEqual([
      expect.stringMatching(/AFTER UPDATE OF .* ON public\.memories FOR EACH ROW WHEN/),
      expect.stringMatching(/AFTER UPDATE OF .* ON public\.memories FOR EACH ROW WHEN/),
    ]);

    expect(await migrateDown(database.url, fromHere.length)).toEqual([...fromHere].reverse());
    const before = await definitions();
    expect(before.map((row) => [row.name, row.trigger, fold(row.body)])).toEqual([
      [
        'memory_lexical_postings_update',
        'CREATE TRIGGER memory_lexical_postings_update AFTER UPDATE ON public.memories REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_postings_on_update()',
        bodyIn(upSqlOf(new MemoryLexicalPostings1763800000017()), 'memory_lexical_postings_on_update'),
      ],
      [
        'memory_lexical_update',
        'CREATE TRIGGER memory_lexical_update AFTER UPDATE ON public.memories REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memory_lexical_on_update()',
        bodyIn(upSqlOf(new MemoryLexicalStats1763800000015()), 'memory_lexical_on_update'),
      ],
    ]);
    // The statement-level triggers keep the same counts.
    await database.db.query(`UPDATE memories SET content = content || ' again' WHERE tenant_id = 't-lex'`);
    expect(await kept('t-lex')).toEqual(await recounted('t-lex'));

    expect(await migrateUp(database.url)).toEqual(fromHere);
    expect(await definitions()).toEqual(after);
    await database.db.query(`UPDATE memories SET content = content || ' and again' WHERE tenant_id = 't-lex'`);
    expect(await kept('t-lex')).toEqual(await recounted('t-lex'));
  });
});
