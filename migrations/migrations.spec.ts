import { readdirSync } from 'node:fs';
import { MIGRATIONS, SqlMigration, migrateDown, migrateUp, migrationStatus, verifyChain } from '@engram/migrations';
import { createPgliteDatabase, createPostgresDatabase, TestDatabase } from '@engram/test-support/database';
import { Client } from 'pg';

const names = MIGRATIONS.map((Migration) => new Migration().name);

function migration(name: string, previous: string | null): new () => SqlMigration {
  return class extends SqlMigration {
    readonly name = name;
    readonly previous = previous;
    protected readonly upSql = 'SELECT 1';
    protected readonly downSql = 'SELECT 1';
  };
}

describe('migration chain', () => {
  it('is one straight line, oldest first', () => {
    expect(() => verifyChain(MIGRATIONS)).not.toThrow();
  });

  it('lists every migration file in migrations/, in file-number order', () => {
    const files = readdirSync(__dirname).filter((file) => /^\d{4}-.+\.ts$/.test(file) && !file.endsWith('.spec.ts'));
    expect(files).toHaveLength(MIGRATIONS.length);
    const numbers = files.map((file) => Number(file.slice(0, 4))).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, index) => numbers[0] + index));
  });

  it.each([
    [
      'a broken link',
      [migration('A1763800000001', null), migration('B1763800000002', 'X1763800000009')],
      /chain broken/,
    ],
    ['two roots', [migration('A1763800000001', null), migration('B1763800000002', null)], /chain broken/],
    [
      'a fork (two children of one parent)',
      [
        migration('A1763800000001', null),
        migration('B1763800000002', 'A1763800000001'),
        migration('C1763800000003', 'A1763800000001'),
      ],
      /chain broken/,
    ],
    ['a duplicate', [migration('A1763800000001', null), migration('A1763800000001', 'A1763800000001')], /twice/],
    ['a name without a timestamp', [migration('NoTimestamp', null)], /13-digit/],
    [
      'timestamps out of order',
      [migration('A1763800000002', null), migration('B1763800000001', 'A1763800000002')],
      /later timestamp/,
    ],
  ])('rejects %s', (_label, chain, message) => {
    expect(() => verifyChain(chain)).toThrow(message);
  });
});

const emptyPostgres = () => createPostgresDatabase({ empty: true });

async function tables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    return result.rows.map((row) => row.table_name);
  } finally {
    await client.end();
  }
}

describe.each([
  ['postgres', emptyPostgres],
  ['pglite', createPgliteDatabase],
] as const)('migrations on an empty %s database', (_kind, create) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await create();
    if (_kind === 'pglite') {
      // createPgliteDatabase migrates; start from empty for this test.
      await migrateDown(database.url, MIGRATIONS.length);
    }
  });
  afterAll(async () => {
    await database.drop();
  });

  it('apply, roll back completely, and re-apply', async () => {
    expect(await migrateUp(database.url)).toEqual(names);
    expect(await tables(database.url)).toEqual(expect.arrayContaining(['memory_pins', 'memory_audit', 'tenants']));
    expect((await migrationStatus(database.url)).every((status) => status.applied)).toBe(true);
    expect(await migrateUp(database.url)).toEqual([]);

    expect(await migrateDown(database.url, MIGRATIONS.length)).toEqual([...names].reverse());
    expect(await tables(database.url)).toEqual(['schema_migrations']);

    expect(await migrateUp(database.url)).toEqual(names);
  });

  it('steps down one migration at a time', async () => {
    const last = names[names.length - 1];
    expect(await migrateDown(database.url, 1)).toEqual([last]);
    expect((await migrationStatus(database.url)).find((status) => status.name === last)?.applied).toBe(false);
    expect(await migrateUp(database.url)).toEqual([last]);
  });
});

describe('concurrent migration runs', () => {
  it('serialise on an advisory lock: each migration applies once', async () => {
    const database = await emptyPostgres();
    try {
      const results = await Promise.all([migrateUp(database.url), migrateUp(database.url), migrateUp(database.url)]);
      expect(results.flat().sort()).toEqual([...names].sort());
    } finally {
      await database.drop();
    }
  });
});
