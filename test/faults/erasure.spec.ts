import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { adminHeaders, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';

const PINS = '/api/v1/memory/pins';
const TENANTS = '/api/v1/admin/tenants';
const ADMIN_TOKEN = 'admin-token-' + randomBytes(12).toString('hex');

/** Rows the tenant still owns, in every table with a tenant_id column, plus its registry row. */
async function remaining(t: TestApp, tenant: string): Promise<number> {
  const tables = await ownerQuery<{ table_name: string }>(
    t,
    `SELECT c.table_name FROM information_schema.columns c
     JOIN information_schema.tables tb USING (table_schema, table_name)
     WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND tb.table_type = 'BASE TABLE'`,
  );
  let total = (await ownerQuery(t, 'SELECT 1 FROM tenants WHERE id = $1', [tenant])).length;
  for (const { table_name } of tables) {
    const [{ n }] = await ownerQuery<{ n: number }>(
      t,
      `SELECT count(*)::int AS n FROM "${table_name}" WHERE tenant_id = $1`,
      [tenant],
    );
    total += n;
  }
  return total;
}

async function tenantWithData(t: TestApp): Promise<string> {
  const tenant = await newTenant(t);
  for (let i = 0; i < 5; i++) {
    const put = await t.request('POST', PINS, { tenant_id: tenant, key: `p${i}`, value: i }, adminHeaders(t));
    expect(put.status).toBe(201);
  }
  const memory = await t.request(
    'POST',
    '/api/v1/memories',
    { tenant_id: tenant, namespace: 'n', create_namespace: true, content: 'a memory' },
    adminHeaders(t),
  );
  expect(memory.status).toBe(201);
  return tenant;
}

/** After erasure the id is free: a new tenant of that id starts empty. */
async function expectReusable(t: TestApp, tenant: string): Promise<void> {
  const again = await t.request('POST', TENANTS, { id: tenant, name: 'again' }, adminHeaders(t));
  expect(again.status).toBe(201);
  const pins = await t.request('GET', `${PINS}?tenant_id=${tenant}`, undefined, adminHeaders(t));
  expect(pins.status).toBe(200);
  expect(pins.body.pins).toHaveLength(0);
}

/** Closes an app, giving up after a deadline so a stuck Redis connection cannot hang the suite. */
async function closeWithin(t: TestApp, ms = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    t.close().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

describe('tenant erasure survives the loss of its job', () => {
  let redis: PrivateRedis;
  /** Whether the private Redis is running: apps are closed only against a live Redis. */
  let redisUp = false;

  const stopRedis = async () => {
    redisUp = false;
    await redis.stop();
  };
  const startRedis = async () => {
    if (!redisUp) {
      await redis.start();
      redisUp = true;
    }
  };

  beforeEach(async () => {
    redis = await startPrivateRedis();
    redisUp = true;
  });
  afterEach(async () => {
    await stopRedis();
  });

  it('answers 202 to DELETE while Redis is down, and erases the tenant once Redis is back', async () => {
    const t = await startTestApp({
      env: { REDIS_URL: redis.url, ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN, TENANT_ERASE_SWEEP_INTERVAL_SECONDS: '1' },
    });
    try {
      const tenant = await tenantWithData(t);
      expect(await remaining(t, tenant)).toBeGreaterThan(5);

      await stopRedis();
      const deleted = await t.request('DELETE', `${TENANTS}/${tenant}`, undefined, adminHeaders(t));
      expect({ status: deleted.status, body: deleted.body }).toMatchObject({
        status: 202,
        body: { id: tenant, status: 'pending_deletion' },
      });
      // Asking again while the erasure is pending is the same answer, not an error.
      expect((await t.request('DELETE', `${TENANTS}/${tenant}`, undefined, adminHeaders(t))).status).toBe(202);

      await startRedis();
      await eventually(async () => (await remaining(t, tenant)) === 0, 20_000, 250);
      await expectReusable(t, tenant);
    } finally {
      await startRedis();
      await closeWithin(t);
    }
  }, 60_000);

  it('erases a tenant whose job Redis lost (FLUSHALL) while no worker ran, when a worker starts', async () => {
    const env = {
      REDIS_URL: redis.url,
      ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
      QUEUE_PREFIX: `engram-test-erase-${randomBytes(4).toString('hex')}`,
    };
    const api = await startTestApp({ env, worker: false });
    const client = new IORedis(redis.url);
    try {
      const tenant = await tenantWithData(api);
      const deleted = await api.request('DELETE', `${TENANTS}/${tenant}`, undefined, adminHeaders(api));
      expect(deleted.status).toBe(202);
      expect(await client.keys(`${env.QUEUE_PREFIX}:tenants.erase:*`)).not.toHaveLength(0);
      await client.flushall();

      const worker = await startTestApp({ env, database_: api.database });
      try {
        await eventually(async () => (await remaining(api, tenant)) === 0, 20_000, 250);
        await expectReusable(api, tenant);
      } finally {
        await closeWithin(worker);
      }
    } finally {
      client.disconnect();
      await closeWithin(api);
    }
  }, 60_000);
});
