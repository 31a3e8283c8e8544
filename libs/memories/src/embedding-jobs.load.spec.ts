import { FakeEmbeddingServer, startFakeEmbeddingServer } from '@engram/test-support/fake-embedding-server';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newTenant } from '@engram/test-support/fixtures';

const MEMORIES = '/api/v1/memories';
const COUNT = 1000;
const WORDS = [
  'harbour',
  'lantern',
  'granite',
  'orchard',
  'meadow',
  'copper',
  'falcon',
  'glacier',
  'saffron',
  'thistle',
  'ember',
  'willow',
  'basalt',
  'cobalt',
  'heron',
  'juniper',
  'marble',
  'nectar',
  'quarry',
  'raven',
];

/** A few dozen words each, varied enough that every memory has its own postings. */
function content(i: number): string {
  const words = Array.from({ length: 40 }, (_, k) => `${WORDS[(i * 7 + k * 3) % WORDS.length]}${(i + k) % 97}`);
  return `memory ${i}: ${words.join(' ')}`;
}

/**
 * The queued path at batch size: a fresh database, a remote model behind a real HTTP server,
 * BullMQ on Redis and the worker. The app gets one database connection, so the batch's
 * statements run on a session that has already served a one-memory job, as every connection
 * of a long-running worker has: Postgres keeps the plans a trigger made there, sized for that
 * one row.
 */
describe('queued embeddings at batch size (postgres, BullMQ)', () => {
  let server: FakeEmbeddingServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await startFakeEmbeddingServer(8);
    t = await startTestApp({
      database: 'postgres',
      queue: 'bullmq',
      env: {
        DB_POOL_MAX: '1',
        EMBEDDING_OPENAI_URL: server.url,
        EMBEDDING_OPENAI_MODEL: 'fake',
        EMBEDDING_OPENAI_DIMENSIONS: '8',
        EMBEDDING_OPENAI_BATCH_SIZE: '256',
        EMBEDDING_OPENAI_MAX_RETRIES: '0',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });
  afterEach(() => {
    server.failures = [];
  });

  const counts = async (tenant: string): Promise<Record<string, number>> => {
    // The test's own pool: the app's one connection may be busy with the job.
    const rows = await t.database.db.query<{ status: string; count: number }>(
      `SELECT embedding_status AS status, count(*)::int AS count FROM memories WHERE tenant_id = $1 AND namespace = 'bulk' GROUP BY 1`,
      [tenant],
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  };

  /** A tenant with a remote-model namespace `bulk`, one memory of which is already embedded. */
  const prepared = async (): Promise<string> => {
    const tenant = await newTenant(t);
    const ns = await t.request('POST', '/api/v1/namespaces', {
      tenant_id: tenant,
      name: 'bulk',
      embedding_model: 'openai:fake',
    });
    expect(ns.status).toBe(201);
    const one = await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'bulk', content: 'a first memory' });
    expect(one.status).toBe(201);
    await eventually(async () => (await counts(tenant)).ready === 1);
    return tenant;
  };

  const writeBatch = async (tenant: string): Promise<number> => {
    const written = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'bulk',
      memories: Array.from({ length: COUNT }, (_, i) => ({ content: content(i) })),
    });
    expect([written.status, written.body.created]).toEqual([201, COUNT]);
    return Date.now();
  };

  // One attempt that hits the statement timeout (15 s) already takes longer than the bound.
  it(`embeds ${COUNT} memories written in one batch: all ready within 15 s`, async () => {
    const tenant = await prepared();
    const started = await writeBatch(tenant);
    await eventually(async () => (await counts(tenant)).ready === COUNT + 1, 15_000, 200);
    const seconds = (Date.now() - started) / 1000;
    expect(await counts(tenant)).toEqual({ ready: COUNT + 1 });
    const vectors = await t.database.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM memory_embeddings WHERE tenant_id = $1 AND model = 'openai:fake'`,
      [tenant],
    );
    expect(vectors).toEqual([{ count: COUNT + 1 }]);
    process.stdout.write(`${COUNT} memories ready ${seconds.toFixed(1)} s after the batch was acknowledged\n`);
  }, 90_000);

  // Five attempts wait 1 + 2 + 4 + 8 s between them: the last one ends after about 15 s.
  it(`marks all ${COUNT} memories failed when every attempt fails`, async () => {
    const tenant = await prepared();
    server.failures = Array.from({ length: 1000 }, () => 503);
    const started = await writeBatch(tenant);
    await eventually(async () => (await counts(tenant)).failed === COUNT, 30_000, 200);
    const seconds = (Date.now() - started) / 1000;
    expect(await counts(tenant)).toEqual({ ready: 1, failed: COUNT });
    process.stdout.write(`${COUNT} memories failed ${seconds.toFixed(1)} s after the batch was acknowledged\n`);
  }, 90_000);
});

/**
 * The database refuses the final `failed` write at first: the test holds the memories' row
 * locks past the statement timeout when the last attempt gives up, then lets go.
 */
describe('the last failed attempt leaves the memories failed (postgres, BullMQ)', () => {
  let server: FakeEmbeddingServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await startFakeEmbeddingServer(8);
    t = await startTestApp({
      database: 'postgres',
      queue: 'bullmq',
      env: {
        DB_STATEMENT_TIMEOUT_MS: '2000',
        EMBEDDING_OPENAI_URL: server.url,
        EMBEDDING_OPENAI_MODEL: 'fake',
        EMBEDDING_OPENAI_DIMENSIONS: '8',
        EMBEDDING_OPENAI_MAX_RETRIES: '0',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('writes failed once the database lets it, after the statement timed out', async () => {
    const tenant = await newTenant(t);
    await t.request('POST', '/api/v1/namespaces', {
      tenant_id: tenant,
      name: 'locked',
      embedding_model: 'openai:fake',
    });
    server.failures = Array.from({ length: 100 }, () => 503);
    const requestsBefore = server.requests.length;
    const written = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'locked',
      memories: Array.from({ length: 50 }, (_, i) => ({ content: content(i) })),
    });
    expect(written.status).toBe(201);
    const locker = await t.database.db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM memories WHERE tenant_id = $1 FOR UPDATE`, [tenant]);
      // The fifth request is the last attempt's; its failure is written under the lock.
      await eventually(async () => server.requests.length - requestsBefore >= 5, 30_000, 100);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const held = await t.database.db.query<{ status: string }>(
        `SELECT DISTINCT embedding_status AS status FROM memories WHERE tenant_id = $1`,
        [tenant],
      );
      expect(held).toEqual([{ status: 'pending' }]);
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    await eventually(async () => {
      const rows = await t.database.db.query<{ status: string; count: number }>(
        `SELECT embedding_status AS status, count(*)::int AS count FROM memories WHERE tenant_id = $1 GROUP BY 1`,
        [tenant],
      );
      return rows.length === 1 && rows[0].status === 'failed' && rows[0].count === 50;
    }, 10_000);
    server.failures = [];
  }, 60_000);
});
