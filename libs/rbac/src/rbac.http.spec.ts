import { createHash } from 'node:crypto';
import { ownerQuery } from '@engram/test-support/fixtures';
import { readFileSync } from 'node:fs';
import { MetricsService } from '@engram/metrics';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { createTestDatabase } from '@engram/test-support/database';
import { PolicyDir, defaultPolicy, policyDir, policyWithout } from '@engram/test-support/rbac-policy';

const TOKEN = 'rbac-test-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const PINS = '/api/v1/memory/pins';
const RBAC = '/api/v1/rbac';

const fileHash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);

interface AuditRow {
  tenant_id: string;
  actor: string;
  role: string;
  resource: string;
  action: string;
  decision: string;
  reason: string;
  enforced: boolean;
  request_id: string | null;
}

async function auditRowFor(t: TestApp, requestId: string): Promise<AuditRow> {
  return eventually(async () => {
    const rows = await ownerQuery<AuditRow>(t, 'SELECT * FROM rbac_audit WHERE request_id = $1', [requestId]);
    return rows[0];
  });
}

describe('RBAC over HTTP, enforced (postgres, bullmq)', () => {
  let t: TestApp;
  let dir: PolicyDir;
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => t.request(method, url, body, AUTH);

  beforeAll(async () => {
    dir = policyDir();
    t = await startTestApp({ env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN, RBAC_AUDIT_ALLOW_SAMPLE_RATE: '1' }) });
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });
  afterEach(async () => {
    // Every test starts from the committed policy.
    dir.write(defaultPolicy());
    expect((await call('POST', `${RBAC}/reload`)).status).toBe(200);
  });

  it('GET /rbac/info describes the loaded policy', async () => {
    const info = await call('GET', `${RBAC}/info`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      version: '1',
      hash: fileHash(dir.file),
      enforce_mode: 'enforce',
      loaded_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      rule_count: 26,
      inheritance_count: 3,
      file: dir.file,
      broadcast: 'redis',
    });
  });

  it('GET /rbac/matrix lists what each role may do, inheritance applied', async () => {
    const { status, body } = await call('GET', `${RBAC}/matrix`);
    expect(status).toBe(200);
    expect(body.roles).toEqual(['infra', 'admin', 'machine', 'agent', 'dev', 'readonly']);
    expect(body.matrix.infra.tenant).toEqual(['read', 'write', 'delete', 'admin', 'reload']);
    expect(body.matrix.machine.memory_pin).toEqual(['read', 'write']);
    expect(body.matrix.machine.tenant).toEqual([]);
    expect(body.matrix.agent.memory).toEqual(['read', 'write', 'delete']);
    expect(body.matrix.agent.memory_pin).toEqual(['read', 'write', 'delete']);
    expect(body.matrix.agent.context).toEqual(['read']);
    expect(body.matrix.agent.metrics).toEqual([]);
    expect(body.matrix.dev.metrics).toEqual(['read']);
    expect(body.matrix.readonly.memory).toEqual(['read']);
    expect(body.matrix.readonly.metrics).toEqual([]);
    // Only resources some route declares: the matrix promises nothing that cannot be reached.
    expect(Object.keys(body.matrix.admin)).toEqual([
      'memory_pin',
      'memory',
      'context',
      'run',
      'tenant',
      'api_key',
      'policy',
      'metrics',
      'proxy',
      'drift',
      'feature_flag',
    ]);
    expect(body.matrix.readonly.feature_flag).toEqual(['read']);
    expect(body.matrix.agent.feature_flag).toEqual([]);
  });

  it('refuses a policy granting a resource no route has (billing), keeping the last good policy', async () => {
    dir.write({
      ...defaultPolicy(),
      rules: [...defaultPolicy().rules, { role: 'dev', resource: 'billing', actions: ['read'] }],
    });
    const reload = await call('POST', `${RBAC}/reload`);
    expect(reload.status).toBe(422);
    expect(reload.body.error.details.issues).toContainEqual({
      path: `rules.${defaultPolicy().rules.length}.resource`,
      message: expect.stringMatching(/billing/),
    });
    const audit = await call('GET', `${RBAC}/audit?resource=billing`);
    expect(audit.status).toBe(400);
    expect(audit.body.error.code).toBe('invalid_resource');
  });

  it('POST /rbac/reload loads a changed file, reports it, and is a no-op when nothing changed', async () => {
    const before = (await call('GET', `${RBAC}/info`)).body;
    dir.write({ ...defaultPolicy(), version: 'v2' });
    const reloaded = await call('POST', `${RBAC}/reload`);
    expect(reloaded.status).toBe(200);
    expect(reloaded.body.changed).toBe(true);
    expect(reloaded.body.info).toMatchObject({ version: 'v2', hash: fileHash(dir.file) });
    expect(reloaded.body.info.hash).not.toBe(before.hash);
    expect(Date.parse(reloaded.body.info.loaded_at)).toBeGreaterThanOrEqual(Date.parse(before.loaded_at));
    const again = await call('POST', `${RBAC}/reload`);
    expect(again.body).toMatchObject({ changed: false, info: { version: 'v2' } });
    const metrics = (await t.request('GET', '/metrics')).text;
    expect(metrics).toContain(`rbac_policy_version_info{version="v2",hash="${fileHash(dir.file)}"} 1`);
    expect(metrics).not.toContain(`rbac_policy_version_info{version="1"`);
    expect(metrics).toMatch(/rbac_policy_loads_total\{status="unchanged"\} [1-9]/);
  });

  const truncated = JSON.stringify(defaultPolicy()).slice(0, 200);
  const unknownRole = {
    ...defaultPolicy(),
    rules: [...defaultPolicy().rules, { role: 'root', resource: '*', actions: ['*'] }],
  };
  const wrongTypes = { ...defaultPolicy(), version: ['1'], rules: { role: 'admin' } };
  it.each([
    ['empty', '', '(file)', /is empty/],
    ['truncated JSON', truncated, '(file)', /is not valid JSON/],
    ['unknown role', unknownRole, `rules.${defaultPolicy().rules.length}.role`, /unknown role "root"/],
    ['wrong types', wrongTypes, 'version', /non-negative integer/],
  ])(
    'a malformed file (%s) answers 422 policy_invalid and keeps the last good policy',
    async (_label, content, path, message) => {
      const before = (await call('GET', `${RBAC}/info`)).body;
      dir.write(content as string);
      const reload = await call('POST', `${RBAC}/reload`);
      expect(reload.status).toBe(422);
      expect(reload.body.error.code).toBe('policy_invalid');
      expect(reload.body.error.details.file).toBe(dir.file);
      expect(reload.body.error.details.issues).toContainEqual({ path, message: expect.stringMatching(message) });
      const after = (await call('GET', `${RBAC}/info`)).body;
      expect(after).toEqual(before);
      // The old policy still decides: the admin may still write pins.
      expect((await call('POST', PINS, { key: 'still:allowed', value: 1 })).status).toBeLessThan(300);
      expect((await t.request('GET', '/metrics')).text).toMatch(/rbac_policy_loads_total\{status="invalid"\} [1-9]/);
    },
  );

  it('denies what the policy does not grant: 403 forbidden, audited as an enforced denial', async () => {
    dir.write(policyWithout('admin', 'memory_pin', 'write'));
    expect((await call('POST', `${RBAC}/reload`)).body.changed).toBe(true);
    const write = await call('POST', PINS, { key: 'denied', value: 1 });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('forbidden');
    expect((await call('GET', PINS)).status).toBe(200);
    expect(await auditRowFor(t, write.headers['x-request-id'] as string)).toMatchObject({
      tenant_id: 'global',
      actor: 'admin',
      role: 'admin',
      resource: 'memory_pin',
      action: 'write',
      decision: 'deny',
      reason: 'no_rule',
      enforced: true,
    });
    const metrics = (await t.request('GET', '/metrics')).text;
    expect(metrics).toMatch(
      /rbac_decisions_total\{resource="memory_pin",action="write",decision="deny",reason="no_rule"\} [1-9]/,
    );
  });

  it('GET /rbac/audit pages decisions newest first, with filters and a cursor', async () => {
    dir.write(policyWithout('admin', 'memory_pin', 'delete'));
    await call('POST', `${RBAC}/reload`);
    const denied: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await call('DELETE', `${PINS}/k${i}`);
      expect(response.status).toBe(403);
      denied.push(response.headers['x-request-id'] as string);
    }
    await auditRowFor(t, denied[4]);
    const seen: string[] = [];
    const times: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `decision=deny&resource=memory_pin&action=delete&role=admin&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call('GET', `${RBAC}/audit?${query}`);
      expect(page.status).toBe(200);
      expect(page.body.decisions.length).toBeLessThanOrEqual(2);
      for (const decision of page.body.decisions) {
        expect(decision).toMatchObject({
          tenant_id: 'global',
          decision: 'deny',
          resource: 'memory_pin',
          action: 'delete',
        });
        seen.push(decision.request_id);
        times.push(Date.parse(decision.ts));
      }
      cursor = page.body.next_cursor;
      expect(page.body.has_more).toBe(cursor !== null);
    } while (cursor !== null);
    // Every denial once, newest first (rows of the same millisecond come in id order).
    expect([...seen].sort()).toEqual([...denied].sort());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const allows = await call('GET', `${RBAC}/audit?decision=allow&limit=1000`);
    expect(allows.body.decisions.length).toBeGreaterThan(0);
    expect(allows.body.decisions.every((d: { decision: string }) => d.decision === 'allow')).toBe(true);
    const future = await call('GET', `${RBAC}/audit?since=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(future.body).toEqual({ decisions: [], has_more: false, next_cursor: null });
    const unknownTenant = await call('GET', `${RBAC}/audit?tenant_id=someone-else`);
    expect(unknownTenant.status).toBe(404);
    expect(unknownTenant.body.error.code).toBe('tenant_not_found');

    const badCursor = await call('GET', `${RBAC}/audit?cursor=not-a-cursor`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
    const badFilter = await call('GET', `${RBAC}/audit?decision=maybe`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.code).toBe('invalid_decision');
  });

  it('exposes the rbac metrics', async () => {
    await call('GET', PINS);
    await eventually(async () =>
      (await t.request('GET', '/metrics')).text.includes('rbac_audit_writes_total{status="written"}'),
    );
    const metrics = (await t.request('GET', '/metrics')).text;
    for (const series of [
      'rbac_decisions_total{resource="memory_pin",action="read",decision="allow",reason="role"}',
      'rbac_latency_seconds_bucket{le="0.001"}',
      'rbac_policy_loads_total{status="success"}',
      'rbac_policy_version_info{version="1"',
      'rbac_audit_writes_total{status="written"}',
    ]) {
      expect(metrics).toContain(series);
    }
  });

  it('keeps the policy routes behind credentials', async () => {
    for (const [method, url] of [
      ['GET', `${RBAC}/info`],
      ['GET', `${RBAC}/matrix`],
      ['GET', `${RBAC}/audit`],
      ['POST', `${RBAC}/reload`],
    ] as const) {
      const response = await t.request(method, url);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('missing_credentials');
    }
  });

  it('refuses policy routes to a role without policy permissions', async () => {
    dir.write(policyWithout('admin', 'policy', 'read'));
    await call('POST', `${RBAC}/reload`);
    const info = await call('GET', `${RBAC}/info`);
    expect(info.status).toBe(403);
    expect(info.body.error.code).toBe('forbidden');
  });
});

describe('RBAC shadow mode (postgres, bullmq)', () => {
  let t: TestApp;
  let dir: PolicyDir;

  beforeAll(async () => {
    dir = policyDir(policyWithout('admin', 'memory_pin', 'write'));
    t = await startTestApp({
      env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN, RBAC_ENFORCE: 'false', RBAC_AUDIT_ALLOW_SAMPLE_RATE: '0' }),
    });
  });
  afterAll(async () => {
    await t.close();
    dir.remove();
  });

  it('lets a request the policy denies through, audits it as a would-be denial and counts it', async () => {
    expect((await t.request('GET', `${RBAC}/info`, undefined, AUTH)).body.enforce_mode).toBe('shadow');
    const write = await t.request('POST', PINS, { key: 'shadowed', value: 1 }, AUTH);
    expect(write.status).toBe(201);
    expect(await auditRowFor(t, write.headers['x-request-id'] as string)).toMatchObject({
      resource: 'memory_pin',
      action: 'write',
      decision: 'deny',
      reason: 'no_rule',
      enforced: false,
    });
    const metrics = (await t.request('GET', '/metrics')).text;
    expect(metrics).toContain(
      'rbac_decisions_total{resource="memory_pin",action="write",decision="would_deny",reason="no_rule"} 1',
    );
    // Allows are sampled at 0 here: the read left no row.
    const read = await t.request('GET', `${PINS}/shadowed`, undefined, AUTH);
    expect(read.status).toBe(200);
    await t.settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(
      await ownerQuery(t, 'SELECT 1 FROM rbac_audit WHERE request_id = $1', [read.headers['x-request-id']]),
    ).toEqual([]);
  });
});

describe('RBAC at boot', () => {
  it('refuses to start on an invalid policy file, saying why', async () => {
    const dir = policyDir(
      '{"version": 1, "roles": {"admin": {}}, "rules": [{"role": "admin", "resource": "tenants", "actions": ["*"]}]}',
    );
    const database = await createTestDatabase('postgres');
    try {
      await expect(startTestApp({ database_: database, queue: 'inline', env: dir.env() })).rejects.toThrow(
        /RBAC policy not loaded\. policy file .*rbac-policies\.json is invalid: rules\.0\.resource: unknown resource "tenants"/,
      );
    } finally {
      await database.drop();
      dir.remove();
    }
  });
});

describe('RBAC embedded (pglite, inline queue)', () => {
  it('enforces, audits denials and needs no broadcast', async () => {
    const dir = policyDir(policyWithout('admin', 'memory_pin', 'delete'));
    const t = await startTestApp({ database: 'pglite', queue: 'inline', env: dir.env() });
    try {
      expect((await t.request('GET', `${RBAC}/info`)).body.broadcast).toBe('none');
      const denied = await t.request('DELETE', `${PINS}/anything`);
      expect(denied.status).toBe(403);
      // No flush: the 403 was sent after its decision was committed, on the one embedded connection too.
      const rows = await ownerQuery<AuditRow>(t, 'SELECT * FROM rbac_audit WHERE request_id = $1', [
        denied.headers['x-request-id'] as string,
      ]);
      expect(rows).toEqual([expect.objectContaining({ decision: 'deny', actor: 'local' })]);
    } finally {
      await t.close();
      dir.remove();
    }
  });
});

describe('RBAC audit with Redis away (postgres)', () => {
  it('still answers, and the denial is in rbac_audit when the 403 arrives', async () => {
    const dir = policyDir(policyWithout('admin', 'memory_pin', 'delete'));
    // Nothing listens on port 1: the queue refuses every batch and the subscriber never connects.
    const t = await startTestApp({ worker: false, env: dir.env({ REDIS_URL: 'redis://127.0.0.1:1' }) });
    try {
      const denied = await t.request('DELETE', `${PINS}/anything`);
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('forbidden');
      const rows = await ownerQuery<AuditRow>(t, 'SELECT * FROM rbac_audit WHERE request_id = $1', [
        denied.headers['x-request-id'] as string,
      ]);
      expect(rows).toEqual([expect.objectContaining({ decision: 'deny', enforced: true })]);
      expect(await t.app.get(MetricsService).registry.getSingleMetricAsString('rbac_audit_writes_total')).toMatch(
        /rbac_audit_writes_total\{status="written"\} [1-9]/,
      );
    } finally {
      await t.close();
      dir.remove();
    }
  });
});
