import { randomBytes } from 'node:crypto';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { TestDatabase, createTestDatabase } from '@engram/test-support/database';
import { FlagsDir, flagsDir, flagsFileWith } from '@engram/test-support/flags-file';
import { adminHeaders, newApiKey, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { FeatureFlagsService } from './feature-flags.service';

const TOKEN = `flags-admin-${randomBytes(12).toString('hex')}`;
const FLAGS = '/api/v1/flags';
const tenantFlags = (tenant: string, flag = '') => `/api/v1/admin/tenants/${tenant}/flags${flag ? `/${flag}` : ''}`;

const metric = async (t: TestApp, pattern: RegExp): Promise<string | undefined> =>
  (await t.request('GET', '/metrics', undefined, adminHeaders(t))).text.match(pattern)?.[1];

describe.each(['postgres', 'pglite'] as const)('feature flags over HTTP (%s)', (database) => {
  let t: TestApp;
  let dir: FlagsDir;
  let admin: Record<string, string>;
  let a: string;
  let b: string;

  beforeAll(async () => {
    dir = flagsDir(flagsFileWith({ memory_post_update: true, drift_detection_enabled: true }, 3));
    t = await startTestApp({
      database,
      queue: 'inline',
      env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN, MEMORY_CONTEXT_INJECTION: 'true', DRIFT_DETECTION_ENABLED: 'false' }),
    });
    admin = adminHeaders(t);
    a = await newTenant(t);
    b = await newTenant(t);
  });
  afterAll(async () => {
    await t?.close();
    dir.remove();
  });

  it('serves every flag with its value and source: env > file > default, and the file loaded', async () => {
    const { status, body } = await t.request('GET', FLAGS, undefined, admin);
    expect(status).toBe(200);
    expect(body.tenant_id).toBeNull();
    const values = Object.fromEntries(
      Object.entries(body.flags as Record<string, { enabled: boolean; source: string }>).map(([flag, v]) => [
        flag,
        [v.enabled, v.source],
      ]),
    );
    expect(values).toEqual({
      memory_pins_enabled: [true, 'file'],
      rbac_enforce: [true, 'file'],
      chaos_allowed: [false, 'file'],
      memory_context_injection: [true, 'env'],
      memory_post_update: [true, 'file'],
      drift_detection_enabled: [false, 'env'],
      memory_fail_open_override: [false, 'file'],
    });
    expect(body.file).toMatchObject({ path: dir.file, version: '3', hash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(Date.parse(body.file.loaded_at)).not.toBeNaN();
  });

  it('a flag the file leaves out falls back to its default', async () => {
    const file = flagsFileWith({}, 4);
    delete (file.flags as Record<string, boolean>).chaos_allowed;
    dir.write(file);
    expect((await t.request('POST', `${FLAGS}/reload`, undefined, admin)).body.changed).toBe(true);
    const { body } = await t.request('GET', FLAGS, undefined, admin);
    expect(body.flags.chaos_allowed).toEqual({ enabled: false, source: 'default', tenant_override: null });
    expect(body.file.version).toBe('4');
    dir.write(flagsFileWith({ memory_post_update: true, drift_detection_enabled: true }, 3));
    await t.request('POST', `${FLAGS}/reload`, undefined, admin);
  });

  it("a tenant's override wins over env and file, for that tenant only, until it is removed", async () => {
    const flags = t.app.get(FeatureFlagsService);
    const set = await t.request('PUT', tenantFlags(a, 'memory_post_update'), { enabled: false }, admin);
    expect(set.status).toBe(200);
    expect(set.body.tenant_id).toBe(a);
    expect(set.body.flags.memory_post_update).toMatchObject({
      enabled: false,
      source: 'tenant',
      tenant_override: { enabled: false, updated_by: expect.any(String) },
    });
    expect((await t.request('PUT', tenantFlags(a, 'memory_context_injection'), { enabled: false }, admin)).status).toBe(
      200,
    );
    expect(flags.isEnabled('memory_post_update', a)).toBe(false);
    expect(flags.isEnabled('memory_context_injection', a)).toBe(false);
    // Another tenant, and the platform, still see the file and the environment.
    expect(flags.isEnabled('memory_post_update', b)).toBe(true);
    expect(flags.isEnabled('memory_post_update')).toBe(true);
    expect(flags.isEnabled('memory_context_injection', b)).toBe(true);
    const other = await t.request('GET', tenantFlags(b), undefined, admin);
    expect(other.body.flags.memory_post_update).toEqual({ enabled: true, source: 'file', tenant_override: null });

    // A tenant-bound key reads its own tenant's flags on GET /flags.
    const key = await newApiKey(t, a, { role: 'readonly' });
    const own = await t.request('GET', FLAGS, undefined, key.headers);
    expect(own.status).toBe(200);
    expect(own.body.tenant_id).toBe(a);
    expect(own.body.flags.memory_post_update.source).toBe('tenant');
    // … and never another's.
    const foreign = await t.request('GET', `${FLAGS}?tenant_id=${b}`, undefined, key.headers);
    expect(foreign.status).toBe(403);

    const cleared = await t.request('DELETE', tenantFlags(a, 'memory_post_update'), undefined, admin);
    expect(cleared.status).toBe(200);
    expect(cleared.body.flags.memory_post_update).toEqual({ enabled: true, source: 'file', tenant_override: null });
    expect(flags.isEnabled('memory_post_update', a)).toBe(true);
    // Removing again is harmless.
    expect((await t.request('DELETE', tenantFlags(a, 'memory_post_update'), undefined, admin)).status).toBe(200);
    expect(await metric(t, /feature_flag_tenant_overrides\{flag="memory_context_injection"\} (\d+)/)).toBe('1');
    await t.request('DELETE', tenantFlags(a, 'memory_context_injection'), undefined, admin);
  });

  it('stores overrides under row-level security: a tenant context sees its own rows only', async () => {
    await t.request('PUT', tenantFlags(a, 'chaos_allowed'), { enabled: true }, admin);
    await t.request('PUT', tenantFlags(b, 'chaos_allowed'), { enabled: false }, admin);
    const seen = await t.db.withTenant(a, (tx) =>
      tx.query<{ tenant_id: string }>('SELECT tenant_id FROM tenant_feature_flags'),
    );
    expect(seen.map((row) => row.tenant_id)).toEqual([a]);
    expect(await t.db.query('SELECT * FROM tenant_feature_flags')).toEqual([]);
    const rows = await ownerQuery<{ tenant_id: string }>(
      t,
      'SELECT tenant_id FROM tenant_feature_flags WHERE tenant_id = ANY($1)',
      [[a, b]],
    );
    expect(rows).toHaveLength(2);
  });

  it('refuses bad input with a stable code and writes nothing', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['PUT', tenantFlags(a, 'no_such_flag'), { enabled: true }, 404, 'feature_flag_not_found'],
      ['DELETE', tenantFlags(a, 'no_such_flag'), undefined, 404, 'feature_flag_not_found'],
      ['PUT', tenantFlags(a, 'chaos_allowed'), { enabled: 'yes' }, 400, 'invalid_enabled'],
      ['PUT', tenantFlags(a, 'chaos_allowed'), { enabled: 1 }, 400, 'invalid_enabled'],
      ['PUT', tenantFlags(a, 'chaos_allowed'), {}, 400, 'missing_enabled'],
      ['PUT', tenantFlags(a, 'chaos_allowed'), { enabled: true, extra: 1 }, 400, 'invalid_body'],
      ['PUT', tenantFlags('no-such-tenant', 'chaos_allowed'), { enabled: true }, 404, 'tenant_not_found'],
      ['GET', tenantFlags('no-such-tenant'), undefined, 404, 'tenant_not_found'],
      ['GET', tenantFlags('Bad Id!'), undefined, 400, 'invalid_tenant_id'],
    ];
    for (const [method, url, body, status, code] of cases) {
      const response = await t.request(method as 'PUT', url, body, admin);
      expect({ method, url, body, status: response.status, code: response.body?.error?.code }).toEqual({
        method,
        url,
        body,
        status,
        code,
      });
    }
    const rows = await ownerQuery(
      t,
      "SELECT * FROM tenant_feature_flags WHERE tenant_id = 'no-such-tenant' OR flag = 'no_such_flag'",
    );
    expect(rows).toEqual([]);
    expect(t.app.get(FeatureFlagsService).isEnabled('chaos_allowed', a)).toBe(true);
  });

  it('keeps the admin routes to operators: a tenant-bound key may not override even its own tenant', async () => {
    const machine = await newApiKey(t, a, { role: 'machine' });
    const response = await t.request('PUT', tenantFlags(a, 'rbac_enforce'), { enabled: false }, machine.headers);
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
    expect((await t.request('POST', `${FLAGS}/reload`, undefined, machine.headers)).status).toBe(403);
  });

  it('counts flags and loads in metrics without tenant labels', async () => {
    const scrape = (await t.request('GET', '/metrics', undefined, admin)).text;
    expect(scrape).toContain('feature_flag_enabled{flag="memory_post_update"} 1');
    expect(scrape).toContain('feature_flag_enabled{flag="drift_detection_enabled"} 0');
    expect(scrape).toContain('feature_flag_enabled{flag="memory_context_injection"} 1');
    expect(scrape).toMatch(/feature_flag_reloads_total\{status="success",trigger="boot"\} 1/);
    expect(scrape).not.toMatch(/feature_flag_[a-z_]+\{[^}]*tenant/);
  });
});

describe('the flags file at boot and on reload (postgres)', () => {
  let dir: FlagsDir;
  let t: TestApp | undefined;
  beforeEach(() => {
    dir = flagsDir();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    dir.remove();
  });

  it('refuses to start on an invalid file, listing every problem', async () => {
    dir.write({ version: 1, flags: { chaos_alowed: true, memory_pins_enabled: 'yes' } });
    const database = await createTestDatabase('postgres');
    try {
      const started = startTestApp({ database_: database, queue: 'inline', env: dir.env() });
      await expect(started).rejects.toThrow(/Feature flags not loaded\. feature flags file .* is invalid: /);
      await expect(started).rejects.toThrow(/flags\.memory_pins_enabled: .*boolean/);
      await expect(started).rejects.toThrow(/chaos_alowed/);
    } finally {
      await database.drop();
    }
  });

  it('answers 422 flags_invalid on reload and keeps the last good file, then takes the next good one', async () => {
    t = await startTestApp({ queue: 'inline', env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN }) });
    const admin = adminHeaders(t);
    const before = (await t.request('GET', FLAGS, undefined, admin)).body;
    dir.write({ version: 2, flags: { memory_pins_enabled: false, chaos_allowed: 'true', unknown_flag: true } });
    const reload = await t.request('POST', `${FLAGS}/reload`, undefined, admin);
    expect(reload.status).toBe(422);
    expect(reload.body.error.code).toBe('flags_invalid');
    expect(reload.body.error.details.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'flags.chaos_allowed' }),
        expect.objectContaining({ path: 'flags', message: expect.stringMatching(/unknown_flag/) }),
      ]),
    );
    expect((await t.request('GET', FLAGS, undefined, admin)).body).toEqual(before);
    expect(t.app.get(FeatureFlagsService).isEnabled('memory_pins_enabled')).toBe(true);
    dir.write('{"version": 3, "flags": {');
    expect((await t.request('POST', `${FLAGS}/reload`, undefined, admin)).status).toBe(422);
    expect(await metric(t, /feature_flag_reloads_total\{status="invalid",trigger="http"\} (\d+)/)).toBe('2');
    dir.write(flagsFileWith({ memory_pins_enabled: false }, 5));
    const good = await t.request('POST', `${FLAGS}/reload`, undefined, admin);
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ changed: true, file: { version: '5' } });
    expect((await t.request('POST', `${FLAGS}/reload`, undefined, admin)).body.changed).toBe(false);
    expect(t.app.get(FeatureFlagsService).isEnabled('memory_pins_enabled')).toBe(false);
    expect(await metric(t, /feature_flag_enabled\{flag="memory_pins_enabled"\} (\d)/)).toBe('0');
  });

  it('follows the file on watch, skipping an invalid version, and by polling when not watching', async () => {
    t = await startTestApp({
      queue: 'inline',
      env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN, FLAGS_WATCH: 'true', FLAGS_WATCH_DEBOUNCE_MS: '20' }),
    });
    const flags = t.app.get(FeatureFlagsService);
    dir.write(flagsFileWith({ chaos_allowed: true }, 'watched'));
    await eventually(async () => flags.isEnabled('chaos_allowed'), 5000);
    dir.write('{"version": "broken"');
    await eventually(
      async () => (await metric(t!, /feature_flag_reloads_total\{status="invalid",trigger="watch"\} (\d+)/)) === '1',
      5000,
    );
    expect(flags.isEnabled('chaos_allowed')).toBe(true);
    await t.close();
    t = undefined;
    dir.write(flagsFileWith({}, 'reset'));

    t = await startTestApp({ queue: 'inline', env: dir.env({ FLAGS_POLL_INTERVAL_MS: '100' }) });
    const polled = t.app.get(FeatureFlagsService);
    expect(polled.isEnabled('chaos_allowed')).toBe(false);
    dir.write(flagsFileWith({ chaos_allowed: true }, 'polled'));
    await eventually(async () => polled.isEnabled('chaos_allowed'), 5000);
    // An unchanged file is not loaded again on every poll.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await metric(t, /feature_flag_reloads_total\{status="success",trigger="poll"\} (\d+)/)).toBe('1');
  });
});

/**
 * Two replicas on one database and one flags file, neither watching the file: only the
 * announcement (or, for overrides, polling the table) can tell B what A changed.
 */
describe.each([
  ['redis pub/sub', 'bullmq' as const, 'redis'],
  ['postgres notify', 'inline' as const, 'postgres'],
])('flags reach every replica (%s)', (_label, queue, transport) => {
  let database: TestDatabase;
  let dir: FlagsDir;
  let a: TestApp;
  let b: TestApp;
  let tenant: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    dir = flagsDir();
    const env = dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN, QUEUE_PREFIX: `engram-test-${randomBytes(4).toString('hex')}` });
    a = await startTestApp({ database_: database, queue, env });
    b = await startTestApp({ database_: database, queue, env });
    tenant = await newTenant(a);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
    dir.remove();
  });

  it("B takes the file A reloaded, and sees A's tenant override at once", async () => {
    const admin = adminHeaders(a);
    expect((await b.request('GET', FLAGS, undefined, admin)).body.file.broadcast).toBe(transport);
    dir.write(flagsFileWith({ memory_fail_open_override: true }, 'everywhere'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(b.app.get(FeatureFlagsService).isEnabled('memory_fail_open_override')).toBe(false);
    expect((await a.request('POST', `${FLAGS}/reload`, undefined, admin)).status).toBe(200);
    await eventually(async () => b.app.get(FeatureFlagsService).isEnabled('memory_fail_open_override'), 5000);
    expect((await b.request('GET', FLAGS, undefined, admin)).body.file.version).toBe('everywhere');

    expect((await a.request('PUT', tenantFlags(tenant, 'rbac_enforce'), { enabled: false }, admin)).status).toBe(200);
    await eventually(async () => !b.app.get(FeatureFlagsService).isEnabled('rbac_enforce', tenant), 5000);
    await a.request('DELETE', tenantFlags(tenant, 'rbac_enforce'), undefined, admin);
    await eventually(async () => b.app.get(FeatureFlagsService).isEnabled('rbac_enforce', tenant), 5000);
  });
});

describe('a tenant override reaches a replica that missed the announcement, by polling (postgres)', () => {
  it('B, on another channel, sees the change within its poll interval', async () => {
    const database = await createTestDatabase('postgres');
    const dir = flagsDir();
    // Different queue prefixes: different Redis channels, so A's announcements never reach B.
    const a = await startTestApp({
      database_: database,
      env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN }),
    });
    const b = await startTestApp({
      database_: database,
      env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN, FLAGS_POLL_INTERVAL_MS: '200' }),
    });
    try {
      const tenant = await newTenant(a);
      const put = await a.request(
        'PUT',
        tenantFlags(tenant, 'memory_pins_enabled'),
        { enabled: false },
        adminHeaders(a),
      );
      expect(put.status).toBe(200);
      const started = Date.now();
      await eventually(async () => !b.app.get(FeatureFlagsService).isEnabled('memory_pins_enabled', tenant), 5000);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
      dir.remove();
    }
  });
});
