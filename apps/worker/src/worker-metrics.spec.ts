import { randomBytes } from 'node:crypto';
import { AddressInfo, connect, createServer } from 'node:net';
import { parseConfig } from '@engram/config';
import type { INestApplicationContext } from '@nestjs/common';
import { eventually, startTestApp } from '@engram/test-support/app';
import { TestDatabase, createTestDatabase } from '@engram/test-support/database';
import { REDIS_URL_TEST } from '@engram/test-support/env';
import { freePort } from '@engram/test-support/net';
import { createWorker } from './worker.module';
import { WorkerMetricsServer } from './worker-metrics.server';

const METRICS_TOKEN = 'worker-metrics-token-0123456789';

function workerConfig(database: TestDatabase, env: Record<string, string>) {
  return parseConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    REDIS_URL: REDIS_URL_TEST,
    QUEUE_PREFIX: `engram-test-${randomBytes(4).toString('hex')}`,
    EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
    ...env,
  });
}

/** Whether anything accepts a TCP connection on the loopback port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('engram worker: the metrics listener (WORKER_METRICS_PORT)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('serves the job metrics of the jobs it runs, to the scrape token only, and closes with the worker', async () => {
    const worker: INestApplicationContext = await createWorker(
      workerConfig(database, { WORKER_METRICS_PORT: '0', METRICS_TOKEN, PIN_EXPIRY_INTERVAL_SECONDS: '1' }),
      { databaseUrl: database.url, embeddedDatabase: false },
    );
    let port: number | undefined;
    try {
      port = worker.get(WorkerMetricsServer).listeningPort!;
      expect(port).toBeGreaterThan(0);
      const base = `http://127.0.0.1:${port}`;
      const scrape = (headers: Record<string, string> = {}) =>
        fetch(`${base}/metrics`, { headers, signal: AbortSignal.timeout(5000) });

      expect((await scrape()).status).toBe(401);
      expect((await scrape({ authorization: 'Bearer not-the-token-0123456789' })).status).toBe(401);
      // The repeatable expiry job runs in this worker: its outcome is counted here, not in an API.
      const text = await eventually(
        async () => {
          const response = await scrape({ authorization: `Bearer ${METRICS_TOKEN}` });
          const body = await response.text();
          const ran = /^engram_queue_job_outcomes_total\{queue="pins\.expire",/m.test(body);
          return response.status === 200 && ran && /^engram_queue_up 1$/m.test(body) && body;
        },
        20_000,
        200,
      );
      expect(text).toMatch(/^engram_queue_job_duration_seconds_count\{queue="pins\.expire"\} [1-9]/m);
      expect(text).toMatch(/^memory_embeddings_pending 0$/m);
      expect(text).toMatch(/^engram_quota_usage_max_ratio\{quota="max_pins"\} /m);

      const health = await fetch(`${base}/health`);
      expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
      expect((await fetch(`${base}/nothing`)).status).toBe(404);
      expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await worker.close();
    }
    expect(await accepts(port)).toBe(false);
  }, 40_000);

  it('refuses to start bound beyond loopback without METRICS_TOKEN', async () => {
    await expect(
      createWorker(workerConfig(database, { WORKER_METRICS_PORT: '0', WORKER_METRICS_HOST: '0.0.0.0' }), {
        databaseUrl: database.url,
        embeddedDatabase: false,
      }),
    ).rejects.toThrow(/WORKER_METRICS_HOST 0\.0\.0\.0 is not loopback: set METRICS_TOKEN/);
  });

  it('fails its start, closing what it opened, when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      await expect(
        createWorker(workerConfig(database, { WORKER_METRICS_PORT: String(port) }), {
          databaseUrl: database.url,
          embeddedDatabase: false,
        }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('opens no listener without WORKER_METRICS_PORT, nor in `engram serve`, whose worker shares the API /metrics', async () => {
    const worker = await createWorker(workerConfig(database, {}), {
      databaseUrl: database.url,
      embeddedDatabase: false,
    });
    try {
      expect(worker.get(WorkerMetricsServer).listeningPort).toBeUndefined();
    } finally {
      await worker.close();
    }
    const port = await freePort();
    const serve = await startTestApp({ queue: 'inline', env: { WORKER_METRICS_PORT: String(port) } });
    try {
      expect(await accepts(port)).toBe(false);
      const scrape = await serve.request('GET', '/metrics');
      expect(scrape.text).toMatch(/^engram_ready\{check="database"\} 1$/m);
    } finally {
      await serve.close();
    }
  });
});
