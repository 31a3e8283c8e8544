import { MIGRATIONS, migrateDown, migrateUp } from '@engram/migrations';
import { TestDatabase, createTestDatabase } from '@engram/test-support/database';

/** This migration and every one after it, oldest first. */
const names = MIGRATIONS.map((Migration) => new Migration().name);
const fromHere = names.slice(names.indexOf('AuthState1763800000018'));

describe('migration AuthState1763800000018', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database.drop();
  });

  const facts = async () =>
    (await database.db.query<{ name: string }>('SELECT name FROM auth_state ORDER BY name')).map((row) => row.name);

  it('records that keys were created on a database that already has some, and rolls back', async () => {
    expect(await migrateDown(database.url, fromHere.length)).toEqual([...fromHere].reverse());
    expect(await migrateUp(database.url)).toEqual(fromHere);
    expect(await facts()).toEqual([]);

    expect(await migrateDown(database.url, fromHere.length)).toEqual([...fromHere].reverse());
    await database.db.query(
      `INSERT INTO api_keys (tenant_id, name, role, key_hash, key_prefix) VALUES ('global', 'k', 'admin', '\\x00', 'eng_00')`,
    );
    expect(await migrateUp(database.url)).toEqual(fromHere);
    expect(await facts()).toEqual(['first_key_created']);
  });
});
