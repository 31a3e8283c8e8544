import { randomBytes } from 'node:crypto';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { newApiKey, newTenant } from '@engram/test-support/fixtures';
import { PrivateRedis, startPrivateRedis } from '@engram/test-support/private-redis';

const PINS = '/api/v1/memory/pins';
const ADMIN_TOKEN = 'admin-token-' + randomBytes(12).toString('hex');
const CLIENTS = 8;

interface Replicas {
  apps: TestApp[];
  urls: string[];
}

/** Two API replicas on one database and one Redis, listening on real ports. */
async function startReplicas(env: Record<string, string>, redisUrl?: string): Promise<Replicas> {
  const shared = {
    ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
    QUEUE_PREFIX: `engram-test-rl-${randomBytes(4).toString('hex')}`,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...env,
  };
  // With a private Redis the queue stays in process: the faults below are the limiter's alone.
  const queue = redisUrl ? 'inline' : 'bullmq';
  const one = await startTestApp({ env: shared, queue });
  const two = await startTestApp({ env: shared, queue, database_: one.database });
  return { apps: [one, two], urls: [await one.listen(), await two.listen()] };
}

async function stopReplicas(replicas: Replicas | undefined): Promise<void> {
  for (const app of [...(replicas?.apps ?? [])].reverse()) {
    await app.close();
  }
}

interface Tally {
  admitted: number;
  limited: number;
  other: number[];
  slowestMs: number;
  /** From the first request sent to the last answer received: every decision lies inside it. */
  spanMs: number;
}

/** CLIENTS concurrent clients, half on each replica, sending GETs back to back for `ms`. */
async function hammer(urls: string[], headers: Record<string, string>, ms: number): Promise<Tally> {
  const tally: Tally = { admitted: 0, limited: 0, other: [], slowestMs: 0, spanMs: 0 };
  const began = Date.now();
  const until = began + ms;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const url = `${urls[client % urls.length]}${PINS}`;
      while (Date.now() < until) {
        const started = Date.now();
        const response = await fetch(url, { headers });
        await response.arrayBuffer();
        tally.slowestMs = Math.max(tally.slowestMs, Date.now() - started);
        tally.spanMs = Math.max(tally.spanMs, Date.now() - began);
        if (response.status === 200) {
          tally.admitted += 1;
        } else if (response.status === 429) {
          tally.limited += 1;
        } else {
          tally.other.push(response.status);
        }
      }
    }),
  );
  return tally;
}

async function limitedKey(t: TestApp, requestsPerMinute: number) {
  const tenant = await newTenant(t, { quotas: { requests_per_minute: requestsPerMinute } });
  return newApiKey(t, tenant);
}

describe('rate limits across two replicas on one Redis', () => {
  let replicas: Replicas | undefined;
  afterEach(async () => {
    await stopReplicas(replicas);
    replicas = undefined;
  });

  it('admits no more than the limit of a fresh 60 rpm key, whichever replica answers', async () => {
    replicas = await startReplicas({});
    const key = await limitedKey(replicas.apps[0], 60);
    const tally = await hammer(replicas.urls, key.headers, 3000);
    expect(tally.other).toEqual([]);
    expect(tally.limited).toBeGreaterThan(0);
    // The whole run lies inside one minute: exactly the limit, both replicas together.
    expect(tally.admitted).toBe(60);
  }, 60_000);

  it('stays within 2 % of the limit over ten windows of sustained load (any window, not per clock window)', async () => {
    // requests_per_minute is counted per RATE_LIMIT_WINDOW_MS; one-second windows keep this fast.
    replicas = await startReplicas({ RATE_LIMIT_WINDOW_MS: '1000' });
    const perWindow = 30;
    const key = await limitedKey(replicas.apps[0], perWindow);
    // Ten windows end to end, starting off a window boundary: a clock-aligned fixed window
    // would admit a burst at each boundary and up to 11 windows' worth.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 400));
    const tally = await hammer(replicas.urls, key.headers, 10 * 1000 - 100);
    expect(tally.other).toEqual([]);
    // Answers still in flight at the end are decided after the tenth window on a busy machine:
    // the bound is the windows the decisions could span, ten when the machine keeps up.
    const windows = Math.max(10, Math.ceil(tally.spanMs / 1000));
    expect(tally.admitted).toBeLessThanOrEqual(Math.floor(windows * perWindow * 1.02));
    // And it admits: the limit is reached in every window, not refused wholesale.
    expect(tally.admitted).toBeGreaterThanOrEqual(9 * perWindow);
  }, 60_000);
});

describe('rate limits when Redis is down (fail open)', () => {
  let redis: PrivateRedis;
  let replicas: Replicas | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await stopReplicas(replicas);
    await redis.stop();
  });

  it('limits each replica on its own while Redis is stopped, then shares the count again', async () => {
    replicas = await startReplicas({}, redis.url);
    const [one] = replicas.apps;
    const limit = 20;
    const before = await limitedKey(one, limit);
    expect((await hammer(replicas.urls, before.headers, 1000)).admitted).toBe(limit);

    await redis.stop();
    const during = await limitedKey(one, limit);
    const down = await hammer(replicas.urls, during.headers, 3000);
    // The documented bound: each of the two replicas admits the limit, no more; nothing fails or waits.
    expect(down.other).toEqual([]);
    expect(down.admitted).toBe(2 * limit);
    expect(down.slowestMs).toBeLessThan(1000);
    const metrics = await one.request('GET', '/metrics', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(metrics.text).toMatch(/rate_limiter_redis_failures_total [1-9]/);
    expect(metrics.text).toMatch(/rate_limiter_degraded 1/);

    await redis.start();
    const after = await limitedKey(one, limit);
    // Back within the retry interval: one shared count again.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await hammer(replicas.urls, after.headers, 1000)).admitted).toBe(limit);
    const healed = await one.request('GET', '/metrics', undefined, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(healed.text).toMatch(/rate_limiter_degraded 0/);
  }, 90_000);
});
