import IORedis from 'ioredis';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';

const PINS = '/api/v1/memory/pins';

async function pinCount(t: TestApp, tenant: string): Promise<number> {
  const rows = await ownerQuery<{ count: number }>(
    t,
    'SELECT count(*)::int AS count FROM memory_pins WHERE tenant_id = $1',
    [tenant],
  );
  return rows[0].count;
}

describe('Redis loses its data (FLUSHALL) while connected', () => {
  let redis: PrivateRedis;
  let client: IORedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    client = new IORedis(redis.url);
    t = await startTestApp({ env: { REDIS_URL: redis.url, PIN_EXPIRY_INTERVAL_SECONDS: '1' } });
  });
  afterAll(async () => {
    await t.close();
    client.disconnect();
    await redis.stop();
  });

  it('puts the job schedulers back within one interval, so expiry keeps running', async () => {
    const prefix = t.config.QUEUE_PREFIX;
    const schedulerKeys = () => client.keys(`${prefix}:pins.expire:repeat*`);
    expect((await schedulerKeys()).length).toBeGreaterThan(0);

    await client.flushall();
    expect(await schedulerKeys()).toHaveLength(0);

    const tenant = await newTenant(t);
    const put = await t.request('POST', PINS, { tenant_id: tenant, key: 'short', value: 1, ttl_seconds: 1 });
    expect(put.status).toBe(201);
    expect(await pinCount(t, tenant)).toBe(1);

    await eventually(async () => (await schedulerKeys()).length > 0, 5000, 100);
    // Expired 1 s after the write, deleted by the next run of the restored schedule.
    await eventually(async () => (await pinCount(t, tenant)) === 0, 8000, 200);
  }, 30_000);
});
