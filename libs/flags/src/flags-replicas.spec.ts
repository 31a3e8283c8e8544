import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '@engram/test-support/app';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { REDIS_URL_TEST } from '@engram/test-support/env';
import { FlagsDir, flagsDir, flagsFileWith } from '@engram/test-support/flags-file';
import { freePort } from '@engram/test-support/net';

/**
 * Two `engram api` processes (the built CLI, as deployed) on one database and one Redis, neither
 * watching nor polling the flags file or the overrides table: a change on one must reach the
 * other through the replica broadcast alone. `npm test` builds dist/ first.
 */
const CLI = join(__dirname, '../../../dist/apps/cli/src/main.js');
const ADMIN_TOKEN = 'flags-replica-admin-token-0123456789';
const STARTUP_TIMEOUT_MS = 60_000;

interface Replica {
  base: string;
  child: ChildProcess;
}

async function startReplica(database: TestDatabase, flags: FlagsDir, prefix: string): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'api'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: REDIS_URL_TEST,
      QUEUE_PREFIX: prefix,
      ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      RBAC_WATCH: 'false',
      RBAC_POLL_INTERVAL_MS: '0',
      ...flags.env(),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await eventually(
    async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) })).ok,
    STARTUP_TIMEOUT_MS,
    200,
  );
  return { base, child };
}

async function call(
  replica: Replica,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${replica.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: await response.json() };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

describe('feature flags across two API processes', () => {
  let database: TestDatabase;
  let flags: FlagsDir;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    flags = flagsDir();
    const prefix = `engram-flag-replicas-${Date.now()}`;
    replicas.push(await startReplica(database, flags, prefix), await startReplica(database, flags, prefix));
  }, 3 * STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => stop(replica.child)));
    flags.remove();
    await database.drop();
  });

  it("B sees A's tenant override and A's file reload, by announcement alone", async () => {
    const [a, b] = replicas;
    const tenant = `replica-${Date.now()}`;
    expect((await call(a, 'POST', '/api/v1/admin/tenants', { id: tenant, name: 'replicas' })).status).toBe(201);
    const put = await call(a, 'PUT', `/api/v1/admin/tenants/${tenant}/flags/memory_post_update`, { enabled: true });
    expect(put.status).toBe(200);
    await eventually(
      async () =>
        (await call(b, 'GET', `/api/v1/admin/tenants/${tenant}/flags`)).body.flags.memory_post_update.source ===
        'tenant',
      10_000,
      100,
    );

    flags.write(flagsFileWith({ drift_detection_enabled: true }, 'replicated'));
    expect((await call(a, 'POST', '/api/v1/flags/reload')).status).toBe(200);
    const seen = await eventually(
      async () => {
        const { body } = await call(b, 'GET', '/api/v1/flags');
        return body.file.version === 'replicated' ? body : null;
      },
      10_000,
      100,
    );
    expect(seen.flags.drift_detection_enabled).toMatchObject({ enabled: true, source: 'file' });
  }, 30_000);
});
