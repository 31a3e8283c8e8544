import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp, TestResponse, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { adminHeaders, newApiKey } from '@engram/test-support/fixtures';
import { FakeOpenAiUpstream, startFakeOpenAiUpstream } from '@engram/test-support/fake-openai-upstream';

/**
 * Every operation of the committed openapi.json, called over HTTP: each answer's status must be
 * one the document lists for that operation, and its body must match the schema documented for
 * that status. A view that gains, loses or retypes a field fails here, not in a generated client.
 */
const DOCUMENT = JSON.parse(readFileSync(join(__dirname, '../openapi.json'), 'utf8')) as OpenApiDocument;
const PIN_VALUE_MAX_BYTES = 4096;

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

describe('responses match the OpenAPI document, route by route', () => {
  let t: TestApp;
  let policyDir: string;
  let upstream: FakeOpenAiUpstream;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ components: DOCUMENT.components }, 'openapi');
  const validators = new Map<string, ValidateFunction>();
  /** `METHOD /path/{param}` → statuses seen. */
  const seen = new Map<string, Set<number>>();
  const problems: string[] = [];

  /** Calls `template` with its `{params}` filled in and checks the answer against the document. */
  async function call(
    method: Method,
    template: string,
    options: {
      params?: Record<string, string>;
      query?: Record<string, string>;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<TestResponse> {
    const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
      const value = options.params?.[name];
      if (value === undefined) {
        throw new Error(`no value for {${name}} in ${template}`);
      }
      return encodeURIComponent(value);
    });
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const response = await t.request(method, `${path}${query}`, options.body, options.headers);
    const id = `${method} ${template}`;
    const operation = DOCUMENT.paths[template]?.[method.toLowerCase()];
    if (!operation) {
      throw new Error(`${id} is not in openapi.json`);
    }
    (seen.get(id) ?? seen.set(id, new Set()).get(id)!).add(response.status);
    const documented = operation.responses[String(response.status)];
    if (!documented) {
      problems.push(`${id} answered ${response.status}, which it does not document: ${response.text.slice(0, 200)}`);
      return response;
    }
    const schema = documented.content?.['application/json']?.schema;
    if (schema === undefined) {
      if (response.text !== '') {
        problems.push(`${id} ${response.status} documents no body but sent ${response.text.slice(0, 200)}`);
      }
      return response;
    }
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi${(schema as { $ref: string }).$ref}` });
      validators.set(key, validate);
    }
    if (!validate(response.body)) {
      problems.push(`${id} ${response.status}: ${ajv.errorsText(validate.errors)} in ${response.text.slice(0, 300)}`);
    }
    return response;
  }

  beforeAll(async () => {
    policyDir = mkdtempSync(join(tmpdir(), 'engram-openapi-policy-'));
    copyFileSync(join(__dirname, '../config/rbac-policies.json'), join(policyDir, 'policy.json'));
    upstream = await startFakeOpenAiUpstream();
    copyFileSync(join(__dirname, '../config/feature-flags.json'), join(policyDir, 'flags.json'));
    t = await startTestApp({
      queue: 'inline',
      env: {
        ENGRAM_ADMIN_TOKEN: 'openapi-walk-admin-token-0123456789',
        PIN_VALUE_MAX_BYTES: String(PIN_VALUE_MAX_BYTES),
        RBAC_POLICY_FILE: join(policyDir, 'policy.json'),
        PROXY_UPSTREAM_URL: upstream.url,
        PROXY_UPSTREAM_TIMEOUT_MS: '1000',
        MEMORY_CONTEXT_INJECTION: 'true',
        DRIFT_DETECTION_ENABLED: 'true',
        DRIFT_MAX_OUTPUT_BYTES: '1024',
        FEATURE_FLAGS_FILE: join(policyDir, 'flags.json'),
        FLAGS_WATCH: 'false',
        MEMORY_POST_UPDATE: 'true',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await upstream?.close();
    rmSync(policyDir, { recursive: true, force: true });
  });

  it('walks every operation and finds every answer documented', async () => {
    const admin = adminHeaders(t);
    const tenant = uniqueTenant('oa');

    // Health and the public surface.
    await call('GET', '/health');
    await call('GET', '/ready');

    // Tenants and keys.
    await call('POST', '/api/v1/admin/tenants', { body: { id: tenant, name: 'OpenAPI walk' }, headers: admin });
    await call('POST', '/api/v1/admin/tenants', { body: { id: tenant, name: 'again' }, headers: admin });
    await call('POST', '/api/v1/admin/tenants', { body: { id: 'Not A Slug' }, headers: admin });
    await call('POST', '/api/v1/admin/tenants', {
      body: 'id=x',
      headers: { ...admin, 'content-type': 'text/plain' },
    });
    await call('GET', '/api/v1/admin/tenants', { query: { limit: '1' }, headers: admin });
    await call('GET', '/api/v1/admin/tenants', { query: { cursor: 'not-a-cursor' }, headers: admin });
    await call('GET', '/api/v1/admin/tenants/{id}', { params: { id: tenant }, headers: admin });
    await call('GET', '/api/v1/admin/tenants/{id}', { params: { id: uniqueTenant('none') }, headers: admin });
    await call('PATCH', '/api/v1/admin/tenants/{id}', {
      params: { id: tenant },
      body: { plan: 'standard', quotas: { max_pins: 500 } },
      headers: admin,
    });
    await call('GET', '/api/v1/admin/tenants/{id}/usage', { params: { id: tenant }, headers: admin });
    const machine = await newApiKey(t, tenant);
    const readonly = await newApiKey(t, tenant, { role: 'readonly', name: 'reader' });
    await call('POST', '/api/v1/admin/tenants/{id}/api-keys', {
      params: { id: tenant },
      body: { name: 'scoped', role: 'dev', scopes: ['memory:read', 'memory_pin:*'] },
      headers: admin,
    });
    await call('GET', '/api/v1/admin/tenants/{id}/api-keys', { params: { id: tenant }, headers: admin });
    const key = machine.headers;

    // Unauthenticated and forbidden.
    await call('GET', '/api/v1/memory/pins', {});
    await call('POST', '/api/v1/memory/pins', { body: { key: 'k', value: 1 }, headers: readonly.headers });

    // Pins.
    await call('POST', '/api/v1/memory/pins', { body: { key: 'user/name', value: { first: 'Ada' } }, headers: key });
    await call('POST', '/api/v1/memory/pins', {
      body: { key: 'user/name', value: 'Ada', source: 'walk', ttl_seconds: 3600 },
      headers: key,
    });
    await call('POST', '/api/v1/memory/pins', { body: { key: 'user/age' }, headers: key });
    await call('POST', '/api/v1/memory/pins', {
      body: { key: 'big', value: 'x'.repeat(PIN_VALUE_MAX_BYTES + 1) },
      headers: key,
    });
    await call('GET', '/api/v1/memory/pins', { query: { prefix: 'user/', limit: '10' }, headers: key });
    await call('GET', '/api/v1/memory/pins/{path}', { params: { path: 'user/name' }, headers: key });
    await call('GET', '/api/v1/memory/pins/{path}', { params: { path: 'absent' }, headers: key });
    await call('POST', '/api/v1/memory/pins/cleanup', { body: { tenant_id: tenant, dry_run: true }, headers: admin });
    await call('POST', '/api/v1/memory/pins/cleanup', { body: {}, headers: admin });
    const asAdmin = { query: { tenant_id: tenant }, headers: admin };
    await call('DELETE', '/api/v1/memory/pins/{path}', { params: { path: 'user/name' }, ...asAdmin });
    await call('DELETE', '/api/v1/memory/pins/{path}', { params: { path: 'user/name' }, ...asAdmin });

    // Namespaces.
    await call('POST', '/api/v1/namespaces', {
      body: { name: 'walk', description: 'the OpenAPI walk' },
      headers: key,
    });
    await call('POST', '/api/v1/namespaces', { body: { name: 'walk' }, headers: key });
    await call('POST', '/api/v1/namespaces', { body: { name: 'scratch' }, headers: key });
    await call('GET', '/api/v1/namespaces', { headers: key });
    await call('GET', '/api/v1/namespaces/{name}', { params: { name: 'walk' }, headers: key });
    await call('GET', '/api/v1/namespaces/{name}', { params: { name: 'absent' }, headers: key });
    await call('PATCH', '/api/v1/namespaces/{name}', {
      params: { name: 'walk' },
      body: { default_token_budget: 2000, retention_days: 30 },
      headers: key,
    });

    // Memories.
    const first = await call('POST', '/api/v1/memories', {
      body: {
        namespace: 'walk',
        content: 'Alice is allergic to peanuts.',
        type: 'semantic',
        tags: ['health'],
        metadata: { confidence: 0.9, nested: { list: [1, 'two', null] } },
        importance: 0.8,
        source: 'chat',
      },
      headers: key,
    });
    await call('POST', '/api/v1/memories', {
      body: { namespace: 'walk', content: 'Alice is allergic to peanuts.' },
      headers: key,
    });
    const batch = await call('POST', '/api/v1/memories/batch', {
      body: {
        namespace: 'walk',
        memories: [
          { content: 'Alice lives in Lisbon.', type: 'episodic' },
          { content: 'Alice prefers tea to coffee.', ttl_seconds: 86_400 },
        ],
      },
      headers: key,
    });
    await call('POST', '/api/v1/memories/batch', {
      body: { namespace: 'walk', memories: [{ content: 'Alice lives in Lisbon.' }] },
      headers: key,
    });
    await call('POST', '/api/v1/memories/batch', {
      body: { namespace: 'walk', memories: [{ content: 'ok' }, { content: 'typed', type: 'nope' }] },
      headers: key,
    });
    const firstId = first.body.id as string;
    if (first.status !== 201 || batch.status !== 201) {
      throw new Error(`setup failed: ${first.text} ${batch.text}\n${problems.join('\n')}`);
    }
    const secondId = batch.body.memories[0].id as string;
    await call('GET', '/api/v1/memories', { query: { namespace: 'walk', limit: '1' }, headers: key });
    await call('GET', '/api/v1/memories/{id}', { params: { id: firstId }, headers: key });
    await call('GET', '/api/v1/memories/{id}', {
      params: { id: '00000000-0000-4000-8000-000000000000' },
      headers: key,
    });
    await call('PATCH', '/api/v1/memories/{id}', {
      params: { id: secondId },
      body: { tags: ['home'], importance: 0.5 },
      headers: key,
    });
    await call('PATCH', '/api/v1/memories/{id}', {
      params: { id: secondId },
      body: { content: 'Alice is allergic to peanuts.' },
      headers: key,
    });
    await call('POST', '/api/v1/memories/{id}/relations', {
      params: { id: firstId },
      body: { relations: [{ to: secondId, relation: 'about_same_person', weight: 0.7 }] },
      headers: key,
    });
    await call('GET', '/api/v1/memories/{id}/related', { params: { id: firstId }, headers: key });
    const drinks = await call('POST', '/api/v1/memories', {
      body: { namespace: 'walk', content: 'Alice drinks tea.' },
      headers: key,
    });
    for (const content of ['Alice drinks coffee now.', 'Alice drinks water now.']) {
      await call('POST', '/api/v1/memories/{id}/supersede', {
        params: { id: drinks.body.id as string },
        body: { content, tags: ['drinks'] },
        headers: key,
      });
    }
    await call('GET', '/api/v1/memories/{id}/history', { params: { id: drinks.body.id as string }, headers: key });
    await call('GET', '/api/v1/memories', {
      query: { namespace: 'walk', include_superseded: 'true', as_of: '2100-01-01T00:00:00Z' },
      headers: key,
    });
    await call('POST', '/api/v1/memories/search', {
      body: { namespace: 'walk', query: 'what is Alice allergic to', k: 5, explain: true },
      headers: key,
    });
    await call('POST', '/api/v1/memories/search', { body: { namespace: 'walk', query: 'Alice' }, headers: key });
    await call('POST', '/api/v1/context', {
      body: { namespace: 'walk', query: 'Alice', token_budget: 500, pin_prefixes: ['user/'] },
      headers: key,
    });
    await call('POST', '/api/v1/context', {
      body: { namespace: 'walk', query: 'Alice', token_budget: 64, system_prompt: 'word '.repeat(200) },
      headers: key,
    });
    const extraction = await call('POST', '/api/v1/extractions', {
      body: { namespace: 'walk', message_ids: [firstId] },
      headers: key,
    });
    await call('POST', '/api/v1/extractions', {
      body: { namespace: 'walk', message_ids: ['00000000-0000-4000-8000-000000000000'] },
      headers: key,
    });
    await call('GET', '/api/v1/jobs/{id}', { params: { id: extraction.body.id as string }, headers: key });
    await call('GET', '/api/v1/jobs/{id}', { params: { id: '00000000-0000-4000-8000-000000000000' }, headers: key });
    // Drift: a comparison, refusals (too large, too deep, not an object), the list, one, the summary.
    const drift = await call('POST', '/api/v1/drift/comparisons', {
      body: {
        workflow_id: 'walk',
        run_id: 'r1',
        baseline: { output: { answer: 'Lisbon', n: 1 }, run_id: 'b1' },
        augmented: { output: { answer: 'Porto', n: 2, extra: [true] }, metadata: { memories: 1 } },
      },
      headers: key,
    });
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let level = 0; level < 40; level++) {
      deep = { d: deep };
    }
    for (const output of [{ blob: 'x'.repeat(2000) }, deep, ['not', 'an', 'object']]) {
      await call('POST', '/api/v1/drift/comparisons', {
        body: { workflow_id: 'walk', baseline: { output }, augmented: { output: {} } },
        headers: key,
      });
    }
    await call('GET', '/api/v1/drift/comparisons', { query: { workflow_id: 'walk', limit: '1' }, headers: key });
    await call('GET', '/api/v1/drift/comparisons/{id}', { params: { id: drift.body.id as string }, headers: key });
    await call('GET', '/api/v1/drift/comparisons/{id}', {
      params: { id: '00000000-0000-4000-8000-000000000000' },
      headers: key,
    });
    await call('GET', '/api/v1/drift/summary', { query: { workflow_id: 'walk' }, headers: key });
    await call('POST', '/api/v1/memories/search', {
      body: { namespace: 'walk', query: 'Alice yesterday', relative_time: true },
      headers: key,
    });
    const exchange = {
      namespace: 'walk',
      session_id: 'walk-session',
      user_id: 'alice',
      extract: true,
      messages: [
        { role: 'user', content: 'When is the deploy?', name: 'Alice' },
        { role: 'assistant', content: 'Friday.' },
      ],
    };
    await call('POST', '/api/v1/conversations', { body: exchange, headers: key });
    await call('POST', '/api/v1/conversations', { body: exchange, headers: key });
    await call('POST', '/api/v1/conversations', { body: { ...exchange, messages: [] }, headers: key });
    await call('GET', '/api/v1/conversations/{session_id}', {
      params: { session_id: 'walk-session' },
      query: { limit: '1' },
      headers: key,
    });
    await call('DELETE', '/api/v1/memories/{id}', { params: { id: secondId }, ...asAdmin });
    await call('DELETE', '/api/v1/memories/{id}', { params: { id: secondId }, ...asAdmin });
    await call('DELETE', '/api/v1/namespaces/{name}', { params: { name: 'scratch' }, ...asAdmin });

    // Runs and post-run updates.
    const runBody = {
      run_id: 'oa-run-1',
      workflow_id: 'walk',
      status: 'succeeded',
      inputs: { q: 'x' },
      outputs: { summary: 'done', nested: { list: [1, 'two', null] } },
      metrics: { latency_ms: 12.5 },
      started_at: '2026-01-01T00:00:00Z',
      finished_at: '2026-01-01T00:00:01Z',
    };
    await call('POST', '/api/v1/runs', { body: runBody, headers: key });
    await call('POST', '/api/v1/runs', { body: runBody, headers: key });
    await call('POST', '/api/v1/runs', { body: { ...runBody, status: 'failed' }, headers: key });
    await call('POST', '/api/v1/runs', { body: { ...runBody, run_id: 'oa-run-2', status: 'nope' }, headers: key });
    await t.settle();
    await call('GET', '/api/v1/runs', { query: { workflow_id: 'walk', limit: '1' }, headers: key });
    await call('GET', '/api/v1/runs/{run_id}', { params: { run_id: 'oa-run-1' }, headers: key });
    await call('GET', '/api/v1/runs/{run_id}', { params: { run_id: 'absent' }, headers: key });
    await call('POST', '/api/v1/runs/dry-run', {
      body: { ...runBody, run_id: 'oa-dry', status: 'failed' },
      headers: key,
    });
    await call('POST', '/api/v1/runs/{run_id}/dry-run', { params: { run_id: 'oa-run-1' }, body: {}, headers: key });
    await call('POST', '/api/v1/runs/{run_id}/dry-run', { params: { run_id: 'absent' }, body: {}, headers: key });
    await call('GET', '/api/v1/update-rules', { headers: key });
    await call('POST', '/api/v1/update-rules/reload', { headers: admin });

    // RBAC.
    await call('GET', '/api/v1/rbac/info', { headers: admin });
    await call('GET', '/api/v1/rbac/matrix', { headers: admin });
    await call('POST', '/api/v1/rbac/reload', { headers: admin });
    await t.settle();
    await call('GET', '/api/v1/rbac/audit', { query: { tenant_id: tenant, limit: '5' }, headers: admin });
    await call('GET', '/api/v1/rbac/audit', { query: { tenant_id: tenant, cursor: '%%%' }, headers: admin });
    writeFileSync(join(policyDir, 'policy.json'), '{ "not": "a policy" }');
    await call('POST', '/api/v1/rbac/reload', { headers: admin });

    // The proxy: Engram's own answers (an upstream's errors pass through in the upstream's shape).
    const chat = { model: 'm', messages: [{ role: 'user', content: 'hello' }] };
    await call('POST', '/v1/chat/completions', { body: chat, headers: machine.headers });
    await call('POST', '/v1/chat/completions', { body: { model: 'm' }, headers: machine.headers });
    await call('POST', '/v1/chat/completions', {
      body: chat,
      headers: { ...machine.headers, 'x-engram-token-budget': '1' },
    });
    upstream.next = [{ kind: 'hang' }];
    await call('POST', '/v1/chat/completions', { body: chat, headers: machine.headers });
    upstream.next = [{ kind: 'reset' }];
    await call('POST', '/v1/chat/completions', { body: chat, headers: machine.headers });
    await call('GET', '/v1/models', { headers: machine.headers });
    // Feature flags.
    await call('GET', '/api/v1/flags', { headers: admin });
    await call('GET', '/api/v1/flags', { query: { tenant_id: tenant }, headers: admin });
    const flag = (name: string) => ({ id: tenant, flag: name });
    await call('PUT', '/api/v1/admin/tenants/{id}/flags/{flag}', {
      params: flag('memory_pins_enabled'),
      body: { enabled: false },
      headers: admin,
    });
    await call('GET', '/api/v1/memory/pins', { query: { tenant_id: tenant }, headers: admin });
    await call('PUT', '/api/v1/admin/tenants/{id}/flags/{flag}', {
      params: flag('memory_pins_enabled'),
      body: { enabled: 'no' },
      headers: admin,
    });
    await call('PUT', '/api/v1/admin/tenants/{id}/flags/{flag}', {
      params: flag('no_such_flag'),
      body: { enabled: true },
      headers: admin,
    });
    await call('GET', '/api/v1/admin/tenants/{id}/flags', { params: { id: tenant }, headers: admin });
    await call('GET', '/api/v1/admin/tenants/{id}/flags', { params: { id: uniqueTenant('none') }, headers: admin });
    await call('DELETE', '/api/v1/admin/tenants/{id}/flags/{flag}', {
      params: flag('memory_pins_enabled'),
      headers: admin,
    });
    await call('POST', '/api/v1/flags/reload', { headers: admin });
    writeFileSync(join(policyDir, 'flags.json'), '{ "version": 2, "flags": { "no_such_flag": true } }');
    await call('POST', '/api/v1/flags/reload', { headers: admin });

    // Tenant lifecycle last: it revokes the keys used above.
    await call('DELETE', '/api/v1/admin/tenants/{id}/api-keys/{keyId}', {
      params: { id: tenant, keyId: readonly.id },
      headers: admin,
    });
    await call('DELETE', '/api/v1/admin/tenants/{id}/api-keys/{keyId}', {
      params: { id: tenant, keyId: readonly.id.replace(/^.{8}/, '00000000') },
      headers: admin,
    });
    await call('POST', '/api/v1/admin/tenants/{id}/suspend', { params: { id: tenant }, headers: admin });
    await call('POST', '/api/v1/admin/tenants/{id}/suspend', { params: { id: 'global' }, headers: admin });
    await call('POST', '/api/v1/admin/tenants/{id}/activate', { params: { id: tenant }, headers: admin });
    await call('DELETE', '/api/v1/admin/tenants/{id}', { params: { id: tenant }, headers: admin });
    await call('POST', '/api/v1/admin/tenants/{id}/activate', { params: { id: tenant }, headers: admin });
    await call('DELETE', '/api/v1/admin/tenants/{id}', { params: { id: 'global' }, headers: admin });

    expect(problems).toEqual([]);

    const operations = Object.entries(DOCUMENT.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const withoutSuccess = operations.filter((id) => ![...(seen.get(id) ?? [])].some((s) => s >= 200 && s < 300));
    expect(withoutSuccess).toEqual([]);
    const statuses = new Set([...seen.values()].flatMap((set) => [...set]));
    expect([...statuses].filter((status) => status >= 400).sort()).toEqual(
      expect.arrayContaining([400, 401, 403, 404, 409, 413, 415, 422]),
    );
  });
});
