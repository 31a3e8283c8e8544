import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { walkAndScrape } from '@engram/test-support/metrics-walk';
import { TenantRelations, checkTenantJoins, statementsOf, tenantRelationCount } from '@engram/test-support/sql-tenancy';

/**
 * The precondition for sharding by tenant (docs/scaling.md): on the migrated schema every
 * tenant-owned table's primary key, unique indexes and foreign keys include `tenant_id`, so a
 * distributed Postgres (Citus, distribution column `tenant_id`) can enforce them shard by shard;
 * and no statement joins rows of two tenants, so every statement can run on one shard. The
 * statements are the SQL snapshots under sql/ (every migration, the hot operations) and every
 * statement the app sends while the metrics walk calls each of its routes.
 */

/** Tables without tenant_id, each for a reason. Anything else without it fails the test. */
const GLOBAL_TABLES: Record<string, string> = {
  tenants: 'the tenant directory itself: its key `id` is the tenant id (a Citus reference table, or distributed by id)',
  auth_state: 'one row per deployment-wide fact ("a key was ever created"); never erased with a tenant',
  schema_migrations: "the migrator's bookkeeping (TypeORM), on the coordinator only",
};

/** Unique indexes without tenant_id, each for a reason. */
const GLOBAL_UNIQUE_INDEXES: Record<string, string> = {
  api_keys_key_hash_idx:
    'authentication finds a key by its hash before it knows the tenant, and a hash must name one key ' +
    'everywhere: api_keys is small and rarely written, so on Citus it is a reference table (docs/scaling.md)',
};

/** Statements that touch two tenant-owned relations without tying them to one tenant, each for a reason. */
const CROSS_TENANT_STATEMENTS: { pattern: RegExp; reason: string }[] = [];

let database: TestDatabase;
let client: Client;
let relations: TenantRelations;

beforeAll(async () => {
  database = await createPostgresDatabase();
  client = new Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ table: string; tenant: boolean }>(`
    SELECT c.relname AS table,
           EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
     ORDER BY 1`);
  const tenantColumn = new Map(rows.filter((row) => row.tenant).map((row) => [row.table, 'tenant_id']));
  tenantColumn.set('tenants', 'id');
  // Statement-level triggers see the rows of their (tenant-owned) table as transition tables.
  for (const file of snapshotFiles()) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:OLD|NEW) TABLE AS ([a-z_]+)/g)) {
      tenantColumn.set(match[1], 'tenant_id');
    }
  }
  relations = { tenantColumn };
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

function snapshotFiles(): string[] {
  const root = join(__dirname, '..', 'sql');
  return ['hot', 'migrations'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith('.sql'))
      .map((name) => join(root, dir, name)),
  );
}

async function tenantTables(): Promise<string[]> {
  const { rows } = await client.query<{ table: string }>(`
    SELECT DISTINCT c.relname AS table
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attname = 'tenant_id' AND NOT a.attisdropped
     ORDER BY 1`);
  return rows.map((row) => row.table);
}

describe('keys of tenant-owned tables', () => {
  it('every table has tenant_id, or is a listed global table', async () => {
    const { rows } = await client.query<{ table: string }>(`
      SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
         AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                          WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
       ORDER BY 1`);
    expect(rows.map((row) => row.table)).toEqual(Object.keys(GLOBAL_TABLES).sort());
    expect((await tenantTables()).length).toBeGreaterThanOrEqual(12);
  });

  it('every primary key and unique index of a tenant-owned table includes tenant_id among its key columns', async () => {
    // indkey's first indnkeyatts entries are the key; INCLUDE columns do not count (no shard could
    // enforce uniqueness through them).
    const { rows } = await client.query<{ table: string; index: string; primary: boolean; key: string[] }>(`
      SELECT t.relname AS table, i.relname AS index, x.indisprimary AS primary,
             ARRAY(SELECT coalesce(a.attname::text, '(expression)')
                     FROM unnest((x.indkey::int2[])[0:x.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, ord)
                     LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                    ORDER BY k.ord) AS key
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND (x.indisunique OR x.indisprimary)
       ORDER BY 1, 2`);
    const tables = new Set(await tenantTables());
    const tenantIndexes = rows.filter((row) => tables.has(row.table));
    // Every tenant-owned table has a primary key.
    expect([...new Set(tenantIndexes.filter((row) => row.primary).map((row) => row.table))].sort()).toEqual(
      [...tables].sort(),
    );
    const violations = tenantIndexes
      .filter((row) => !row.key.includes('tenant_id'))
      .map((row) => `${row.table}.${row.index} (${row.key.join(', ')})`);
    expect(violations).toEqual(
      Object.keys(GLOBAL_UNIQUE_INDEXES).map((index) => expect.stringContaining(`.${index} `)),
    );
    // The design's stronger rule, which every key here also meets: tenant_id leads.
    const notLeading = tenantIndexes
      .filter((row) => row.key.includes('tenant_id') && row.key[0] !== 'tenant_id')
      .map((row) => row.index);
    expect(notLeading).toEqual([]);
  });

  it('every foreign key between tenant-owned tables pairs tenant_id with tenant_id', async () => {
    const { rows } = await client.query<{ name: string; from: string; to: string; pairs: string[] }>(`
      SELECT c.conname AS name, f.relname AS from, t.relname AS to,
             ARRAY(SELECT fa.attname::text || '=' || ta.attname::text
                     FROM unnest(c.conkey, c.confkey) AS k(f, t)
                     JOIN pg_attribute fa ON fa.attrelid = c.conrelid AND fa.attnum = k.f
                     JOIN pg_attribute ta ON ta.attrelid = c.confrelid AND ta.attnum = k.t) AS pairs
        FROM pg_constraint c
        JOIN pg_class f ON f.oid = c.conrelid
        JOIN pg_class t ON t.oid = c.confrelid
        JOIN pg_namespace n ON n.oid = f.relnamespace
       WHERE n.nspname = 'public' AND c.contype = 'f'`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const tables = new Set(await tenantTables());
    for (const fk of rows.filter((row) => tables.has(row.from) && tables.has(row.to))) {
      expect([fk.name, fk.pairs]).toEqual([fk.name, expect.arrayContaining(['tenant_id=tenant_id'])]);
    }
  });
});

describe('no statement joins across tenants', () => {
  function findings(statements: Iterable<string>, where: string): string[] {
    const out: string[] = [];
    for (const statement of statements) {
      const problem = checkTenantJoins(statement, relations);
      if (problem && !CROSS_TENANT_STATEMENTS.some(({ pattern }) => pattern.test(statement))) {
        out.push(`${where}: ${problem}\n    ${statement.slice(0, 300)}`);
      }
    }
    return out;
  }

  it('the checker passes a join on tenant_id and reports one without it, or across two tenants', () => {
    const join = (on: string, where = 'm.tenant_id = $1') =>
      checkTenantJoins(`SELECT m.id FROM memories m JOIN memory_embeddings e ON ${on} WHERE ${where}`, relations);
    expect(join('e.tenant_id = m.tenant_id AND e.memory_id = m.id')).toBeUndefined();
    expect(join('e.tenant_id = $1 AND e.memory_id = m.id')).toBeUndefined();
    expect(join('e.memory_id = m.id')).toMatch(/not tied to one tenant/);
    expect(join('e.memory_id = m.id', 'm.tenant_id = $1 AND e.tenant_id = $2')).toMatch(/not tied to one tenant/);
    expect(join('e.tenant_id = m.tenant_id', 'm.tenant_id = $1 AND e.tenant_id = $2')).toMatch(/different parameters/);
    // Correlated subqueries, CTEs and INSERT … SELECT count as joins too.
    expect(
      checkTenantJoins(
        'SELECT n.name, (SELECT count(*) FROM memories m WHERE m.namespace = n.name) FROM namespaces n WHERE n.tenant_id = $1',
        relations,
      ),
    ).toMatch(/not tied/);
    expect(
      checkTenantJoins(
        'INSERT INTO memory_embeddings (tenant_id, memory_id) SELECT $2, m.id FROM memories m WHERE m.tenant_id = $1',
        relations,
      ),
    ).toMatch(/not tied/);
    expect(
      checkTenantJoins(
        'WITH x AS (SELECT m.tenant_id, m.id FROM memories m WHERE m.tenant_id = $1) SELECT e.model FROM x JOIN memory_embeddings e ON e.tenant_id = x.tenant_id AND e.memory_id = x.id',
        relations,
      ),
    ).toBeUndefined();
    // One tenant-owned relation is not a join, whatever else it reads.
    expect(checkTenantJoins('SELECT id FROM tenants WHERE status = $1', relations)).toBeUndefined();
  });

  it('in the SQL snapshots: every migration, up and down, and the hot operations', () => {
    const statements = snapshotFiles().map((file) => ({
      where: file.slice(file.indexOf('sql/')),
      statements: statementsOf(readFileSync(file, 'utf8')),
    }));
    const joins = statements.flatMap((s) => s.statements).filter((s) => tenantRelationCount(s, relations) >= 2);
    expect(joins.length).toBeGreaterThanOrEqual(15);
    expect(statements.flatMap(({ where, statements: list }) => findings(list, where))).toEqual([]);
    // The search statement with one tenant predicate gone is caught.
    const search = joins.find((statement) => statement.includes('ve.tenant_id = $1 AND ve.memory_id = m.id'))!;
    expect(checkTenantJoins(search, relations)).toBeUndefined();
    expect(checkTenantJoins(search.replace('ve.tenant_id = $1 AND ', ''), relations)).toMatch(
      /not tied to one tenant: .*\{memory_embeddings ve\}/,
    );
  });

  it('in every statement the app sends while every route is called', async () => {
    const seen = new Set<string>();
    const query = Client.prototype.query;
    (Client.prototype as any).query = function (this: Client, ...args: any[]) {
      const text: unknown = typeof args[0] === 'string' ? args[0] : args[0]?.text;
      if (typeof text === 'string') {
        seen.add(text);
      }
      return (query as any).apply(this, args);
    };
    try {
      await walkAndScrape();
    } finally {
      Client.prototype.query = query;
    }
    const statements = [...seen].flatMap((text) => statementsOf(text));
    // The walk reached the joins worth checking (search, batch insert, relations, usage).
    const joins = statements.filter((statement) => {
      const found = statement.match(
        /\b(?:FROM|JOIN|UPDATE|INTO)\s+(?:memories|memory_embeddings|memory_relations|namespaces)\b/gi,
      );
      return (found?.length ?? 0) >= 2;
    });
    expect(joins.length).toBeGreaterThanOrEqual(5);
    expect(
      statements.filter((statement) => tenantRelationCount(statement, relations) >= 2).length,
    ).toBeGreaterThanOrEqual(15);
    expect(findings(statements, 'app')).toEqual([]);
  }, 120_000);
});
