import IORedis from 'ioredis';
import { FakeEmbeddingServer, startFakeEmbeddingServer } from '@engram/test-support/fake-embedding-server';
import { TestApp, eventually, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';

const MEMORIES = '/api/v1/memories';

/**
 * Postgres, not the queue, is the record of which memories need a vector: a write whose job
 * Redis could not take, or lost, is still acknowledged and still embedded, by the sweep every
 * worker runs (EMBEDDING_SWEEP_INTERVAL_SECONDS). Real Postgres, a private Redis, BullMQ, and an
 * OpenAI-compatible model server so the model is a queued one.
 */
describe('the embedding sweep (postgres, BullMQ on a private Redis)', () => {
  let server: FakeEmbeddingServer;
  let redis: PrivateRedis;
  let redisUp = false;
  const env = () => ({
    REDIS_URL: redis.url,
    EMBEDDING_OPENAI_URL: server.url,
    EMBEDDING_OPENAI_MODEL: 'fake',
    EMBEDDING_OPENAI_DIMENSIONS: '8',
    EMBEDDING_SWEEP_INTERVAL_SECONDS: '1',
  });

  beforeAll(async () => {
    server = await startFakeEmbeddingServer(8);
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    redis = await startPrivateRedis();
    redisUp = true;
  });
  afterEach(async () => {
    redisUp = false;
    await redis.stop();
  });

  async function remoteNamespace(t: TestApp): Promise<string> {
    const tenant = uniqueTenant('sweep');
    expect((await t.request('POST', '/api/v1/admin/tenants', { id: tenant, name: 'sweep' })).status).toBe(201);
    const ns = await t.request('POST', '/api/v1/namespaces', {
      tenant_id: tenant,
      name: 'remote',
      embedding_model: 'openai:fake',
    });
    expect(ns.status).toBe(201);
    return tenant;
  }

  const status = async (t: TestApp, tenant: string, id: string) =>
    (await t.request('GET', `${MEMORIES}/${id}?tenant_id=${tenant}`)).body.embedding_status;

  it('acknowledges a write while Redis is down (201, pending), and embeds it once a worker runs the sweep', async () => {
    const t = await startTestApp({ env: env() });
    try {
      const tenant = await remoteNamespace(t);
      redisUp = false;
      await redis.stop();
      const created = await t.request('POST', MEMORIES, {
        tenant_id: tenant,
        namespace: 'remote',
        content: 'written while the queue was away',
      });
      // Before the sweep this was 500 internal_error, for a memory that was stored all the same.
      expect({ status: created.status, embedding: created.body?.embedding_status }).toEqual({
        status: 201,
        embedding: 'pending',
      });
      const batch = await t.request('POST', `${MEMORIES}/batch`, {
        tenant_id: tenant,
        namespace: 'remote',
        memories: [{ content: 'batch one' }, { content: 'batch two' }],
      });
      expect(batch.status).toBe(201);
      await redis.start();
      redisUp = true;
      for (const id of [created.body.id, ...batch.body.memories.map((m: { id: string }) => m.id)]) {
        await eventually(async () => (await status(t, tenant, id)) === 'ready', 15_000, 200);
      }
    } finally {
      if (!redisUp) {
        await redis.start();
        redisUp = true;
      }
      await t.close();
    }
  }, 40_000);

  it('embeds a memory whose queued job Redis lost (FLUSHALL) while no worker ran', async () => {
    const api = await startTestApp({ env: env(), worker: false });
    const client = new IORedis(redis.url);
    try {
      const tenant = await remoteNamespace(api);
      const created = await api.request('POST', MEMORIES, {
        tenant_id: tenant,
        namespace: 'remote',
        content: 'its job was flushed away',
      });
      expect(created.status).toBe(201);
      expect(await client.keys(`${api.config.QUEUE_PREFIX}:embeddings.embed:*`)).not.toHaveLength(0);
      await client.flushall();

      const worker = await startTestApp({
        env: { ...env(), QUEUE_PREFIX: api.config.QUEUE_PREFIX },
        database_: api.database,
      });
      try {
        await eventually(async () => (await status(api, tenant, created.body.id)) === 'ready', 15_000, 200);
      } finally {
        await worker.close();
      }
    } finally {
      client.disconnect();
      await api.close();
    }
  }, 40_000);
});
