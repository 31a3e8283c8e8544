import { randomUUID } from 'node:crypto';
import { MIGRATIONS, migrateDown, migrateUp } from '@engram/migrations';
import { TestDatabase, createTestDatabase } from '@engram/test-support/database';

/** This migration and every one after it, oldest first. */
const names = MIGRATIONS.map((Migration) => new Migration().name);
const fromHere = names.slice(names.indexOf('AuditOutboxRetired1763800000020'));

describe('migration AuditOutboxRetired1763800000020', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database.drop();
  });

  const outboxExists = async () =>
    (await database.db.query<{ present: boolean }>(`SELECT to_regclass('audit_outbox') IS NOT NULL AS present`))[0]
      .present;

  it('moves events still parked in the outbox into memory_audit, drops the outbox, and rolls back', async () => {
    expect(await outboxExists()).toBe(false);
    expect(await migrateDown(database.url, fromHere.length)).toEqual([...fromHere].reverse());
    expect(await outboxExists()).toBe(true);
    const id = randomUUID();
    const event = {
      id,
      ts: new Date().toISOString(),
      tenant_id: 'parked',
      operation: 'upsert',
      key: 'k',
      success: true,
      latency_ms: 1.5,
      value_hash: null,
      request_id: 'r-parked',
      actor: 'local',
    };
    await database.db.query(`INSERT INTO audit_outbox (tenant_id, event) VALUES ('parked', $1::jsonb)`, [
      JSON.stringify(event),
    ]);

    expect(await migrateUp(database.url)).toEqual(fromHere);
    expect(await outboxExists()).toBe(false);
    const rows = await database.db.query(`SELECT id, key, request_id FROM memory_audit WHERE tenant_id = 'parked'`);
    expect(rows).toEqual([{ id, key: 'k', request_id: 'r-parked' }]);
  });
});
