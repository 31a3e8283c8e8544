import { Client } from 'pg';
import { TestApp, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';

/** Runs statements on one connection as the app role, inside one transaction that is rolled back. */
async function asAppRole<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN; SET LOCAL ROLE engram_app');
    return await work(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

describe('row-level security', () => {
  let database: TestDatabase;
  const a = uniqueTenant('rls-a');
  const b = uniqueTenant('rls-b');

  beforeAll(async () => {
    database = await createPostgresDatabase();
    await database.db.query(`INSERT INTO tenants (id, name) VALUES ($1, $1), ($2, $2)`, [a, b]);
    await database.db.query(
      `INSERT INTO memory_pins (tenant_id, key, value) VALUES ($1, 'x', '1'), ($1, 'y', '2'), ($2, 'x', '3')`,
      [a, b],
    );
  });
  afterAll(async () => {
    await database.drop();
  });

  it('engram_pin_get sets the tenant for its own statement only: nothing leaks to the next one', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('SET ROLE engram_app');
      const got = await client.query('SELECT key, value FROM engram_pin_get($1, $2)', [a, 'x']);
      expect(got.rows).toEqual([{ key: 'x', value: 1 }]);
      // Same session, next statement: the setting is gone and row-level security hides everything.
      expect((await client.query(`SELECT current_setting('app.tenant_id', true) AS t`)).rows[0].t).toBe('');
      expect((await client.query('SELECT count(*)::int AS n FROM memory_pins')).rows[0].n).toBe(0);
      // It reads only the tenant it was given, and refuses none.
      expect((await client.query('SELECT 1 FROM engram_pin_get($1, $2)', [b, 'y'])).rows).toEqual([]);
      await expect(client.query('SELECT 1 FROM engram_pin_get($1, $2)', ['', 'x'])).rejects.toThrow(
        'tenant is required',
      );
    } finally {
      await client.end();
    }
  });

  it('shows the app role nothing without app.tenant_id and only that tenant with it', async () => {
    // As the owner, all three rows exist.
    expect(await database.db.query(`SELECT 1 FROM memory_pins WHERE tenant_id IN ($1, $2)`, [a, b])).toHaveLength(3);
    await asAppRole(database.url, async (client) => {
      expect((await client.query('SELECT current_user')).rows[0].current_user).toBe('engram_app');
      expect((await client.query('SELECT count(*)::int AS n FROM memory_pins')).rows[0].n).toBe(0);
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [a]);
      const rows = (await client.query('SELECT tenant_id, key FROM memory_pins ORDER BY key')).rows;
      expect(rows).toEqual([
        { tenant_id: a, key: 'x' },
        { tenant_id: a, key: 'y' },
      ]);
      // Asking for the other tenant explicitly still finds nothing.
      expect(
        (await client.query('SELECT count(*)::int AS n FROM memory_pins WHERE tenant_id = $1', [b])).rows[0].n,
      ).toBe(0);
      expect((await client.query('UPDATE memory_pins SET value = $2 WHERE tenant_id = $1', [b, '9'])).rowCount).toBe(0);
      expect((await client.query('DELETE FROM memory_pins WHERE tenant_id = $1', [b])).rowCount).toBe(0);
      await expect(
        client.query(`INSERT INTO memory_pins (tenant_id, key, value) VALUES ($1, 'z', '1')`, [b]),
      ).rejects.toThrow(/row-level security/);
    });
  });

  it('forgets the tenant when the transaction ends (an empty setting matches nothing)', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('SET ROLE engram_app');
      await client.query(`BEGIN; SELECT set_config('app.tenant_id', '${a}', true)`);
      expect((await client.query('SELECT count(*)::int AS n FROM memory_pins')).rows[0].n).toBe(2);
      await client.query('COMMIT');
      expect((await client.query(`SELECT current_setting('app.tenant_id', true) AS s`)).rows[0].s).toBe('');
      expect((await client.query('SELECT count(*)::int AS n FROM memory_pins')).rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('covers every table with a tenant_id column', async () => {
    const uncovered = await database.db.query<{ table_name: string }>(
      `SELECT c.table_name FROM information_schema.columns c
       JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = 'public'::regnamespace AND k.relkind = 'r'
       WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'
         AND (NOT k.relrowsecurity OR NOT EXISTS (
           SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.table_name AND p.policyname = 'tenant_isolation'))`,
    );
    expect(uncovered.map((row) => row.table_name)).toEqual([]);
    const [role] = await database.db.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'engram_app'`,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
  });

  it('refuses to start as a role row-level security does not apply to', async () => {
    await expect(startTestApp({ database_: database, env: { DATABASE_APP_ROLE: 'postgres' } })).rejects.toThrow(
      /bypasses row-level security/,
    );
  });
});

describe.each(['postgres', 'pglite'] as const)('the app runs as the app role (%s)', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database: kind, queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('queries as engram_app, and a pooled connection carries no tenant between transactions', async () => {
    const tenant = await newTenant(t);
    expect((await t.request('POST', '/api/v1/memory/pins', { tenant_id: tenant, key: 'k', value: 1 })).status).toBe(
      201,
    );
    const [who] = await t.db.query<{ current_user: string; tenant: string | null }>(
      `SELECT current_user, NULLIF(current_setting('app.tenant_id', true), '') AS tenant`,
    );
    expect(who).toEqual({ current_user: 'engram_app', tenant: null });
    expect(await t.db.query('SELECT 1 FROM memory_pins')).toHaveLength(0);
    expect(await t.db.withTenant(tenant, (tx) => tx.query('SELECT 1 FROM memory_pins'))).toHaveLength(1);
    expect(await ownerQuery(t, 'SELECT 1 FROM memory_pins WHERE tenant_id = $1', [tenant])).toHaveLength(1);
  });

  it('applies transaction-local settings with the tenant, and forgets them at commit', async () => {
    const tenant = await newTenant(t);
    const read = "SELECT current_setting('hnsw.ef_search') AS ef, current_setting('app.tenant_id') AS tenant";
    const inside = await t.db.withTenant(tenant, (tx) => tx.query<{ ef: string; tenant: string }>(read), {
      'hnsw.ef_search': 321,
    });
    expect(inside).toEqual([{ ef: '321', tenant }]);
    const [after] = await t.db.query<{ ef: string | null }>("SELECT current_setting('hnsw.ef_search', true) AS ef");
    expect(after.ef).not.toBe('321'); // nothing leaked to the pooled connection
    await expect(t.db.withTenant(tenant, (tx) => tx.query('SELECT 1'), { 'x; DROP TABLE y': 1 })).rejects.toThrow(
      'refusing setting name',
    );
  });
});
