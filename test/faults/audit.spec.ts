import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { eventually } from '@engram/test-support/app';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { freePort } from '@engram/test-support/net';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';

/**
 * The audit promise under faults: every operation the API acknowledged has exactly one row in
 * memory_audit (and its authorization decision one in rbac_audit), whatever happens to Redis,
 * the worker or the API process meanwhile. The API and the worker run as deployed (the built
 * CLI, separate processes, `npm test` builds dist/ first) on a private Redis, so they can be
 * killed, stopped and flushed while a bounded write load runs, each request carrying its own
 * marker (the pin key and the request id).
 */
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const ADMIN_TOKEN = 'audit-faults-admin-token-0123456789';
const STARTUP_TIMEOUT_MS = 60_000;
const CLIENTS = 4;
const PAUSE_BETWEEN_REQUESTS_MS = 15;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  marker: string;
  status: number | 'error';
}

describe('audit under Redis, worker and API faults', () => {
  let redis: PrivateRedis;
  let database: TestDatabase;
  let port: number;
  let base: string;
  let api: ChildProcess | null = null;
  let worker: ChildProcess | null = null;
  const prefix = `engram-audit-faults-${process.pid}`;

  function env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
      MIGRATE_ON_START: 'false',
      RBAC_AUDIT_ALLOW_SAMPLE_RATE: '1',
      LOG_LEVEL: 'error',
    };
  }

  async function startApi(): Promise<void> {
    api = spawn(process.execPath, [CLI, 'api'], { env: env(), stdio: ['ignore', 'ignore', 'inherit'] });
    await eventually(
      async () => (await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })).ok,
      STARTUP_TIMEOUT_MS,
      100,
    );
  }

  function startWorker(): void {
    worker = spawn(process.execPath, [CLI, 'worker'], { env: env(), stdio: ['ignore', 'ignore', 'inherit'] });
  }

  async function kill(child: ChildProcess | null): Promise<void> {
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  beforeAll(async () => {
    redis = await startPrivateRedis();
    database = await createPostgresDatabase();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await startApi();
    startWorker();
  }, STARTUP_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await kill(api);
    await kill(worker);
    await redis.stop();
    await database.drop();
  });

  async function request(method: string, path: string, body: unknown, requestId?: string): Promise<number> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json',
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('loses and duplicates no acknowledged event: worker SIGKILL, FLUSHALL, Redis SIGSTOP and SIGKILL, API SIGKILL', async () => {
    const tenant = `audit-faults-${process.pid}`;
    expect(await request('POST', '/api/v1/admin/tenants', { id: tenant, name: 'audit faults' })).toBe(201);

    const outcomes: Outcome[] = [];
    let running = true;
    let next = 0;
    const client = async (): Promise<void> => {
      while (running) {
        const marker = `m-${next++}`;
        let status: Outcome['status'];
        try {
          status = await request('POST', '/api/v1/memory/pins', { tenant_id: tenant, key: marker, value: 1 }, marker);
        } catch {
          status = 'error';
        }
        outcomes.push({ marker, status });
        await sleep(status === 'error' ? 100 : PAUSE_BETWEEN_REQUESTS_MS);
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, () => client()));

    const flushAll = async () => {
      const control = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
      try {
        await control.flushall();
      } finally {
        control.disconnect();
      }
    };
    const faults: string[] = [];
    const at = async (label: string, fault: () => Promise<void> | void) => {
      faults.push(`${label} after ${outcomes.length} requests`);
      await fault();
    };
    try {
      await sleep(2000);
      // Batches queued while the worker is gone exist only in Redis, until FLUSHALL.
      await at('worker SIGKILL', () => kill(worker));
      await sleep(3000);
      await at('FLUSHALL', flushAll);
      await sleep(1000);
      await at('worker restart', startWorker);
      await sleep(2000);
      await at('worker SIGKILL mid-batch', () => kill(worker));
      startWorker();
      await sleep(2000);
      await at('Redis SIGSTOP', () => redis.pause());
      await sleep(3000);
      await at('Redis SIGCONT', () => redis.resume());
      await sleep(2000);
      await at('Redis SIGKILL', () => redis.stop());
      await sleep(3000);
      await at('Redis restart (empty)', () => redis.start());
      await sleep(2000);
      await at('FLUSHALL', flushAll);
      await sleep(2000);
      // Whatever the API acknowledged before it died must already be in Postgres.
      await at('API SIGKILL', () => kill(api));
      await at('API restart', startApi);
      await sleep(2000);
    } finally {
      running = false;
      await load;
    }

    const acked = new Set(outcomes.filter((o) => o.status === 201).map((o) => o.marker));
    const statuses: Record<string, number> = {};
    for (const { status } of outcomes) {
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const count = async (sql: string, params: unknown[] = []): Promise<Map<string, number>> => {
      const rows = await database.db.query<{ marker: string; n: number }>(sql, params);
      return new Map(rows.map((row) => [row.marker, row.n]));
    };
    const tally = async () => {
      const audit = await count(
        `SELECT key AS marker, count(*)::int AS n FROM memory_audit
         WHERE tenant_id = $1 AND operation = 'upsert' GROUP BY key`,
        [tenant],
      );
      // An admin's decisions are filed under the tenant they name, or 'global'; the database is this test's own.
      const decisions = await count(
        `SELECT request_id AS marker, count(*)::int AS n FROM rbac_audit
         WHERE request_id LIKE 'm-%' GROUP BY request_id`,
      );
      const lost = [...acked].filter((m) => !audit.has(m));
      const lostDecisions = [...acked].filter((m) => !decisions.has(m));
      const duplicated = [...audit].filter(([, n]) => n > 1).map(([m]) => m);
      const duplicatedDecisions = [...decisions].filter(([, n]) => n > 1).map(([m]) => m);
      return { lost, lostDecisions, duplicated, duplicatedDecisions };
    };
    // Anything still in flight (a worker's retry, a buffered batch) gets a moment to land.
    const result = await eventually(
      async () => {
        const now = await tally();
        return now.lost.length === 0 && now.lostDecisions.length === 0 ? now : null;
      },
      10_000,
      500,
    ).catch(() => tally());

    const summary = {
      requests: outcomes.length,
      statuses,
      acked: acked.size,
      lost: result.lost.length,
      lost_decisions: result.lostDecisions.length,
      duplicated: result.duplicated.length,
      duplicated_decisions: result.duplicatedDecisions.length,
      faults,
    };
    // The writes themselves: every acknowledged pin is stored.
    const pins = await count(
      `SELECT key AS marker, count(*)::int AS n FROM memory_pins WHERE tenant_id = $1 GROUP BY key`,
      [tenant],
    );
    const lostWrites = [...acked].filter((marker) => pins.get(marker) !== 1);
    console.log(`audit fault run: ${JSON.stringify({ ...summary, lost_writes: lostWrites.length })}`);
    expect(lostWrites).toEqual([]);
    expect(acked.size).toBeGreaterThan(500);
    // Redis and worker faults never fail a write (transport errors come only from the API SIGKILL).
    expect(Object.keys(statuses).filter((status) => Number(status) >= 500)).toEqual([]);
    expect(summary).toMatchObject({ lost: 0, lost_decisions: 0, duplicated: 0, duplicated_decisions: 0 });
  }, 120_000);
});
