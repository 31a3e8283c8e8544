import { MIGRATIONS, migrateDown, migrateUp } from '@engram/migrations';
import { TestDatabase, createTestDatabase } from '@engram/test-support/database';

describe('migration RbacAudit1763800000010', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database.drop();
  });

  const table = async () =>
    (await database.db.query<{ present: boolean }>(`SELECT to_regclass('rbac_audit') IS NOT NULL AS present`))[0]
      .present;

  it('rolls back and applies again', async () => {
    expect(await table()).toBe(true);
    const names = MIGRATIONS.map((Migration) => new Migration().name);
    const newer = names.slice(names.indexOf('RbacAudit1763800000010'));
    expect(await migrateDown(database.url, newer.length)).toEqual([...newer].reverse());
    expect(await table()).toBe(false);
    expect(await migrateUp(database.url)).toEqual(newer);
    expect(await table()).toBe(true);
  });

  it('keys rows by tenant first and rejects unknown decisions', async () => {
    const key = await database.db.query<{ columns: string }>(
      `SELECT string_agg(a.attname, ',' ORDER BY k.ord) AS columns
       FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord), pg_attribute a
       WHERE i.indrelid = 'rbac_audit'::regclass AND i.indisprimary AND a.attrelid = i.indrelid AND a.attnum = k.attnum`,
    );
    expect(key[0].columns).toBe('tenant_id,id');
    await expect(
      database.db.query(
        `INSERT INTO rbac_audit (tenant_id, id, ts, actor, role, resource, action, decision, reason, enforced)
         VALUES ('t', gen_random_uuid(), now(), 'a', 'dev', 'memory', 'read', 'maybe', 'role', true)`,
      ),
    ).rejects.toThrow(/rbac_audit_decision_check/);
  });
});
