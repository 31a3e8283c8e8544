import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '@engram/test-support/app';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { REDIS_URL_TEST } from '@engram/test-support/env';
import { freePort } from '@engram/test-support/net';
import { PolicyDir, defaultPolicy, policyDir } from '@engram/test-support/rbac-policy';

/**
 * Two `engram api` processes (the built CLI, as deployed) on one database and one Redis, with
 * file watching and polling off: a reload on one must reach the other through the replica
 * broadcast alone. `npm test` builds dist/ first.
 */
const CLI = join(__dirname, '../../../dist/apps/cli/src/main.js');
const ADMIN_TOKEN = 'replica-admin-token-0123456789';
const STARTUP_TIMEOUT_MS = 60_000;

interface Replica {
  base: string;
  child: ChildProcess;
}

async function startReplica(database: TestDatabase, policy: PolicyDir, prefix: string): Promise<Replica> {
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
      ...policy.env(),
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

async function info(replica: Replica): Promise<{ version: string; hash: string }> {
  const response = await fetch(`${replica.base}/api/v1/rbac/info`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    signal: AbortSignal.timeout(5000),
  });
  return (await response.json()) as { version: string; hash: string };
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

describe('RBAC reload across two API processes', () => {
  let database: TestDatabase;
  let policy: PolicyDir;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    policy = policyDir();
    const prefix = `engram-replicas-${Date.now()}`;
    replicas.push(await startReplica(database, policy, prefix), await startReplica(database, policy, prefix));
  }, 3 * STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => stop(replica.child)));
    policy.remove();
    await database.drop();
  });

  it('reloads the policy on the other process when one is told to reload', async () => {
    const [a, b] = replicas;
    const before = await info(b);
    expect((await info(a)).hash).toBe(before.hash);

    policy.write({ ...defaultPolicy(), version: 2, description: 'changed for the replica test' });
    const reload = await fetch(`${a.base}/api/v1/rbac/reload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(5000),
    });
    expect(reload.status).toBe(200);
    const after = await info(a);
    expect(after.hash).not.toBe(before.hash);

    // B watches nothing and polls nothing: only A's broadcast can make it reload.
    const seen = await eventually(
      async () => {
        const current = await info(b);
        return current.hash === after.hash ? current : null;
      },
      10_000,
      100,
    );
    expect(String(seen.version)).toBe('2');
  }, 30_000);
});
