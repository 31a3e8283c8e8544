import { TestApp, startTestApp } from '@engram/test-support/app';
import { FakeEmbeddingServer, startFakeEmbeddingServer } from '@engram/test-support/fake-embedding-server';
import { adminHeaders, newApiKey, newTenant, ownerQuery } from '@engram/test-support/fixtures';

const DRIFT = '/api/v1/drift/comparisons';
const ADMIN_TOKEN = 'drift-admin-token-0123456789abcdef';

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let level = 1; level < depth; level++) {
    value = { n: value };
  }
  return value;
}

async function storedRows(t: TestApp, tenant: string): Promise<number> {
  const [row] = await ownerQuery<{ n: number }>(
    t,
    'SELECT count(*)::int AS n FROM drift_comparisons WHERE tenant_id = $1',
    [tenant],
  );
  return row.n;
}

async function scrape(t: TestApp): Promise<string> {
  return (await t.request('GET', '/metrics', undefined, adminHeaders(t))).text;
}

describe('drift detection with the flag off (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses every route with feature_disabled, and neither stores nor counts anything', async () => {
    const tenant = await newTenant(t);
    const body = {
      tenant_id: tenant,
      workflow_id: 'wf',
      baseline: { output: { a: 1 } },
      augmented: { output: { a: 2 } },
    };
    for (const [method, url, payload] of [
      ['POST', DRIFT, body],
      ['GET', `${DRIFT}?tenant_id=${tenant}&workflow_id=wf`, undefined],
      ['GET', `${DRIFT}/00000000-0000-4000-8000-000000000000?tenant_id=${tenant}`, undefined],
      ['GET', `/api/v1/drift/summary?tenant_id=${tenant}&workflow_id=wf`, undefined],
    ] as const) {
      const response = await t.request(method, url, payload);
      expect([url, response.status, response.body.error]).toEqual([
        url,
        403,
        expect.objectContaining({ code: 'feature_disabled', details: { flag: 'drift_detection_enabled' } }),
      ]);
    }
    expect(await storedRows(t, tenant)).toBe(0);
    const text = await scrape(t);
    expect(text).not.toMatch(/^drift_comparisons_total\{/m);
    expect(text).toMatch(/^drift_comparison_latency_seconds_count 0$/m);
    expect(text).not.toMatch(/^drift_detected_total\{/m);
  });
});

describe.each(['postgres', 'pglite'] as const)('drift detection (%s)', (kind) => {
  let t: TestApp;
  let tenant: string;
  const compare = (body: Record<string, unknown>) =>
    t.request('POST', DRIFT, { tenant_id: tenant, workflow_id: 'wf-main', ...body });

  beforeAll(async () => {
    t = await startTestApp({
      database: kind,
      queue: 'inline',
      env: { DRIFT_DETECTION_ENABLED: 'true', DRIFT_METRIC_WORKFLOWS: 'wf-gauge' },
    });
    tenant = await newTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('scores identical outputs 0 whatever their key order, with the same hash', async () => {
    const response = await compare({
      run_id: 'run-1',
      baseline: { output: { answer: 'Paris', steps: [1, 2], meta: { ok: true } }, run_id: 'b-1' },
      augmented: { output: { meta: { ok: true }, steps: [1, 2], answer: 'Paris' }, metadata: { memories: 3 } },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      tenant_id: tenant,
      workflow_id: 'wf-main',
      run_id: 'run-1',
      score: 0,
      severity: 'none',
      components: { structural: 0, text: 0 },
      embedding_model: null,
      paths: { total: 4, added: 0, removed: 0, type_changed: 0, value_changed: 0, text: 1, text_changed: 0 },
      diff: [],
      diff_truncated: false,
      baseline: { run_id: 'b-1', metadata: null },
      augmented: { run_id: null, metadata: { memories: 3 } },
    });
    expect(response.body.baseline.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(response.body.augmented.hash).toBe(response.body.baseline.hash);
    const got = await t.request('GET', `${DRIFT}/${response.body.id as string}?tenant_id=${tenant}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(response.body);
  });

  it('scores structural changes as the share of paths changed, and explains them per path', async () => {
    const response = await compare({
      baseline: { output: { a: 1, b: 'same text', c: [1, 2], e: 'x', f: {} } },
      augmented: { output: { a: 2, b: 'same text', c: [1], d: true, e: 5, f: {} } },
    });
    expect(response.status).toBe(201);
    // Paths: $.a changed, $.b same text, $.c[0] same, $.c[1] removed, $.d added, $.e string→number,
    // $.f empty on both: 4 of 7 changed; the one text field is unchanged (distance 0).
    expect(response.body.paths).toEqual({
      total: 7,
      added: 1,
      removed: 1,
      type_changed: 1,
      value_changed: 1,
      text: 1,
      text_changed: 0,
    });
    expect(response.body.components).toEqual({ structural: 0.571429, text: 0 });
    // The score is the weighted mean of the rounded components: (0.571429 + 0) / 2, rounded.
    expect(response.body.score).toBe(0.285715);
    expect(response.body.severity).toBe('low');
    expect(response.body.diff).toEqual([
      {
        path: '$.a',
        change: 'value_changed',
        baseline_type: 'number',
        augmented_type: 'number',
        baseline: 1,
        augmented: 2,
      },
      { path: '$.c[1]', change: 'removed', baseline_type: 'number', baseline: 2 },
      { path: '$.d', change: 'added', augmented_type: 'boolean', augmented: true },
      { path: '$.e', change: 'type_changed', baseline_type: 'string', augmented_type: 'number', augmented: 5 },
    ]);
  });

  it('measures text by meaning: a reworded answer drifts less than a different one; empty text is as far as it gets', async () => {
    const base = 'The invoice was paid in full on Monday by the customer';
    const reworded = await compare({
      baseline: { output: { summary: base } },
      augmented: { output: { summary: 'On Monday the customer paid the invoice in full' } },
    });
    const different = await compare({
      baseline: { output: { summary: base } },
      augmented: { output: { summary: 'Shipping to Norway takes three weeks by sea freight' } },
    });
    const emptied = await compare({ baseline: { output: { summary: base } }, augmented: { output: { summary: '' } } });
    expect([reworded.status, different.status, emptied.status]).toEqual([201, 201, 201]);
    expect(reworded.body.embedding_model).toBe('local-hash-384');
    const distance = (body: { diff: { distance: number }[] }) => body.diff[0].distance;
    expect(distance(reworded.body)).toBeLessThan(distance(different.body));
    expect(distance(emptied.body)).toBe(1);
    expect(reworded.body.components.structural).toBe(0);
    expect(reworded.body.score).toBeCloseTo(reworded.body.components.text * 0.5, 5);
    expect(emptied.body).toMatchObject({ score: 0.5, severity: 'medium', components: { structural: 0, text: 1 } });
  });

  it('lists a workflow newest first in cursor pages, filters by severity, and summarises it', async () => {
    const ids: string[] = [];
    for (const value of [1, 2, 3]) {
      const response = await t.request('POST', DRIFT, {
        tenant_id: tenant,
        workflow_id: 'wf-list',
        baseline: { output: { v: 1, w: 1 } },
        augmented: { output: { v: value, w: 1 } },
      });
      ids.push(response.body.id);
    }
    const first = await t.request('GET', `${DRIFT}?tenant_id=${tenant}&workflow_id=wf-list&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.comparisons.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const second = await t.request(
      'GET',
      `${DRIFT}?tenant_id=${tenant}&workflow_id=wf-list&limit=2&cursor=${first.body.next_cursor as string}`,
    );
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.body.comparisons.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    const medium = await t.request('GET', `${DRIFT}?tenant_id=${tenant}&workflow_id=wf-list&severity=medium`);
    expect(medium.body.comparisons.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    const summary = await t.request('GET', `/api/v1/drift/summary?tenant_id=${tenant}&workflow_id=wf-list`);
    expect(summary.body).toEqual({
      workflow_id: 'wf-list',
      comparisons: 3,
      by_severity: { none: 1, low: 0, medium: 2, high: 0 },
      mean_score: 0.333333,
      max_score: 0.5,
      latest: { id: ids[2], score: 0.5, severity: 'medium', created_at: expect.any(String) },
    });
    const empty = await t.request('GET', `/api/v1/drift/summary?tenant_id=${tenant}&workflow_id=wf-none`);
    expect(empty.body).toMatchObject({ comparisons: 0, mean_score: null, max_score: null, latest: null });
  });

  it('answers bad input with a stable code and stores nothing', async () => {
    const before = await storedRows(t, tenant);
    const big = { blob: 'x'.repeat(300 * 1024) };
    const manyTexts = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`t${i}`, `text ${i}`]));
    const manyOther = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`t${i}`, `other ${i}`]));
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['array output', { baseline: { output: [1, 2] }, augmented: { output: {} } }, 400, 'invalid_baseline_output'],
      ['string output', { baseline: { output: {} }, augmented: { output: 'text' } }, 400, 'invalid_augmented_output'],
      ['no augmented', { baseline: { output: {} } }, 400, 'missing_augmented'],
      ['no output', { baseline: { run_id: 'r' }, augmented: { output: {} } }, 400, 'missing_baseline_output'],
      [
        'unknown side field',
        { baseline: { output: {}, extra: 1 }, augmented: { output: {} } },
        400,
        'invalid_baseline',
      ],
      [
        'numeric workflow',
        { workflow_id: 7, baseline: { output: {} }, augmented: { output: {} } },
        400,
        'invalid_workflow_id',
      ],
      ['huge output', { baseline: { output: big }, augmented: { output: {} } }, 413, 'output_too_large'],
      ['deep output', { baseline: { output: {} }, augmented: { output: nested(40) } }, 400, 'output_too_deep'],
      [
        'absurdly deep',
        { baseline: { output: nested(80) }, augmented: { output: {} } },
        400,
        'invalid_baseline_output',
      ],
      [
        'many texts',
        { baseline: { output: manyTexts }, augmented: { output: manyOther } },
        400,
        'too_many_text_fields',
      ],
      [
        'huge metadata',
        { baseline: { output: {}, metadata: { m: 'y'.repeat(20_000) } }, augmented: { output: {} } },
        413,
        'output_too_large',
      ],
    ];
    for (const [name, body, status, code] of cases) {
      const response = await compare(body);
      expect([name, response.status, response.body?.error?.code]).toEqual([name, status, code]);
    }
    const tooLarge = await compare({ baseline: { output: big }, augmented: { output: {} } });
    expect(tooLarge.body.error.details).toEqual({ field: 'baseline.output', bytes: 307211, limit: 262144 });
    expect(await storedRows(t, tenant)).toBe(before);
    for (const [url, code] of [
      [`${DRIFT}?tenant_id=${tenant}`, 'missing_workflow_id'],
      [`${DRIFT}?tenant_id=${tenant}&workflow_id=wf&cursor=bogus`, 'invalid_cursor'],
      [`${DRIFT}?tenant_id=${tenant}&workflow_id=wf&severity=extreme`, 'invalid_severity'],
      [`${DRIFT}/not-a-uuid?tenant_id=${tenant}`, 'invalid_id'],
      [`${DRIFT}/00000000-0000-4000-8000-000000000000?tenant_id=${tenant}`, 'drift_comparison_not_found'],
    ]) {
      const response = await t.request('GET', url);
      expect([url, response.body?.error?.code]).toEqual([url, code]);
    }
  });

  it('counts comparisons and detections, and exports the score of allow-listed workflows only', async () => {
    await t.request('POST', DRIFT, {
      tenant_id: tenant,
      workflow_id: 'wf-gauge',
      baseline: { output: { a: 1 } },
      augmented: { output: { a: 1, b: 2 } },
    });
    const text = await scrape(t);
    expect(text).toMatch(/^drift_comparisons_total\{status="success"\} [1-9]/m);
    expect(text).toMatch(/^drift_comparisons_total\{status="rejected"\} [1-9]/m);
    expect(text).toMatch(/^drift_detected_total\{severity="medium",component="overall"\} [1-9]/m);
    expect(text).toMatch(/^drift_detected_total\{severity="high",component="text"\} [1-9]/m);
    expect(text).toMatch(/^drift_comparison_latency_seconds_count [1-9]/m);
    expect(text).toMatch(/^drift_score_current\{workflow_id="wf-gauge"\} 0\.5$/m);
    expect(text).not.toMatch(/^drift_score_current\{workflow_id="wf-main"\}/m);
    expect(text).not.toContain(tenant);
  });
});

describe('drift detection: permissions and the embedding model', () => {
  let t: TestApp;
  let server: FakeEmbeddingServer;
  beforeAll(async () => {
    server = await startFakeEmbeddingServer(8);
    t = await startTestApp({
      queue: 'inline',
      env: {
        ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
        DRIFT_DETECTION_ENABLED: 'true',
        DRIFT_EMBEDDING_MODEL: 'openai:fake',
        EMBEDDING_OPENAI_URL: server.url,
        EMBEDDING_OPENAI_MODEL: 'fake',
        EMBEDDING_OPENAI_DIMENSIONS: '8',
        EMBEDDING_OPENAI_TIMEOUT_MS: '1000',
        EMBEDDING_OPENAI_MAX_RETRIES: '0',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  it('lets readonly keys read, machine keys write, and refuses readonly writes', async () => {
    const tenant = await newTenant(t);
    const machine = await newApiKey(t, tenant);
    const reader = await newApiKey(t, tenant, { role: 'readonly', name: 'reader' });
    const body = { workflow_id: 'wf', baseline: { output: { a: 1 } }, augmented: { output: { a: 1 } } };
    expect((await t.request('POST', DRIFT, body, machine.headers)).status).toBe(201);
    const refused = await t.request('POST', DRIFT, body, reader.headers);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    expect(
      (await t.request('GET', `${DRIFT}?workflow_id=wf`, undefined, reader.headers)).body.comparisons,
    ).toHaveLength(1);
  });

  it('embeds with DRIFT_EMBEDDING_MODEL; a failing model is a 503 and nothing is stored', async () => {
    const tenant = await newTenant(t);
    const headers = adminHeaders(t);
    const body = {
      tenant_id: tenant,
      workflow_id: 'wf',
      baseline: { output: { text: 'alpha beta' } },
      augmented: { output: { text: 'gamma delta' } },
    };
    const ok = await t.request('POST', DRIFT, body, headers);
    expect([ok.status, ok.body.embedding_model]).toEqual([201, 'openai:fake']);
    expect(server.requests.at(-1)?.input).toEqual(['alpha beta', 'gamma delta']);
    server.failures = [500];
    const failed = await t.request('POST', DRIFT, body, headers);
    expect([failed.status, failed.body.error.code]).toEqual([503, 'service_unavailable']);
    expect(await storedRows(t, tenant)).toBe(1);
  });
});

describe('drift detection with the sentence model', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      queue: 'inline',
      env: { DRIFT_DETECTION_ENABLED: 'true', DRIFT_EMBEDDING_MODEL: 'minilm-l6-v2' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('scores a paraphrase as little drift and a different answer as a lot', async () => {
    const tenant = await newTenant(t);
    const distance = async (augmented: string) => {
      const response = await t.request('POST', DRIFT, {
        tenant_id: tenant,
        workflow_id: 'wf-minilm',
        baseline: { output: { answer: 'The meeting was moved to Thursday afternoon.' } },
        augmented: { output: { answer: augmented } },
      });
      expect([response.status, response.body.embedding_model]).toEqual([201, 'minilm-l6-v2']);
      return response.body.diff[0].distance as number;
    };
    const paraphrase = await distance('The meeting has been rescheduled to Thursday in the afternoon.');
    const unrelated = await distance('Our cat enjoys sleeping on the warm windowsill.');
    expect(paraphrase).toBeLessThan(0.3);
    expect(unrelated).toBeGreaterThan(0.6);
  });
});
