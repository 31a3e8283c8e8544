import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp, eventually, startTestApp, uniqueTenant } from './app';
import { FakeEmbeddingServer, startFakeEmbeddingServer } from './fake-embedding-server';
import { adminHeaders, newApiKey, newTenant } from './fixtures';
import { registeredRoutes } from './routes';

const ADMIN_TOKEN = 'metrics-walk-admin-token-0123456789';
const METRICS_TOKEN = 'metrics-walk-scrape-token-0123456789';

export interface MetricsWalk {
  /** The scrape after the walk, as Prometheus would read it. */
  scrape: string;
  /** `METHOD /path` of every request made, with its status. */
  requests: { route: string; status: number }[];
  /** Every route the app serves, as `METHOD /path` with Fastify's `:param` and `*`. */
  routes: string[];
}

/**
 * Starts the API the way production runs it (Postgres, BullMQ on Redis, a remote embedding model,
 * a policy file), sends a request to every route, successes and refusals alike, and drives the
 * paths that only some requests reach (a quota hit, a rate limit, a bad policy reload, a failed
 * query embedding, a queued embedding), then scrapes GET /metrics with the scrape token.
 */
export async function walkAndScrape(): Promise<MetricsWalk> {
  const policyDir = mkdtempSync(join(tmpdir(), 'engram-metrics-walk-'));
  const policyFile = join(policyDir, 'policy.json');
  copyFileSync(join(__dirname, '../../config/rbac-policies.json'), policyFile);
  const flagsFile = join(policyDir, 'feature-flags.json');
  copyFileSync(join(__dirname, '../../config/feature-flags.json'), flagsFile);
  const rulesFile = join(policyDir, 'memory-update-rules.json');
  copyFileSync(join(__dirname, '../../config/memory-update-rules.json'), rulesFile);
  let server: FakeEmbeddingServer | undefined;
  let t: TestApp | undefined;
  const requests: MetricsWalk['requests'] = [];
  let routes: string[] = [];
  try {
    server = await startFakeEmbeddingServer(8);
    t = await startTestApp({
      queue: 'bullmq',
      env: {
        ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
        METRICS_TOKEN,
        RBAC_POLICY_FILE: policyFile,
        RBAC_WATCH: 'false',
        RBAC_POLL_INTERVAL_MS: '0',
        FEATURE_FLAGS_FILE: flagsFile,
        FLAGS_WATCH: 'false',
        FLAGS_POLL_INTERVAL_MS: '0',
        MEMORY_UPDATE_RULES_FILE: rulesFile,
        MEMORY_UPDATE_RULES_WATCH: 'false',
        MEMORY_UPDATE_RULES_POLL_INTERVAL_MS: '0',
        MEMORY_POST_UPDATE: 'true',
        EMBEDDING_OPENAI_URL: server.url,
        EMBEDDING_OPENAI_MODEL: 'fake',
        EMBEDDING_OPENAI_DIMENSIONS: '8',
        EMBEDDING_OPENAI_TIMEOUT_MS: '1000',
        EMBEDDING_OPENAI_MAX_RETRIES: '0',
        DRIFT_DETECTION_ENABLED: 'true',
        DRIFT_METRIC_WORKFLOWS: 'walk-workflow',
        // The memory cache on (in Redis), so its hits and misses are in the scrape.
        MEMORY_CACHE_ENABLED: 'true',
      },
    });
    const app = t;
    /** `route` as Fastify names it (`:param`, `*`); `params` fill it in. */
    const call = async (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      route: string,
      options: {
        params?: Record<string, string>;
        query?: string;
        body?: unknown;
        headers?: Record<string, string>;
      } = {},
    ) => {
      const path = route.replace(/:(\w+)|\*/g, (whole, name: string | undefined) => {
        const value = options.params?.[name ?? '*'];
        if (value === undefined) {
          throw new Error(`no value for ${whole} in ${route}`);
        }
        return encodeURIComponent(value);
      });
      const url = options.query ? `${path}?${options.query}` : path;
      const response = await app.request(method, url, options.body, options.headers);
      requests.push({ route: `${method} ${route}`, status: response.status });
      return response;
    };
    const admin = adminHeaders(app);
    const tenant = uniqueTenant('mw');
    const id = { id: tenant };

    await call('GET', '/health');
    await call('GET', '/ready');
    await call('GET', '/openapi.json');

    // Tenants and keys.
    await call('POST', '/api/v1/admin/tenants', { body: { id: tenant, name: 'metrics walk' }, headers: admin });
    await call('POST', '/api/v1/admin/tenants', { body: { id: tenant, name: 'again' }, headers: admin });
    await call('POST', '/api/v1/admin/tenants', { body: { id: 'Not A Slug' }, headers: admin });
    await call('GET', '/api/v1/admin/tenants', { query: 'limit=1', headers: admin });
    await call('GET', '/api/v1/admin/tenants/:id', { params: id, headers: admin });
    await call('GET', '/api/v1/admin/tenants/:id', { params: { id: uniqueTenant('none') }, headers: admin });
    await call('PATCH', '/api/v1/admin/tenants/:id', { params: id, body: { quotas: { max_pins: 2 } }, headers: admin });
    await call('GET', '/api/v1/admin/tenants/:id/usage', { params: id, headers: admin });
    await call('POST', '/api/v1/admin/tenants/:id/api-keys', {
      params: id,
      body: { name: 'scoped', role: 'dev', scopes: ['memory:read'] },
      headers: admin,
    });
    const machine = await newApiKey(app, tenant);
    const readonly = await newApiKey(app, tenant, { role: 'readonly', name: 'reader' });
    await call('GET', '/api/v1/admin/tenants/:id/api-keys', { params: id, headers: admin });
    const key = machine.headers;
    const asAdmin = { query: `tenant_id=${tenant}`, headers: admin };

    // Refusals: no credential, an unknown key, a forbidden write.
    await call('GET', '/api/v1/memory/pins');
    await call('GET', '/api/v1/memory/pins', { headers: { 'x-api-key': 'egk_not-a-real-key-0123456789' } });
    await call('POST', '/api/v1/memory/pins', { body: { key: 'k', value: 1 }, headers: readonly.headers });

    // Pins, up to the tenant's max_pins quota and past it.
    await call('POST', '/api/v1/memory/pins', { body: { key: 'user/name', value: { first: 'Ada' } }, headers: key });
    await call('POST', '/api/v1/memory/pins', {
      body: { key: 'user/lang', value: 'en', ttl_seconds: 3600 },
      headers: key,
    });
    await call('POST', '/api/v1/memory/pins', { body: { key: 'user/tz', value: 'UTC' }, headers: key });
    await call('POST', '/api/v1/memory/pins', { body: { key: 'user/age' }, headers: key });
    await call('GET', '/api/v1/memory/pins', { query: 'prefix=user/', headers: key });
    await call('GET', '/api/v1/memory/pins/*', { params: { '*': 'user/name' }, headers: key });
    await call('GET', '/api/v1/memory/pins/*', { params: { '*': 'user/name' }, headers: key });
    await call('GET', '/api/v1/memory/pins/*', { params: { '*': 'absent' }, headers: key });
    await call('POST', '/api/v1/memory/pins/cleanup', { body: { tenant_id: tenant, dry_run: true }, headers: admin });
    await call('DELETE', '/api/v1/memory/pins/*', { params: { '*': 'user/lang' }, ...asAdmin });
    await call('DELETE', '/api/v1/memory/pins/*', { params: { '*': 'user/lang' }, ...asAdmin });

    // Namespaces: one on the local model, one on the remote one (embedded through the queue).
    await call('POST', '/api/v1/namespaces', { body: { name: 'walk' }, headers: key });
    await call('POST', '/api/v1/namespaces', { body: { name: 'walk' }, headers: key });
    await call('POST', '/api/v1/namespaces', {
      body: { name: 'remote', embedding_model: 'openai:fake' },
      headers: key,
    });
    await call('POST', '/api/v1/namespaces', { body: { name: 'scratch' }, headers: key });
    await call('GET', '/api/v1/namespaces', { headers: key });
    await call('GET', '/api/v1/namespaces/:name', { params: { name: 'walk' }, headers: key });
    await call('GET', '/api/v1/namespaces/:name', { params: { name: 'absent' }, headers: key });
    await call('PATCH', '/api/v1/namespaces/:name', {
      params: { name: 'walk' },
      body: { default_token_budget: 2000 },
      headers: key,
    });

    // Memories, search and context.
    const first = await call('POST', '/api/v1/memories', {
      body: { namespace: 'walk', content: 'Alice is allergic to peanuts.', tags: ['health'] },
      headers: key,
    });
    const batch = await call('POST', '/api/v1/memories/batch', {
      body: { namespace: 'walk', memories: [{ content: 'Alice lives in Lisbon.' }, { content: 'Alice drinks tea.' }] },
      headers: key,
    });
    await call('POST', '/api/v1/memories', { body: { namespace: 'absent', content: 'nowhere' }, headers: key });
    const remote = await call('POST', '/api/v1/memories', {
      body: { namespace: 'remote', content: 'quokkas on Rottnest' },
      headers: key,
    });
    if (first.status !== 201 || batch.status !== 201 || remote.status !== 201) {
      throw new Error(`metrics walk setup failed: ${first.text} ${batch.text} ${remote.text}`);
    }
    const firstId = { id: first.body.id as string };
    const secondId = { id: batch.body.memories[0].id as string };
    await call('GET', '/api/v1/memories', { query: 'namespace=walk&limit=1', headers: key });
    await call('GET', '/api/v1/memories/:id', { params: firstId, headers: key });
    await call('GET', '/api/v1/memories/:id', { params: { id: '00000000-0000-4000-8000-000000000000' }, headers: key });
    await call('PATCH', '/api/v1/memories/:id', { params: secondId, body: { tags: ['home'] }, headers: key });
    await call('POST', '/api/v1/memories/:id/relations', {
      params: firstId,
      body: { relations: [{ to: secondId.id, relation: 'same_person' }] },
      headers: key,
    });
    await call('GET', '/api/v1/memories/:id/related', { params: firstId, headers: key });
    const superseding = await call('POST', '/api/v1/memories/:id/supersede', {
      params: { id: batch.body.memories[1].id as string },
      body: { content: 'Alice drinks coffee now.' },
      headers: key,
    });
    await call('GET', '/api/v1/memories/:id/history', { params: firstId, headers: key });
    await call('GET', '/api/v1/memories/:id/history', {
      params: { id: (superseding.body?.superseded?.id as string | undefined) ?? firstId.id },
      headers: key,
    });
    await call('POST', '/api/v1/memories/search', {
      body: { namespace: 'walk', query: 'Alice allergy', explain: true },
      headers: key,
    });
    await call('POST', '/api/v1/context', {
      body: { namespace: 'walk', query: 'Alice', token_budget: 500 },
      headers: key,
    });
    await call('POST', '/api/v1/context', {
      body: { namespace: 'walk', query: 'Alice', token_budget: 500, fail_open: true },
      headers: key,
    });
    await call('POST', '/api/v1/context', {
      body: { namespace: 'walk', query: 'Alice', token_budget: 1 },
      headers: key,
    });
    // Drift: a comparison that drifts (text and structure), a refused one, the list, one, the summary.
    const drift = await call('POST', '/api/v1/drift/comparisons', {
      body: {
        workflow_id: 'walk-workflow',
        baseline: { output: { answer: 'Alice lives in Lisbon', confidence: 0.9 } },
        augmented: { output: { answer: 'Alice is allergic to peanuts', confidence: 0.4, cited: [1] } },
      },
      headers: key,
    });
    await call('POST', '/api/v1/drift/comparisons', {
      body: { workflow_id: 'walk-workflow', baseline: { output: [] }, augmented: { output: {} } },
      headers: key,
    });
    if (drift.status !== 201) {
      throw new Error(`metrics walk drift comparison failed: ${drift.text}`);
    }
    await call('GET', '/api/v1/drift/comparisons', { query: 'workflow_id=walk-workflow', headers: key });
    await call('GET', '/api/v1/drift/comparisons/:id', { params: { id: drift.body.id as string }, headers: key });
    await call('GET', '/api/v1/drift/summary', { query: 'workflow_id=walk-workflow', headers: key });
    // The queued embedding is stored (its lag observed), then a search whose query the model fails.
    await eventually(async () => {
      const got = await app.request('GET', `/api/v1/memories/${remote.body.id as string}`, undefined, key);
      return got.body?.embedding_status === 'ready';
    }, 20_000);
    server.failures = [500, 500, 500];
    await call('POST', '/api/v1/memories/search', { body: { namespace: 'remote', query: 'quokkas' }, headers: key });
    server.failures = [];
    // Fact extraction (offline extractor), run to its end.
    const extraction = await call('POST', '/api/v1/extractions', {
      body: { namespace: 'walk', message_ids: [firstId.id] },
      headers: key,
    });
    await eventually(async () => {
      const job = await app.request('GET', `/api/v1/jobs/${extraction.body.id as string}`, undefined, key);
      return job.body?.status === 'succeeded';
    }, 20_000);
    await call('GET', '/api/v1/jobs/:id', { params: { id: extraction.body.id as string }, headers: key });
    // Chat ingestion: an exchange, its retry (nothing stored twice), a refusal, the session read back.
    const exchange = {
      namespace: 'walk',
      session_id: 'walk-session',
      messages: [
        { role: 'user', content: 'When is the deploy?' },
        { role: 'assistant', content: 'Friday.' },
      ],
    };
    await call('POST', '/api/v1/conversations', { body: exchange, headers: key });
    await call('POST', '/api/v1/conversations', { body: exchange, headers: key });
    await call('POST', '/api/v1/conversations', { body: { ...exchange, messages: [] }, headers: key });
    await call('GET', '/api/v1/conversations/:session_id', { params: { session_id: 'walk-session' }, headers: key });
    await call('DELETE', '/api/v1/memories/:id', { params: secondId, ...asAdmin });
    await call('DELETE', '/api/v1/namespaces/:name', { params: { name: 'scratch' }, ...asAdmin });

    // Runs and post-run updates: a recorded run (its rules applied by the job), a replay, a
    // conflict, a dry run of a body and of the run, the rules, a good and a bad reload.
    const runBody = {
      run_id: 'walk-run-1',
      workflow_id: 'walk',
      status: 'failed',
      outputs: { error: 'boom' },
      started_at: '2026-01-01T00:00:00Z',
      finished_at: '2026-01-01T00:00:10Z',
    };
    await call('POST', '/api/v1/runs', { body: runBody, headers: key });
    await call('POST', '/api/v1/runs', { body: runBody, headers: key });
    await call('POST', '/api/v1/runs', { body: { ...runBody, status: 'succeeded' }, headers: key });
    await call('GET', '/api/v1/runs', { query: 'workflow_id=walk&limit=1', headers: key });
    await call('GET', '/api/v1/runs/:run_id', { params: { run_id: 'walk-run-1' }, headers: key });
    await call('GET', '/api/v1/runs/:run_id', { params: { run_id: 'absent' }, headers: key });
    await call('POST', '/api/v1/runs/dry-run', { body: { ...runBody, run_id: 'walk-dry' }, headers: key });
    await call('POST', '/api/v1/runs/:run_id/dry-run', { params: { run_id: 'walk-run-1' }, body: {}, headers: key });
    await call('GET', '/api/v1/update-rules', { headers: key });
    await call('POST', '/api/v1/update-rules/reload', { headers: admin });
    writeFileSync(rulesFile, '{ "version": 2, "rules": [{ "id": "x" }] }');
    await call('POST', '/api/v1/update-rules/reload', { headers: admin });

    // MCP: a tool call over streamable HTTP (one JSON-RPC request per POST), and the methods it refuses.
    const mcp = { ...key, accept: 'application/json, text/event-stream' };
    await call('POST', '/mcp', {
      body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'pin_list', arguments: {} } },
      headers: mcp,
    });
    await call('GET', '/mcp', { headers: mcp });
    await call('DELETE', '/mcp', { headers: mcp });

    // The OpenAI-compatible proxy, with no upstream configured: both routes answer 503 proxy_not_configured.
    await call('POST', '/v1/chat/completions', {
      body: { model: 'm', messages: [{ role: 'user', content: 'hello' }] },
      headers: { ...key, 'x-engram-namespace': 'walk' },
    });
    await call('GET', '/v1/models', { headers: key });

    // RBAC: a good reload, the audit, then a policy file that does not load.
    await call('GET', '/api/v1/rbac/info', { headers: admin });
    await call('GET', '/api/v1/rbac/matrix', { headers: admin });
    await call('POST', '/api/v1/rbac/reload', { headers: admin });
    await app.settle();
    await call('GET', '/api/v1/rbac/audit', { query: `tenant_id=${tenant}&limit=5`, headers: admin });
    writeFileSync(policyFile, '{ "not": "a policy" }');
    await call('POST', '/api/v1/rbac/reload', { headers: admin });

    // Feature flags: a tenant override set and removed, a good reload, then a file that does not load.
    await call('GET', '/api/v1/flags', { headers: admin });
    await call('GET', '/api/v1/flags', { query: `tenant_id=${tenant}`, headers: admin });
    await call('PUT', '/api/v1/admin/tenants/:id/flags/:flag', {
      params: { id: tenant, flag: 'memory_post_update' },
      body: { enabled: true },
      headers: admin,
    });
    await call('PUT', '/api/v1/admin/tenants/:id/flags/:flag', {
      params: { id: tenant, flag: 'no_such_flag' },
      body: { enabled: true },
      headers: admin,
    });
    await call('GET', '/api/v1/admin/tenants/:id/flags', { params: id, headers: admin });
    await call('DELETE', '/api/v1/admin/tenants/:id/flags/:flag', {
      params: { id: tenant, flag: 'memory_post_update' },
      headers: admin,
    });
    await call('POST', '/api/v1/flags/reload', { headers: admin });
    writeFileSync(flagsFile, '{ "version": 2, "flags": { "no_such_flag": true } }');
    await call('POST', '/api/v1/flags/reload', { headers: admin });

    // A key over its rate limit: one request a minute, so the second is refused.
    const limitedTenant = await newTenant(app, { quotas: { requests_per_minute: 1 } });
    const limited = await newApiKey(app, limitedTenant);
    await call('GET', '/api/v1/memory/pins', { headers: limited.headers });
    await call('GET', '/api/v1/memory/pins', { headers: limited.headers });

    // Tenant lifecycle last: it revokes the keys used above.
    await call('DELETE', '/api/v1/admin/tenants/:id/api-keys/:keyId', {
      params: { id: tenant, keyId: readonly.id },
      headers: admin,
    });
    await call('POST', '/api/v1/admin/tenants/:id/suspend', { params: id, headers: admin });
    await call('POST', '/api/v1/admin/tenants/:id/activate', { params: id, headers: admin });
    await call('DELETE', '/api/v1/admin/tenants/:id', { params: id, headers: admin });
    await app.settle();
    routes = registeredRoutes(app.app).map((route) => route.id);

    const base = await app.listen();
    const response = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      signal: AbortSignal.timeout(10_000),
    });
    const scrape = await response.text();
    requests.push({ route: 'GET /metrics', status: response.status });
    if (response.status !== 200) {
      throw new Error(`GET /metrics answered ${response.status}: ${scrape.slice(0, 200)}`);
    }
    return { scrape, requests, routes };
  } finally {
    await t?.close();
    await server?.close();
    rmSync(policyDir, { recursive: true, force: true });
  }
}
