import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { Database } from './database';
import { PoolCheckoutInTransactionError, TransactionNestingError } from './transaction-context';

describe('statements inside a transaction run on its connection', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    // One connection: any second checkout inside a transaction would wait forever.
    db = new Database({ url: database.url, poolMax: 1, statementTimeoutMs: 0, preparedStatements: false });
    (db.pool as unknown as { options: { connectionTimeoutMillis: number } }).options.connectionTimeoutMillis = 2000;
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const backend = async (): Promise<number> =>
    (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;

  it('runs a plain query issued inside withTenant on the transaction connection, with its tenant setting', async () => {
    const seen = await db.withTenant('tenant-a', async (tx) => {
      const [inside] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const [viaPool] = await db.query<{ pid: number; tenant: string }>(
        `SELECT pg_backend_pid() AS pid, current_setting('app.tenant_id', true) AS tenant`,
      );
      return { inside: inside.pid, viaPool };
    });
    expect(seen.viaPool).toEqual({ pid: seen.inside, tenant: 'tenant-a' });
  });

  it('joins a nested transaction for the same tenant, and rolls it back with the outer one', async () => {
    await db.query(`INSERT INTO tenants (id, name) VALUES ('tenant-join', 'join')`);
    await expect(
      db.withTenant('tenant-join', async () => {
        await db.withTenant('tenant-join', (tx) =>
          tx.query(`UPDATE tenants SET name = 'changed' WHERE id = 'tenant-join'`),
        );
        await db.transaction((tx) => tx.query('SELECT 1'));
        throw new Error('outer work fails');
      }),
    ).rejects.toThrow('outer work fails');
    expect((await db.query<{ name: string }>(`SELECT name FROM tenants WHERE id = 'tenant-join'`))[0].name).toBe(
      'join',
    );
  });

  it('refuses a nested transaction that would see other rows', async () => {
    await expect(db.withTenant('tenant-a', () => db.withTenant('tenant-b', async () => 1))).rejects.toBeInstanceOf(
      TransactionNestingError,
    );
    await expect(db.withTenant('tenant-a', () => db.crossTenant(async () => 1))).rejects.toBeInstanceOf(
      TransactionNestingError,
    );
    await expect(db.crossTenant(() => db.withTenant('tenant-a', async () => 1))).rejects.toBeInstanceOf(
      TransactionNestingError,
    );
  });

  it('fails fast, instead of waiting for the pool, when a checkout happens inside a transaction', async () => {
    const started = Date.now();
    await expect(db.withTenant('tenant-a', () => db.pool.query('SELECT 1'))).rejects.toBeInstanceOf(
      PoolCheckoutInTransactionError,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    // The pool is whole afterwards.
    expect(await backend()).toBeGreaterThan(0);
  });

  it('does not let work outlive its transaction onto a connection now in other hands', async () => {
    let late: Promise<unknown> = Promise.resolve();
    await db.withTenant('tenant-a', async (tx) => {
      late = new Promise((resolve) => setTimeout(resolve, 50)).then(() => tx.query('SELECT 1'));
    });
    await expect(late).rejects.toBeInstanceOf(TransactionNestingError);
    // After the transaction, the same async context reaches the pool again.
    expect(await backend()).toBeGreaterThan(0);
  });
});
