import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from '@engram/test-support/app';
import { REDIS_URL_TEST } from '@engram/test-support/env';
import { freePort } from '@engram/test-support/net';
import { PrivatePostgres, startPrivatePostgres } from '@engram/test-support/private-postgres';

/**
 * Postgres going away under load: the API (the built CLI, as deployed) stays up, answers the
 * outage with 503 database_unavailable and Retry-After (never another 5xx), serves again within
 * 5 s of Postgres returning, without a restart, and every write it acknowledged is stored once.
 */
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');
const ADMIN_TOKEN = 'postgres-faults-admin-token-0123456789';
const CLIENTS = 16;
const OUTAGE_MS = 3000;
const RECOVERY_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Outcome {
  marker: string;
  status: number | string;
  code?: string;
  retryAfter?: string | null;
}

describe('the API when Postgres stops under load', () => {
  let cluster: PrivatePostgres;
  let api: ChildProcess;
  let base: string;
  let exited: string | null = null;

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawn(process.execPath, [CLI, 'api'], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATABASE_URL: cluster.url,
        REDIS_URL: REDIS_URL_TEST,
        QUEUE_PREFIX: `engram-pg-faults-${process.pid}`,
        ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
        DB_POOL_MAX: '4',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    api.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    api.once('exit', (code, signal) => (exited = `exit ${code ?? signal}: ${stderr.slice(-2000)}`));
    await eventually(async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) })).ok, 60_000, 100);
  }, 90_000);

  afterAll(async () => {
    if (api.exitCode === null && api.signalCode === null) {
      await new Promise<void>((resolve) => {
        api.once('exit', () => resolve());
        api.kill('SIGKILL');
      });
    }
    cluster.destroy();
  });

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  }

  it.each(['fast', 'immediate'] as const)(
    'stop -m %s: 503 database_unavailable while down, serving again within 5 s, nothing acknowledged lost',
    async (mode) => {
      const tenant = `pg-faults-${mode}-${process.pid}`;
      expect(exited).toBeNull();
      expect((await call('POST', '/api/v1/admin/tenants', { id: tenant, name: 'faults' })).status).toBe(201);

      const outcomes: Outcome[] = [];
      let running = true;
      let next = 0;
      const client = async (): Promise<void> => {
        while (running) {
          const marker = `${mode}-${++next}`;
          const outcome: Outcome = { marker, status: 'error' };
          try {
            // Pins: short transactions. Memory batches: app work between the statements of one.
            const response =
              next % 2 === 0
                ? await call('POST', '/api/v1/memory/pins', { tenant_id: tenant, key: marker, value: 1 })
                : await call('POST', '/api/v1/memories/batch', {
                    tenant_id: tenant,
                    namespace: 'faults',
                    create_namespace: true,
                    memories: Array.from({ length: 20 }, (_, i) => ({ content: `${marker} note ${i}` })),
                  });
            const text = await response.text();
            outcome.status = response.status;
            outcome.retryAfter = response.headers.get('retry-after');
            outcome.code = response.status >= 400 ? JSON.parse(text).error?.code : undefined;
          } catch (error) {
            outcome.status = (error as Error).message;
          }
          outcomes.push(outcome);
          await sleep(5);
        }
      };
      const load = Promise.all(Array.from({ length: CLIENTS }, () => client()));
      let readyDuringOutage = 0;
      let recoveredInMs = Infinity;
      try {
        await sleep(1500);
        cluster.stop(mode);
        await sleep(OUTAGE_MS / 2);
        readyDuringOutage = (await call('GET', '/ready')).status;
        await sleep(OUTAGE_MS / 2);
        cluster.start();
        const back = Date.now();
        const ok = await eventually(
          async () => {
            const response = await call('GET', `/api/v1/memory/pins/${mode}-2?tenant_id=${tenant}`);
            await response.arrayBuffer();
            return response.status === 200;
          },
          RECOVERY_MS,
          100,
        ).catch(() => false);
        recoveredInMs = ok ? Date.now() - back : Infinity;
        await sleep(1000);
      } finally {
        running = false;
        await load;
      }

      expect(exited).toBeNull();
      expect(readyDuringOutage).toBe(503);
      expect(recoveredInMs).toBeLessThan(RECOVERY_MS);
      const unexpected = outcomes.filter(
        (o) => !(o.status === 201 || o.status === 200 || (o.status === 503 && o.code === 'database_unavailable')),
      );
      expect(unexpected).toEqual([]);
      const unavailable = outcomes.filter((o) => o.status === 503);
      expect(unavailable.length).toBeGreaterThan(0);
      expect(unavailable.every((o) => o.retryAfter !== null && Number(o.retryAfter) > 0)).toBe(true);

      const acked = outcomes.filter((o) => o.status === 201 || o.status === 200).map((o) => o.marker);
      const db = new Client({ connectionString: cluster.url });
      await db.connect();
      try {
        const rows = await db.query<{ key: string; n: number }>(
          'SELECT key, count(*)::int AS n FROM memory_pins WHERE tenant_id = $1 GROUP BY key',
          [tenant],
        );
        const notes = await db.query<{ key: string; n: number }>(
          `SELECT split_part(content, ' ', 1) AS key, count(*)::int AS n FROM memories WHERE tenant_id = $1 GROUP BY 1`,
          [tenant],
        );
        // A pin once, a batch's 20 notes each once.
        const stored = new Map(
          [...rows.rows, ...notes.rows.map((row) => ({ key: row.key, n: row.n / 20 }))].map((row) => [row.key, row.n]),
        );
        expect(acked.filter((marker) => stored.get(marker) !== 1)).toEqual([]);
      } finally {
        await db.end();
      }
    },
    60_000,
  );
});
