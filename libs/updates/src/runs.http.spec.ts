import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newNamespace, newTenant } from '@engram/test-support/fixtures';
import { PostUpdateService } from './post-update.service';

const RUNS = '/api/v1/runs';

/** Rules exercising every action; `broken` fails on its second action, after its first succeeded. */
const RULES = {
  version: 7,
  rules: [
    {
      id: 'failure-pin',
      when: { field: 'status', op: 'eq', value: 'failed' },
      actions: [
        {
          type: 'upsert_pin',
          key: 'runs:{{workflow_id}}:last_failure',
          value: {
            run_id: '{{run_id}}',
            error: '{{outputs.error | unknown}}',
            attempts: '{{metrics.attempts | none}}',
          },
        },
      ],
    },
    {
      id: 'summary',
      when: {
        all: [
          { field: 'status', op: 'eq', value: 'succeeded' },
          { field: 'outputs.summary', op: 'exists' },
        ],
      },
      actions: [
        {
          type: 'supersede_memory',
          namespace: 'runs',
          create_namespace: true,
          content: '{{workflow_id}}: {{outputs.summary}}',
          tags: ['workflow:{{workflow_id}}'],
          metadata: { run_id: '{{run_id}}' },
          supersedes: { namespace: 'runs', tags: ['workflow:{{workflow_id}}'] },
        },
      ],
    },
    {
      id: 'slow',
      when: { field: 'metrics.latency_ms', op: 'gt', value: 1000 },
      actions: [
        { type: 'adjust_importance', filter: { namespace: 'notes', tags: ['{{workflow_id}}'] }, delta: 0.25 },
        { type: 'expire_memories', filter: { namespace: 'notes', tags: ['stale'] }, ttl_seconds: 0 },
      ],
    },
    {
      id: 'broken',
      when: { field: 'outputs.break', op: 'eq', value: true },
      actions: [
        { type: 'upsert_pin', key: 'broken:{{run_id}}', value: 'half' },
        { type: 'write_memory', namespace: 'no-such-namespace', content: 'never {{run_id}}' },
      ],
    },
    {
      id: 'needs-ticket',
      when: { field: 'outputs.ticket_wanted', op: 'eq', value: true },
      actions: [{ type: 'upsert_pin', key: 'ticket:{{run_id}}', value: '{{outputs.ticket}}' }],
    },
    {
      id: 'stopper',
      when: { field: 'workflow_id', op: 'eq', value: 'stop-here' },
      stop: true,
      actions: [{ type: 'upsert_pin', key: 'stopped:{{run_id}}', value: 1 }],
    },
    {
      id: 'after-stop',
      when: { field: 'workflow_id', op: 'eq', value: 'stop-here' },
      actions: [{ type: 'upsert_pin', key: 'after:{{run_id}}', value: 1 }],
    },
  ],
};

let counter = 0;
function run(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    run_id: `run-${Date.now()}-${counter}`,
    workflow_id: 'deploy',
    status: 'succeeded',
    started_at: '2026-01-01T10:00:00Z',
    finished_at: '2026-01-01T10:00:05.5+00:00',
    ...overrides,
  };
}

function rulesFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'engram-rules-'));
  const file = join(dir, 'rules.json');
  writeFileSync(file, JSON.stringify(RULES));
  return { dir, file };
}

const ENV = (file: string, flag: boolean): Record<string, string> => ({
  MEMORY_UPDATE_RULES_FILE: file,
  MEMORY_UPDATE_RULES_WATCH: 'false',
  MEMORY_UPDATE_RULES_POLL_INTERVAL_MS: '0',
  MEMORY_POST_UPDATE: String(flag),
  RUN_MAX_BYTES: '4096',
});

describe('runs and post-run updates (postgres, inline queue)', () => {
  let t: TestApp;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    ({ dir, file } = rulesFile());
    t = await startTestApp({ queue: 'inline', env: ENV(file, true) });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pin = async (tenant: string, key: string) => t.request('GET', `/api/v1/memory/pins/${key}?tenant_id=${tenant}`);

  it('records a run once: 201, the same body again 200, another body under the run_id 409', async () => {
    const tenant = await newTenant(t);
    const body = { tenant_id: tenant, ...run({ outputs: { a: 1, b: { c: 2 } }, metrics: { x: 1 } }) };
    const first = await t.request('POST', RUNS, body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      tenant_id: tenant,
      run_id: body.run_id,
      status: 'succeeded',
      duration_ms: 5500,
      started_at: '2026-01-01T10:00:00.000Z',
      post_update: 'queued',
    });
    // Key order and timestamp spelling do not make it another body.
    const again = await t.request('POST', RUNS, {
      ...body,
      outputs: { b: { c: 2 }, a: 1 },
      started_at: '2026-01-01T11:00:00+01:00',
    });
    expect(again.status).toBe(200);
    expect(again.body.recorded_at).toBe(first.body.recorded_at);
    const changed = await t.request('POST', RUNS, { ...body, status: 'failed' });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('run_conflict');
    const got = await t.request('GET', `${RUNS}/${body.run_id}?tenant_id=${tenant}`);
    expect(got.status).toBe(200);
    expect(got.body.status).toBe('succeeded');
  });

  it('answers bad input with clear codes and stores nothing', async () => {
    const tenant = await newTenant(t);
    const cases: [unknown, number, string][] = [
      [{ ...run(), status: 'exploded' }, 400, 'invalid_status'],
      [{ ...run(), run_id: 'has:colon' }, 400, 'invalid_run_id'],
      [{ ...run(), finished_at: '2025-01-01T00:00:00Z' }, 400, 'invalid_finished_at'],
      [{ ...run(), metrics: { latency: 'slow' } }, 400, 'invalid_metrics'],
      [{ ...run(), started_at: undefined }, 400, 'missing_started_at'],
      [{ ...run(), outputs: { blob: 'x'.repeat(5000) } }, 413, 'run_too_large'],
      [{ ...run(), extra: 1 }, 400, 'invalid_body'],
    ];
    for (const [body, status, code] of cases) {
      const response = await t.request('POST', RUNS, { tenant_id: tenant, ...(body as object) });
      expect([code, response.status, response.body?.error?.code]).toEqual([code, status, code]);
    }
    const dry = await t.request('POST', `${RUNS}/dry-run`, {
      tenant_id: tenant,
      ...run({ outputs: { blob: 'x'.repeat(5000) } }),
    });
    expect([dry.status, dry.body.error.code]).toEqual([413, 'run_too_large']);
    expect((await t.request('GET', `${RUNS}?tenant_id=${tenant}`)).body.runs).toEqual([]);
    expect((await t.request('GET', `${RUNS}/nope?tenant_id=${tenant}`)).body.error.code).toBe('run_not_found');
    expect((await t.request('GET', `${RUNS}?tenant_id=${tenant}&cursor=zzz`)).body.error.code).toBe('invalid_cursor');
  });

  it('lists newest first in cursor pages, filtered by workflow and status', async () => {
    const tenant = await newTenant(t);
    const ids: string[] = [];
    for (const [workflow, status] of [
      ['a', 'succeeded'],
      ['b', 'failed'],
      ['a', 'failed'],
      ['a', 'succeeded'],
    ]) {
      const body = run({ workflow_id: workflow, status });
      ids.push(body.run_id);
      expect((await t.request('POST', RUNS, { tenant_id: tenant, ...body })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { runs: { run_id: string }[]; next_cursor: string | null } } = await t.request(
        'GET',
        `${RUNS}?tenant_id=${tenant}&workflow_id=a&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.runs.map((r) => r.run_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([ids[3], ids[2], ids[0]]);
    const failed = await t.request('GET', `${RUNS}?tenant_id=${tenant}&status=failed`);
    expect(failed.body.runs.map((r: { run_id: string }) => r.run_id)).toEqual([ids[2], ids[1]]);
  });

  it('applies matching rules through the job, records and audits each application', async () => {
    const tenant = await newTenant(t);
    const failed = run({ status: 'failed', outputs: { error: 'disk full' }, metrics: { attempts: 3 } });
    expect((await t.request('POST', RUNS, { tenant_id: tenant, ...failed })).status).toBe(201);
    await t.settle();
    const stored = await pin(tenant, 'runs:deploy:last_failure');
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      value: { run_id: failed.run_id, error: 'disk full', attempts: 3 },
      source: 'post-update:failure-pin',
    });
    const detail = await t.request('GET', `${RUNS}/${failed.run_id}?tenant_id=${tenant}`);
    expect(detail.body.applications).toEqual([
      expect.objectContaining({
        rule_id: 'failure-pin',
        status: 'applied',
        rules_version: '7',
        error: null,
        changes: [{ action: 'upsert_pin', pin_key: 'runs:deploy:last_failure', pin_id: stored.body.id, created: true }],
      }),
    ]);
    const audit = await t.database.db.query<{ key: string; success: boolean; affected: number }>(
      `SELECT key, success, affected FROM memory_audit WHERE tenant_id = $1 AND operation = 'post_update_apply'`,
      [tenant],
    );
    expect(audit).toEqual([{ key: `${failed.run_id}/failure-pin`, success: true, affected: 1 }]);
  });

  it('applies nothing twice: a rerun of the job, and a replayed POST, find each rule applied', async () => {
    const tenant = await newTenant(t);
    const body = run({ status: 'failed' });
    await t.request('POST', RUNS, { tenant_id: tenant, ...body });
    await t.settle();
    const before = (await pin(tenant, 'runs:deploy:last_failure')).body;
    const outcomes = await t.app.get(PostUpdateService).apply(tenant, body.run_id);
    expect(outcomes).toEqual([{ rule_id: 'failure-pin', status: 'duplicate', changes: [] }]);
    expect((await t.request('POST', RUNS, { tenant_id: tenant, ...body })).status).toBe(200);
    await t.settle();
    const after = (await pin(tenant, 'runs:deploy:last_failure')).body;
    expect(after.updated_at).toBe(before.updated_at);
    const rows = await t.database.db.query('SELECT 1 FROM rule_applications WHERE tenant_id = $1', [tenant]);
    expect(rows).toHaveLength(1);
  });

  it('writes, supersedes, raises importance and expires through the memory service', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'notes');
    const note = async (content: string, tags: string[], importance = 0.5) =>
      (
        await t.request('POST', '/api/v1/memories', {
          tenant_id: tenant,
          namespace: 'notes',
          content,
          tags,
          importance,
        })
      ).body.id as string;
    const deployNote = await note('deploys need a green build', ['deploy'], 0.5);
    const capped = await note('deploy owner is Ada', ['deploy'], 0.9);
    const stale = await note('old runbook', ['stale']);
    const other = await note('unrelated', ['other']);

    const first = run({ outputs: { summary: 'shipped v1' } });
    await t.request('POST', RUNS, { tenant_id: tenant, ...first });
    await t.settle();
    const second = run({ outputs: { summary: 'shipped v2' }, metrics: { latency_ms: 1500 } });
    await t.request('POST', RUNS, { tenant_id: tenant, ...second });
    await t.settle();

    const apps = (await t.request('GET', `${RUNS}/${second.run_id}?tenant_id=${tenant}`)).body.applications;
    const summary = apps.find((a: { rule_id: string }) => a.rule_id === 'summary');
    const v1 = (await t.request('GET', `${RUNS}/${first.run_id}?tenant_id=${tenant}`)).body.applications[0].changes[0]
      .memory_id;
    expect(summary.changes).toEqual([
      { action: 'supersede_memory', memory_id: expect.any(String), duplicate: false, superseded_ids: [v1] },
    ]);
    // The old summary is superseded by the new one, and leaves search and context.
    const successor = await t.request('GET', `/api/v1/memories/${summary.changes[0].memory_id}?tenant_id=${tenant}`);
    expect(successor.body).toMatchObject({ state: 'active', supersedes: v1 });
    const old = await t.request('GET', `/api/v1/memories/${v1}?tenant_id=${tenant}`);
    expect(old.body).toMatchObject({ state: 'superseded', superseded_by: summary.changes[0].memory_id });

    const slow = apps.find((a: { rule_id: string }) => a.rule_id === 'slow');
    expect(slow.changes).toEqual([
      { action: 'adjust_importance', memory_ids: [deployNote, capped] },
      { action: 'expire_memories', memory_ids: [stale] },
    ]);
    const read = async (id: string) => t.request('GET', `/api/v1/memories/${id}?tenant_id=${tenant}`);
    expect((await read(deployNote)).body.importance).toBeCloseTo(0.75);
    expect((await read(capped)).body.importance).toBe(1);
    expect((await read(stale)).status).toBe(404);
    expect((await read(other)).body.importance).toBe(0.5);
  });

  it('a rule applies all its actions or none: a failing action rolls back the others, recorded as failed', async () => {
    const tenant = await newTenant(t);
    const body = run({ outputs: { break: true } });
    await t.request('POST', RUNS, { tenant_id: tenant, ...body });
    await t.settle();
    expect((await pin(tenant, `broken:${body.run_id}`)).status).toBe(404);
    const detail = await t.request('GET', `${RUNS}/${body.run_id}?tenant_id=${tenant}`);
    expect(detail.body.applications).toEqual([
      expect.objectContaining({
        rule_id: 'broken',
        status: 'failed',
        changes: [],
        error: { code: 'namespace_not_found', message: expect.any(String) },
      }),
    ]);
    const audit = await t.database.db.query(
      `SELECT success FROM memory_audit WHERE tenant_id = $1 AND operation = 'post_update_apply'`,
      [tenant],
    );
    expect(audit).toEqual([{ success: false }]);
    // Once the namespace exists, a rerun applies it (a failed application is not a done one).
    await newNamespace(t, tenant, 'no-such-namespace');
    expect((await t.app.get(PostUpdateService).apply(tenant, body.run_id))[0]).toMatchObject({
      rule_id: 'broken',
      status: 'applied',
    });
    expect((await pin(tenant, `broken:${body.run_id}`)).status).toBe(200);
  });

  it('a placeholder with no value fails its rule (template_unresolved); the other rules still apply; stop ends the list', async () => {
    const tenant = await newTenant(t);
    const body = run({ status: 'failed', outputs: { ticket_wanted: true } });
    await t.request('POST', RUNS, { tenant_id: tenant, ...body });
    await t.settle();
    const apps = (await t.request('GET', `${RUNS}/${body.run_id}?tenant_id=${tenant}`)).body.applications;
    expect(
      apps.map((a: { rule_id: string; status: string; error: { code: string } | null }) => [
        a.rule_id,
        a.status,
        a.error?.code ?? null,
      ]),
    ).toEqual([
      ['failure-pin', 'applied', null],
      ['needs-ticket', 'failed', 'template_unresolved'],
    ]);
    const stop = run({ workflow_id: 'stop-here' });
    await t.request('POST', RUNS, { tenant_id: tenant, ...stop });
    await t.settle();
    expect((await pin(tenant, `stopped:${stop.run_id}`)).status).toBe(200);
    expect((await pin(tenant, `after:${stop.run_id}`)).status).toBe(404);
  });

  it('dry-runs a run body or a recorded run and writes nothing', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'notes');
    const noteId = (
      await t.request('POST', '/api/v1/memories', {
        tenant_id: tenant,
        namespace: 'notes',
        content: 'n',
        tags: ['deploy'],
      })
    ).body.id;
    const body = run({ status: 'failed', metrics: { latency_ms: 5000 }, outputs: { ticket_wanted: true } });
    const dry = await t.request('POST', `${RUNS}/dry-run`, { tenant_id: tenant, ...body });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ run_id: body.run_id, rules_version: '7', flag_enabled: true });
    const byId = Object.fromEntries(dry.body.rules.map((r: { rule_id: string }) => [r.rule_id, r]));
    expect(byId['failure-pin']).toMatchObject({
      matched: true,
      already_applied: false,
      error: null,
      actions: [
        {
          type: 'upsert_pin',
          detail: {
            key: 'runs:deploy:last_failure',
            value: { run_id: body.run_id, error: 'unknown', attempts: 'none' },
          },
        },
      ],
    });
    expect(byId.summary).toMatchObject({ matched: false, actions: [] });
    expect(byId.slow.actions[0]).toMatchObject({ type: 'adjust_importance', memory_ids: [noteId] });
    expect(byId['needs-ticket']).toMatchObject({ matched: true, actions: [], error: { code: 'template_unresolved' } });
    expect((await pin(tenant, 'runs:deploy:last_failure')).status).toBe(404);
    expect((await t.request('GET', `${RUNS}/${body.run_id}?tenant_id=${tenant}`)).status).toBe(404);
    expect((await t.request('GET', `/api/v1/memories/${noteId}?tenant_id=${tenant}`)).body.importance).toBe(0.5);

    await t.request('POST', RUNS, { tenant_id: tenant, ...body });
    await t.settle();
    const recorded = await t.request('POST', `${RUNS}/${body.run_id}/dry-run`, { tenant_id: tenant });
    expect(recorded.status).toBe(200);
    const after = Object.fromEntries(recorded.body.rules.map((r: { rule_id: string }) => [r.rule_id, r]));
    expect(after['failure-pin'].already_applied).toBe(true);
    expect(after['needs-ticket'].already_applied).toBe(false);
    expect((await t.request('POST', `${RUNS}/absent/dry-run`, { tenant_id: tenant })).body.error.code).toBe(
      'run_not_found',
    );
  });

  it('reloads the rules file; a file that does not load changes nothing', async () => {
    const info = await t.request('GET', '/api/v1/update-rules');
    expect(info.body).toMatchObject({ version: '7', rule_count: RULES.rules.length });
    expect((await t.request('POST', '/api/v1/update-rules/reload')).body.changed).toBe(false);
    writeFileSync(file, JSON.stringify({ version: 8, rules: [{ id: 'x', actions: [{ type: 'nope' }] }] }));
    const bad = await t.request('POST', '/api/v1/update-rules/reload');
    expect([bad.status, bad.body.error.code]).toEqual([422, 'update_rules_invalid']);
    expect(bad.body.error.details.issues[0].path).toBe('rules.0.actions.0.type');
    writeFileSync(file, '{ "version": 8, "rules": [');
    expect((await t.request('POST', '/api/v1/update-rules/reload')).status).toBe(422);
    expect((await t.request('GET', '/api/v1/update-rules')).body).toEqual(info.body);
    writeFileSync(file, JSON.stringify({ ...RULES, version: 8 }));
    const good = await t.request('POST', '/api/v1/update-rules/reload');
    expect(good.body).toMatchObject({ changed: true, info: { version: '8' } });
    const scrape = (await t.request('GET', '/metrics')).text;
    expect(scrape).toMatch(/^memory_post_update_rule_loads_total\{status="invalid"\} 2$/m);
    expect(scrape).toMatch(/^memory_post_update_applications_total\{status="applied"\} [1-9]/m);
    expect(scrape).toMatch(/^memory_post_update_applications_total\{status="failed"\} [1-9]/m);
    expect(scrape).toMatch(/^memory_post_update_rules_version_info\{version="8",hash="[0-9a-f]{16}"\} 1$/m);
  });
});

describe('with the memory_post_update flag off (default)', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    let file: string;
    ({ dir, file } = rulesFile());
    const { MEMORY_POST_UPDATE: _flag, ...env } = ENV(file, false);
    t = await startTestApp({ queue: 'inline', env });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the run and changes nothing', async () => {
    const tenant = await newTenant(t);
    const body = run({ status: 'failed' });
    const recorded = await t.request('POST', RUNS, { tenant_id: tenant, ...body });
    expect([recorded.status, recorded.body.post_update]).toEqual([201, 'disabled']);
    await t.settle();
    expect((await t.request('GET', `/api/v1/memory/pins/runs:deploy:last_failure?tenant_id=${tenant}`)).status).toBe(
      404,
    );
    expect((await t.request('GET', `${RUNS}/${body.run_id}?tenant_id=${tenant}`)).body.applications).toEqual([]);
    expect(await t.app.get(PostUpdateService).apply(tenant, body.run_id)).toEqual([]);
    const dry = await t.request('POST', `${RUNS}/${body.run_id}/dry-run`, { tenant_id: tenant });
    expect(dry.body).toMatchObject({ flag_enabled: false });
    expect(dry.body.rules[0]).toMatchObject({ rule_id: 'failure-pin', matched: true });
  });
});

describe('the rules file, changed while the app runs', () => {
  let t: TestApp;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    ({ dir, file } = rulesFile());
    t = await startTestApp({
      queue: 'inline',
      env: { ...ENV(file, true), MEMORY_UPDATE_RULES_POLL_INTERVAL_MS: '100' },
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is picked up by the poll; a broken file in between never replaces the rules in force', async () => {
    const version = async () => (await t.request('GET', '/api/v1/update-rules')).body.version as string;
    expect(await version()).toBe('7');
    writeFileSync(file, '{ "version": 9, "rules": [ { "id": "half" ');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await version()).toBe('7');
    const tenant = await newTenant(t);
    const body = run({ status: 'failed' });
    await t.request('POST', RUNS, { tenant_id: tenant, ...body });
    await t.settle();
    expect((await t.request('GET', `/api/v1/memory/pins/runs:deploy:last_failure?tenant_id=${tenant}`)).status).toBe(
      200,
    );
    writeFileSync(file, JSON.stringify({ version: 9, rules: [] }));
    await eventually(async () => (await version()) === '9', 5000);
    const dry = await t.request('POST', `${RUNS}/${body.run_id}/dry-run`, { tenant_id: tenant });
    expect(dry.body).toMatchObject({ rules_version: '9', rules: [] });
  });
});

describe.each([
  ['postgres', 'bullmq'],
  ['pglite', 'inline'],
] as const)('the main flow (%s, %s queue)', (database, queue) => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    let file: string;
    ({ dir, file } = rulesFile());
    t = await startTestApp({ database, queue, env: ENV(file, true) });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a run, and the job applies its rules once', async () => {
    const tenant = await newTenant(t);
    const failed = run({ status: 'failed', outputs: { error: 'timeout' } });
    const success = run({ outputs: { summary: 'all green' } });
    for (const body of [failed, success]) {
      const response = await t.request('POST', RUNS, { tenant_id: tenant, ...body });
      expect([response.status, response.body.post_update]).toEqual([201, 'queued']);
    }
    const applied = async (runId: string) => {
      const detail = await t.request('GET', `${RUNS}/${runId}?tenant_id=${tenant}`);
      return detail.body.applications.length > 0 ? detail.body.applications : null;
    };
    const [pinApp] = await eventually(() => applied(failed.run_id), 20_000);
    const [memoryApp] = await eventually(() => applied(success.run_id), 20_000);
    expect(pinApp).toMatchObject({ rule_id: 'failure-pin', status: 'applied' });
    expect(memoryApp).toMatchObject({ rule_id: 'summary', status: 'applied' });
    const memory = await t.request('GET', `/api/v1/memories/${memoryApp.changes[0].memory_id}?tenant_id=${tenant}`);
    expect(memory.body).toMatchObject({ namespace: 'runs', content: 'deploy: all green', tags: ['workflow:deploy'] });
    const value = await t.request('GET', `/api/v1/memory/pins/runs:deploy:last_failure?tenant_id=${tenant}`);
    expect(value.body.value).toMatchObject({ run_id: failed.run_id, error: 'timeout' });
    // Replayed: queued again, applied nothing more.
    expect((await t.request('POST', RUNS, { tenant_id: tenant, ...failed })).status).toBe(200);
    await t.settle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await t.db.withTenant(tenant, (tx) =>
      tx.query('SELECT rule_id, status FROM rule_applications WHERE tenant_id = $1 ORDER BY rule_id', [tenant]),
    );
    expect(rows).toEqual([
      { rule_id: 'failure-pin', status: 'applied' },
      { rule_id: 'summary', status: 'applied' },
    ]);
  });
});
