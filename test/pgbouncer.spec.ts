import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { Database, PoolCheckoutInTransactionError } from '@engram/db';
import { migrateDown, migrateUp, migrationStatus } from '@engram/migrations';
import { isDatabaseUnavailable } from '@engram/common';
import { ConfigValidationError, parseConfig } from '@engram/config';
import { TestApp, eventually, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { adminHeaders, newApiKey, newNamespace, newTenant } from '@engram/test-support/fixtures';
import { PgBouncer, adminQuery, pgbouncerSection, startPgBouncer } from '@engram/test-support/pgbouncer';
import { freePort } from '@engram/test-support/net';
import { PolicyDir, defaultPolicy, policyDir } from '@engram/test-support/rbac-policy';

/**
 * Engram behind Debian's PgBouncer 1.18 in pool_mode=transaction, started here (installed by
 * ops/install-pgbouncer). Consecutive transactions of one client land on different server
 * connections, and one server connection serves many clients: the tests show what of Engram's
 * session use breaks there (named statements, a session SET ROLE, LISTEN, a session advisory
 * lock, the statement_timeout startup parameter), and that with DATABASE_POOL_MODE=transaction
 * and DATABASE_DIRECT_URL the service, its migrations, tenant isolation, RBAC reloads and key
 * revocation all work through it. docs/pgbouncer.md.
 */
const CHECK = join(__dirname, '../ops/check-pgbouncer');
/** The built CLI (`npm test` builds dist/ first). */
const CLI = join(__dirname, '../dist/apps/cli/src/main.js');
const DOCUMENTED_INI = join(__dirname, '../ops/pgbouncer/pgbouncer.ini');
const ADMIN_TOKEN = 'pgbouncer-admin-token-0123456789';
const POOL_SIZE = 2;

let direct: TestDatabase;
let dbName: string;
let bouncer: PgBouncer;
/** The same database through a pool of ONE server connection: every client shares it. */
const ONE = 'engram_one';

beforeAll(async () => {
  direct = await createPostgresDatabase();
  dbName = new URL(direct.url).pathname.slice(1);
  // The documented config, with the test's port, trust auth and small pools.
  bouncer = await startPgBouncer({
    baseIni: DOCUMENTED_INI,
    poolSize: POOL_SIZE,
    aliases: { [ONE]: { dbname: dbName, poolSize: 1 } },
  });
}, 300_000);

afterAll(async () => {
  await bouncer?.stop();
  await direct?.drop();
});

function pooledDatabase(options: { url?: string; poolMax?: number; statementTimeoutMs?: number } = {}): Database {
  return new Database({
    url: options.url ?? bouncer.url(dbName),
    directUrl: direct.url,
    poolMax: options.poolMax ?? 8,
    statementTimeoutMs: options.statementTimeoutMs ?? 0,
    preparedStatements: false,
    transactionPooling: true,
    appRole: 'engram_app',
  });
}

async function rawClient(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function settled<T>(work: Promise<T>[]): Promise<{ ok: T[]; errors: string[] }> {
  const results = await Promise.allSettled(work);
  return {
    ok: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : [])),
  };
}

describe('ops/install-pgbouncer', () => {
  it('prints a working pgbouncer 1.x, and a second run reuses it without apt', () => {
    const run = spawnSync(join(__dirname, '../ops/install-pgbouncer'), [], { encoding: 'utf8', timeout: 300_000 });
    expect([run.status, run.stderr]).toEqual([0, '']);
    const binary = run.stdout.trim();
    expect(spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^PgBouncer 1\.\d+/);
  });
});

describe('what breaks under transaction pooling, and the setting that fixes it', () => {
  it('named prepared statements fail across shared server connections; unnamed ones (the pooled default) do not', async () => {
    const named = new Database({
      url: bouncer.url(dbName),
      poolMax: 8,
      statementTimeoutMs: 0,
      preparedStatements: true,
      transactionPooling: true,
    });
    const unnamed = pooledDatabase();
    try {
      const run = (db: Database) =>
        settled(
          Array.from({ length: 40 }, (_, i) => db.query<{ n: number }>('SELECT $1::int AS n', [i], 'pgbouncer_probe')),
        );
      const broken = await run(named);
      expect(broken.errors.length).toBeGreaterThan(0);
      expect(broken.errors[0]).toMatch(/prepared statement "pgbouncer_probe" (already exists|does not exist)/);
      const fixed = await run(unnamed);
      expect(fixed.errors).toEqual([]);
      expect(fixed.ok.map((rows) => rows[0].n).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await named.close();
      await unnamed.close();
    }
  });

  it('a session SET ROLE stays behind on one server connection: direct-mode settings run a transaction as the login role', async () => {
    // Hold server connection S1, so the app's connection runs its SET ROLE on a new S2; then
    // free S1: PgBouncer hands the most recently used idle connection (S1, never SET ROLE) next.
    const sessionMode = new Database({
      url: bouncer.url(dbName),
      poolMax: 1,
      statementTimeoutMs: 0,
      preparedStatements: false,
      appRole: 'engram_app',
    });
    const pooled = pooledDatabase({ poolMax: 1 });
    const holder = await rawClient(bouncer.url(dbName));
    try {
      const roleAfterSwap = async (db: Database) => {
        await holder.query('BEGIN');
        await holder.query('SELECT 1');
        await db.query('SELECT 1'); // the app's connection: its onConnect ran on the other server connection
        await holder.query('COMMIT');
        const [row] = await db.withTenant('t-role', (tx) => tx.query<{ role: string }>('SELECT current_user AS role'));
        return row.role;
      };
      expect(await roleAfterSwap(sessionMode)).not.toBe('engram_app');
      expect(await roleAfterSwap(pooled)).toBe('engram_app');
    } finally {
      await holder.end();
      await sessionMode.close();
      await pooled.close();
    }
  });

  it('a session SET leaks to the next client of the connection; the tenant setting is transaction-local and does not', async () => {
    const a = await rawClient(bouncer.url(ONE));
    const b = await rawClient(bouncer.url(ONE));
    try {
      await a.query(`SET app.tenant_id = 'leaked'`);
      expect((await b.query(`SELECT current_setting('app.tenant_id', true) AS v`)).rows[0].v).toBe('leaked');
      await a.query('RESET app.tenant_id');
    } finally {
      await a.end();
      await b.end();
    }
    // The same interleaving through the app's Database: nothing survives its transaction.
    const db = pooledDatabase({ url: bouncer.url(ONE), poolMax: 4 });
    try {
      const seen = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 4 === 3
            ? db.query<{ tenant: string; pid: number }>(
                `SELECT current_setting('app.tenant_id', true) AS tenant, pg_backend_pid() AS pid`,
              )
            : db.withTenant(i % 2 ? 'tenant-b' : 'tenant-a', (tx) =>
                tx.query<{ tenant: string; pid: number }>(
                  `SELECT current_setting('app.tenant_id', true) AS tenant, pg_backend_pid() AS pid`,
                ),
              ),
        ),
      );
      expect(new Set(seen.map(([row]) => row.pid)).size).toBe(1); // one server connection for all
      seen.forEach(([row], i) => expect(row.tenant).toBe(i % 4 === 3 ? '' : i % 2 ? 'tenant-b' : 'tenant-a'));
    } finally {
      await db.close();
    }
  });

  it('PgBouncer refuses the statement_timeout startup parameter; pooled, the timeout holds per transaction', async () => {
    const sessionMode = new Database({
      url: bouncer.url(dbName),
      poolMax: 1,
      statementTimeoutMs: 1000,
      preparedStatements: false,
      appRole: 'engram_app',
    });
    const pooled = pooledDatabase({ statementTimeoutMs: 300 });
    try {
      await expect(sessionMode.assertRowSecurityApplies()).rejects.toThrow(
        /unsupported startup parameter: statement_timeout.*DATABASE_POOL_MODE=transaction/,
      );
      await expect(pooled.assertRowSecurityApplies()).resolves.toBeUndefined();
      await expect(pooled.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: '57014' });
      await expect(pooled.withTenant('t', (tx) => tx.query('SELECT pg_sleep(2)'))).rejects.toMatchObject({
        code: '57014',
      });
      // A statement outside a transaction got one of its own, and the checkout guard still holds in it.
      await expect(pooled.transaction(() => pooled.pool.query('SELECT 1'))).rejects.toThrow(
        PoolCheckoutInTransactionError,
      );
    } finally {
      await sessionMode.close();
      await pooled.close();
    }
  });

  it('LISTEN through PgBouncer loses notifications; on the direct URL they arrive', async () => {
    const through = await rawClient(bouncer.url(dbName));
    const straight = await rawClient(direct.url);
    const got = { through: 0, straight: 0 };
    through.on('notification', () => (got.through += 1));
    straight.on('notification', () => (got.straight += 1));
    try {
      await through.query('LISTEN engram_pgbouncer_probe');
      await straight.query('LISTEN engram_pgbouncer_probe');
      await direct.db.query(`SELECT pg_notify('engram_pgbouncer_probe', 'x')`);
      await eventually(async () => got.straight === 1, 5000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(got).toEqual({ through: 0, straight: 1 });
    } finally {
      await through.end().catch(() => undefined);
      await straight.end();
    }
  });

  it('a session advisory lock goes with its server connection: a second client of it "gets" the same lock', async () => {
    const a = await rawClient(bouncer.url(ONE));
    const b = await rawClient(bouncer.url(ONE));
    try {
      expect((await a.query('SELECT pg_try_advisory_lock(42) AS got')).rows[0].got).toBe(true);
      expect((await b.query('SELECT pg_try_advisory_lock(42) AS got')).rows[0].got).toBe(true); // the lock is not exclusive
      await b.query('SELECT pg_advisory_unlock_all()');
      // Held by a transaction instead (the migrator's lock), it stays with its holder.
      await a.query('BEGIN');
      await a.query('SELECT pg_advisory_xact_lock(43)');
      const other = await rawClient(bouncer.url(dbName));
      expect((await other.query('SELECT pg_try_advisory_lock(43) AS got')).rows[0].got).toBe(false);
      await other.end();
      await a.query('COMMIT');
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('the documented pgbouncer.ini is what runs here: transaction mode, no idle-transaction timeout', async () => {
    const documented = pgbouncerSection(DOCUMENTED_INI);
    expect(documented).toMatchObject({ pool_mode: 'transaction', idle_transaction_timeout: '0' });
    const running = Object.fromEntries(
      (await adminQuery(bouncer.adminUrl, 'SHOW CONFIG')).map((row) => [row.key, row.value]),
    );
    expect(running).toMatchObject({
      pool_mode: 'transaction',
      idle_transaction_timeout: '0',
      query_wait_timeout: documented.query_wait_timeout,
      max_db_connections: documented.max_db_connections,
    });
    expect(bouncer.log()).not.toMatch(/unknown parameter|syntax error|FATAL/i);
  });

  it('the config refuses transaction pooling without a direct URL for LISTEN and migrations', () => {
    expect(() =>
      parseConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:6432/engram', DATABASE_POOL_MODE: 'transaction' }),
    ).toThrow(ConfigValidationError);
    const config = parseConfig({
      DATABASE_URL: 'postgres://u@127.0.0.1:6432/engram',
      DATABASE_DIRECT_URL: 'postgres://u@127.0.0.1:5432/engram',
      DATABASE_POOL_MODE: 'transaction',
    });
    expect([config.DATABASE_POOL_MODE, config.DATABASE_PREPARED_STATEMENTS]).toEqual(['transaction', undefined]);
  });
});

describe('migrations through PgBouncer', () => {
  it('concurrent runs serialise on the transaction-held lock, and apply, revert and re-apply', async () => {
    const empty = await createPostgresDatabase({ empty: true });
    const name = new URL(empty.url).pathname.slice(1);
    const url = bouncer.url(name);
    try {
      const runs = await Promise.all([migrateUp(url), migrateUp(url), migrateUp(url)]);
      const applied = runs.map((names) => names.length).sort((a, b) => b - a);
      expect(applied[0]).toBeGreaterThan(20);
      expect(applied.slice(1)).toEqual([0, 0]);
      expect((await migrationStatus(url)).every((m) => m.applied)).toBe(true);
      expect(await migrateDown(url, 2)).toHaveLength(2);
      expect(await migrateUp(url)).toHaveLength(2);
    } finally {
      await empty.drop();
    }
  }, 60_000);
});

describe('engram migrate with a pooler', () => {
  it('goes to DATABASE_DIRECT_URL, not to DATABASE_URL', async () => {
    const closed = await freePort();
    const run = spawnSync(process.execPath, [CLI, 'migrate', 'status'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'warn',
        // Nothing listens here: a migrate that used DATABASE_URL would fail to connect.
        DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/${dbName}`,
        DATABASE_DIRECT_URL: direct.url,
        DATABASE_POOL_MODE: 'transaction',
      },
    });
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^\[x\] Extensions/);
    expect(run.stdout).not.toMatch(/^\[ \]/m);
  }, 60_000);
});

describe('the service through PgBouncer (DATABASE_POOL_MODE=transaction)', () => {
  let policy: PolicyDir;
  const replicas: TestApp[] = [];

  beforeAll(async () => {
    policy = policyDir();
    // Two replicas on one database, no Redis: RBAC reloads and auth invalidation travel by NOTIFY.
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startTestApp({
          database_: { ...direct, url: bouncer.url(dbName) },
          queue: 'inline',
          env: {
            DATABASE_POOL_MODE: 'transaction',
            DATABASE_DIRECT_URL: direct.url,
            DB_POOL_MAX: '10',
            ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
            RATE_LIMIT_ENABLED: 'false',
            AUDIT_ACK_TIMEOUT_MS: '5000',
            ...policy.env(),
          },
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    for (const replica of replicas) {
      await replica.close();
    }
    policy?.remove();
  });

  it('serves pins, memories, search, context, RBAC decisions, audit and keys', async () => {
    const [a, b] = replicas;
    expect(a.db.url).toBe(bouncer.url(dbName));
    expect(a.db.sessionUrl).toBe(direct.url);
    const tenant = await newTenant(a);
    const other = await newTenant(a);
    const machine = await newApiKey(a, tenant);
    const readonly = await newApiKey(a, tenant, { role: 'readonly' });
    const agent = await newApiKey(a, tenant, { role: 'agent' });
    const intruder = await newApiKey(a, other);

    // Pins CRUD on one replica, read on the other.
    const pin = await a.request(
      'POST',
      '/api/v1/memory/pins',
      { key: 'config:limits', value: { rpm: 600 } },
      machine.headers,
    );
    expect(pin.status).toBe(201);
    expect(
      (await b.request('GET', '/api/v1/memory/pins/config:limits', undefined, machine.headers)).body.value,
    ).toEqual({
      rpm: 600,
    });
    expect((await b.request('GET', '/api/v1/memory/pins/config:limits', undefined, intruder.headers)).status).toBe(404);
    const listed = await a.request('GET', '/api/v1/memory/pins?prefix=config:', undefined, machine.headers);
    expect(listed.body.pins.map((p: { key: string }) => p.key)).toEqual(['config:limits']);

    // Memories, search and context.
    await newNamespace(a, tenant, 'notes', {}, machine.headers);
    const created = await a.request(
      'POST',
      '/api/v1/memories/batch',
      {
        namespace: 'notes',
        memories: [
          { content: 'Invoices go out on the first Monday of the month.' },
          { content: 'The billing team prefers short reminders.', importance: 0.9 },
          { content: 'Ada likes metric units.' },
        ],
      },
      machine.headers,
    );
    expect(created.status).toBe(201);
    const search = await b.request(
      'POST',
      '/api/v1/memories/search',
      { namespace: 'notes', query: 'when do invoices go out' },
      machine.headers,
    );
    expect(search.status).toBe(200);
    expect(search.body.results[0].memory.content).toMatch(/Invoices/);
    const context = await a.request(
      'POST',
      '/api/v1/context',
      { namespace: 'notes', query: 'billing reminder', token_budget: 500 },
      machine.headers,
    );
    expect(context.status).toBe(200);
    expect(context.body.text).toMatch(/billing team/);
    expect(
      (await b.request('POST', '/api/v1/memories/search', { namespace: 'notes', query: 'invoices' }, intruder.headers))
        .status,
    ).toBe(404);

    // An RBAC denial, on record in the audit trail.
    const denied = await b.request('POST', '/api/v1/memory/pins', { key: 'x', value: 1 }, readonly.headers);
    expect([denied.status, denied.body.error.code]).toEqual([403, 'forbidden']);
    await b.settle();
    const audit = await a.request(
      'GET',
      `/api/v1/rbac/audit?tenant_id=${tenant}&decision=deny`,
      undefined,
      adminHeaders(a),
    );
    expect(audit.status).toBe(200);
    expect(audit.body.decisions.length).toBeGreaterThan(0);

    // Pin delete.
    expect((await a.request('DELETE', '/api/v1/memory/pins/config:limits', undefined, machine.headers)).status).toBe(
      403,
    );
    expect((await a.request('DELETE', '/api/v1/memory/pins/config:limits', undefined, agent.headers)).status).toBe(204);
    expect((await b.request('GET', '/api/v1/memory/pins/config:limits', undefined, agent.headers)).status).toBe(404);
  }, 60_000);

  it('a key revoked on one replica is refused by the other at once (NOTIFY on the direct URL)', async () => {
    const [a, b] = replicas;
    const tenant = await newTenant(a);
    const key = await newApiKey(a, tenant);
    expect((await b.request('GET', '/api/v1/memory/pins', undefined, key.headers)).status).toBe(200); // cached on b
    const revoked = await a.request(
      'DELETE',
      `/api/v1/admin/tenants/${tenant}/api-keys/${key.id}`,
      undefined,
      adminHeaders(a),
    );
    expect([200, 204]).toContain(revoked.status);
    // Well inside the 30 s cache TTL: only the notification can make b refuse it.
    await eventually(
      async () => (await b.request('GET', '/api/v1/memory/pins', undefined, key.headers)).status === 401,
      5000,
    );
  });

  it('a policy reload on one replica reaches the other (RBAC NOTIFY listener on the direct URL)', async () => {
    const [a, b] = replicas;
    const info = async (t: TestApp) => (await t.request('GET', '/api/v1/rbac/info', undefined, adminHeaders(t))).body;
    const before = await info(b);
    policy.write({ ...defaultPolicy(), version: 7, description: 'changed behind PgBouncer' });
    expect((await a.request('POST', '/api/v1/rbac/reload', undefined, adminHeaders(a))).status).toBe(200);
    const after = await info(a);
    expect(after.hash).not.toBe(before.hash);
    await eventually(async () => (await info(b)).hash === after.hash, 10_000, 100);
  });

  it('many parallel requests over two server connections: all answer, each tenant sees only its own pins', async () => {
    const [a, b] = replicas;
    const tenants = [uniqueTenant('pa'), uniqueTenant('pb')];
    const keys: Awaited<ReturnType<typeof newApiKey>>[] = [];
    for (const id of tenants) {
      await newTenant(a, { id });
      keys.push(await newApiKey(a, id));
    }
    const before = await bouncer.pools(dbName);
    const requests = Array.from({ length: 200 }, async (_, i) => {
      const app = i % 2 ? a : b;
      const key = keys[i % 4 < 2 ? 0 : 1];
      const pinKey = `load:${i % 10}`;
      const write = await app.request(
        'POST',
        '/api/v1/memory/pins',
        { key: pinKey, value: { owner: key.tenantId } },
        key.headers,
      );
      const read = await app.request('GET', `/api/v1/memory/pins/${pinKey}`, undefined, key.headers);
      return { write: write.status, read: read.status, owner: read.body?.value?.owner, tenant: key.tenantId };
    });
    const results = await Promise.all(requests);
    expect(results.filter((r) => ![200, 201].includes(r.write) || r.read !== 200)).toEqual([]);
    expect(results.filter((r) => r.owner !== r.tenant)).toEqual([]);
    const [pool] = await bouncer.pools(dbName);
    const servers = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce(
      (n, k) => n + Number(pool[k]),
      0,
    );
    expect(servers).toBeLessThanOrEqual(POOL_SIZE);
    expect(before.length).toBe(1);
    const stats = (await adminQuery(bouncer.adminUrl, 'SHOW STATS')).find((row) => row.database === dbName)!;
    expect(Number(stats.total_xact_count)).toBeGreaterThan(400);
  }, 60_000);
});

describe('ops/check-pgbouncer', () => {
  const check = (args: string[]) => {
    const run = spawnSync(process.execPath, [CHECK, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeout: 30_000,
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };

  it('is healthy through the console and SELECT 1, and says why when clients wait too long', async () => {
    const healthy = check(['--admin-url', bouncer.statsUrl, '--url', bouncer.url(dbName)]);
    expect([healthy.code, healthy.stderr]).toEqual([0, '']);
    expect(healthy.stdout).toMatch(/^ok: PgBouncer at 127\.0\.0\.1:\d+: \d+ pool\(s\).*SELECT 1 in \d+ ms\n$/);
    const json = JSON.parse(check(['--admin-url', bouncer.statsUrl, '--json']).stdout);
    expect(json).toMatchObject({
      ok: true,
      healthy: true,
      lists: expect.objectContaining({ pools: expect.any(Number) }),
    });
    expect(check(['--url', bouncer.url(dbName)]).stdout).toMatch(/^ok: SELECT 1 through PgBouncer/);

    // Occupy the single-connection pool and queue two clients behind it.
    const holder = await rawClient(bouncer.url(ONE));
    const waiters = [await rawClient(bouncer.url(ONE)), await rawClient(bouncer.url(ONE))];
    await holder.query('BEGIN');
    await holder.query('SELECT 1');
    const queued = waiters.map((client) => client.query('SELECT 1'));
    try {
      await eventually(async () => Number((await bouncer.pools(ONE))[0]?.cl_waiting) === 2, 5000);
      const waiting = check(['--admin-url', bouncer.statsUrl, '--max-waiting', '1']);
      expect(waiting.code).toBe(1);
      expect(waiting.stderr).toMatch(new RegExp(`^check-pgbouncer: error: pool ${ONE}/postgres: 2 clients waiting`));
      expect(waiting.stderr.trim().split('\n')).toHaveLength(1);
      expect(check(['--admin-url', bouncer.statsUrl, '--database', dbName, '--max-waiting', '1']).code).toBe(0);
    } finally {
      await holder.query('COMMIT');
      await Promise.all(queued);
      await Promise.all([holder, ...waiters].map((client) => client.end()));
    }
  });

  it('is unhealthy once PgBouncer is stopped, and refuses bad arguments', async () => {
    const own = await startPgBouncer({ poolSize: 1, settings: { query_wait_timeout: 1 } });
    expect(check(['--admin-url', own.statsUrl, '--url', own.url(dbName)]).code).toBe(0);
    // A transaction that waits past query_wait_timeout for a server connection: a 503 error.
    const holder = await rawClient(own.url(dbName));
    const db = pooledDatabase({ url: own.url(dbName) });
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1');
      const error = await db.query('SELECT 1').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(isDatabaseUnavailable(error)).toBe(true);
      await holder.query('COMMIT');
    } finally {
      await db.close();
      await holder.end();
    }
    await own.stop();
    const down = check(['--admin-url', own.statsUrl, '--url', own.url(dbName)]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(
      /^check-pgbouncer: error: PgBouncer at 127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED\n$/,
    );
    expect(check(['--admin-url', own.statsUrl]).stderr).toMatch(/admin console .* is unreachable/);
    expect(check([]).code).toBe(2);
    expect(check(['--url', 'http://x']).code).toBe(2);
    expect(check(['--help']).stdout).toMatch(/^Usage: check-pgbouncer/);
  });
});
