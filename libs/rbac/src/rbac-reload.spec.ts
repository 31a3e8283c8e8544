import { randomBytes } from 'node:crypto';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { TestDatabase, createTestDatabase } from '@engram/test-support/database';
import { PolicyDir, defaultPolicy, policyDir } from '@engram/test-support/rbac-policy';
import { ReloadBroadcast } from '@engram/reload';
import { POLICY_BROADCAST } from './rbac.constants';

const INFO = '/api/v1/rbac/info';

const versionOf = async (t: TestApp): Promise<string> => (await t.request('GET', INFO)).body.version;

describe('RBAC policy reload from the file', () => {
  let dir: PolicyDir;
  let t: TestApp | undefined;

  beforeEach(() => {
    dir = policyDir();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    dir.remove();
  });

  it('follows the file when it changes (watcher, no polling)', async () => {
    t = await startTestApp({ queue: 'inline', env: dir.env({ RBAC_WATCH: 'true', RBAC_WATCH_DEBOUNCE_MS: '20' }) });
    expect(await versionOf(t)).toBe('1');
    dir.write({ ...defaultPolicy(), version: 'watched' });
    await eventually(async () => (await versionOf(t!)) === 'watched', 5000);
    expect((await t.request('GET', '/metrics')).text).toMatch(/rbac_policy_loads_total\{status="success"\} 2/);
  });

  it('keeps the last good policy when a bad file arrives, then takes the next good one', async () => {
    t = await startTestApp({ queue: 'inline', env: dir.env({ RBAC_WATCH: 'true', RBAC_WATCH_DEBOUNCE_MS: '20' }) });
    const before = (await t.request('GET', INFO)).body;
    dir.write('{"version": 2, "roles": {"admin": {}}, "rules": [{"role": "admin", "resource": "*", "actions": ["*"]');
    await eventually(
      async () => /rbac_policy_loads_total\{status="invalid"\} 1/.test((await t!.request('GET', '/metrics')).text),
      5000,
    );
    expect((await t.request('GET', INFO)).body).toEqual(before);
    dir.write({ ...defaultPolicy(), version: 'fixed' });
    await eventually(async () => (await versionOf(t!)) === 'fixed', 5000);
  });

  it('falls back on polling when file events are missed', async () => {
    t = await startTestApp({ queue: 'inline', env: dir.env({ RBAC_WATCH: 'false', RBAC_POLL_INTERVAL_MS: '100' }) });
    dir.write({ ...defaultPolicy(), version: 'polled' });
    await eventually(async () => (await versionOf(t!)) === 'polled', 5000);
    // An unchanged file is not loaded again on every poll.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await t.request('GET', '/metrics')).text).toMatch(/rbac_policy_loads_total\{status="success"\} 2\n/);
  });
});

/**
 * Two replicas on one database and one policy file, neither watching nor polling it: only the
 * announcement can tell B that A reloaded.
 */
describe.each([
  ['redis pub/sub', 'bullmq' as const, 'redis'],
  ['postgres notify', 'inline' as const, 'postgres'],
])('RBAC reload reaches every replica (%s)', (_label, queue, transport) => {
  let database: TestDatabase;
  let dir: PolicyDir;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    dir = policyDir();
    // Replicas of one deployment share the queue prefix, which also names the Redis channel.
    const env = dir.env({ QUEUE_PREFIX: `engram-test-${randomBytes(4).toString('hex')}` });
    a = await startTestApp({ database_: database, queue, env });
    b = await startTestApp({ database_: database, queue, env });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
    dir.remove();
  });

  it('B loads the policy A reloaded, within seconds', async () => {
    expect((await b.request('GET', INFO)).body.broadcast).toBe(transport);
    dir.write({ ...defaultPolicy(), version: 'everywhere' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await versionOf(b)).toBe('1');
    const reloaded = await a.request('POST', '/api/v1/rbac/reload');
    expect(reloaded.status).toBe(200);
    const { hash } = reloaded.body.info;
    await eventually(async () => (await b.request('GET', INFO)).body.hash === hash, 5000);
    expect(await versionOf(b)).toBe('everywhere');
    // Announcements are idempotent: the same hash announced again (a redelivery) loads nothing.
    const loadsBefore = (await b.request('GET', '/metrics')).text.match(
      /rbac_policy_loads_total\{status="success"\} (\d+)/,
    )?.[1];
    expect(loadsBefore).toBe('2');
    const broadcast = a.app.get<ReloadBroadcast>(POLICY_BROADCAST);
    await broadcast.publish({ origin: 'replayed', version: 'everywhere', hash });
    await broadcast.publish({ origin: 'replayed', version: 'everywhere', hash });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await b.request('GET', '/metrics')).text).toContain(
      `rbac_policy_loads_total{status="success"} ${loadsBefore}`,
    );
  });
});
