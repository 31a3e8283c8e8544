import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TOOL_NAMES } from '@engram/mcp';
import { Authorizer } from '@engram/common';
import { TestApp, TestResponse, startTestApp } from '@engram/test-support/app';
import { NewApiKey, adminHeaders, newApiKey, newNamespace, newTenant } from '@engram/test-support/fixtures';
import { PUBLIC_ROUTES, registeredRoutes } from '@engram/test-support/routes';
import { FakeOpenAiUpstream, startFakeOpenAiUpstream } from '@engram/test-support/fake-openai-upstream';
import {
  ISOLATION_SESSION,
  IsolationContext,
  MCP_ISOLATION_CASES,
  MEMORY_ISOLATION_CASES,
  McpIsolationCase,
  leaks,
} from '@engram/test-support/memory-isolation-cases';

/**
 * Tenant A's credentials against tenant B's data, on every route. Each row names the route it
 * exercises ("METHOD /path" as Fastify registers it); a test fails when a registered route has
 * no row, so a new route joins the matrix by adding one. Every row runs twice: under the real
 * authorizer, and under one that allows everything, so isolation never rests on the role policy.
 *
 * After each row: B's data is unchanged, and the response never shows B's secret marker.
 */

interface World {
  a: string;
  b: string;
  keyA: NewApiKey;
  keyB: NewApiKey;
  /** A cursor from a listing of A's pins, and one from B's. */
  cursorA: string;
  cursorB: string;
  markerB: string;
  /** Two of B's memories (content carries markerB) in B's namespace `shared`. */
  memoryB: string;
  memoryB2: string;
  /** An extraction job of B's over memoryB. */
  jobB: string;
  /** B's recorded runs (their outputs carry markerB); A records a run of its own under the second id. */
  runB: string;
  runBWritten: string;
  /** B's drift comparison in workflow `wf-shared` (its metadata carries markerB). */
  driftB: string;
}

interface Row {
  route: string;
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: (w: World) => string;
  body?: (w: World) => unknown;
  headers?: Record<string, string> | ((w: World) => Record<string, string>);
  /** Statuses that are acceptable; anything else fails. */
  expect: number[];
  code?: string;
}

const PINS = '/api/v1/memory/pins';
const ADMIN = '/api/v1/admin/tenants';
const REFUSED = [403, 404];

const PIN_ROWS: Row[] = [
  {
    route: `GET ${PINS}/*`,
    name: 'read B key naming B',
    method: 'GET',
    url: (w) => `${PINS}/secret:1?tenant_id=${w.b}`,
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `GET ${PINS}/*`,
    name: 'read B-only key on own tenant',
    method: 'GET',
    url: () => `${PINS}/only-b`,
    expect: [404],
    code: 'pin_not_found',
  },
  {
    route: `GET ${PINS}`,
    name: 'list naming B',
    method: 'GET',
    url: (w) => `${PINS}?tenant_id=${w.b}`,
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `GET ${PINS}`,
    name: 'prefix list on own tenant',
    method: 'GET',
    url: () => `${PINS}?prefix=secret`,
    expect: [200],
  },
  {
    route: `GET ${PINS}`,
    name: "B's cursor naming B",
    method: 'GET',
    url: (w) => `${PINS}?tenant_id=${w.b}&limit=1&cursor=${w.cursorB}`,
    expect: [403],
  },
  {
    route: `GET ${PINS}`,
    name: "A's cursor naming B",
    method: 'GET',
    url: (w) => `${PINS}?tenant_id=${w.b}&limit=1&cursor=${w.cursorA}`,
    expect: [403],
  },
  {
    route: `GET ${PINS}`,
    name: "B's cursor on own tenant",
    method: 'GET',
    url: (w) => `${PINS}?limit=5&cursor=${w.cursorB}`,
    expect: [200],
  },
  {
    route: `POST ${PINS}`,
    name: 'upsert naming B',
    method: 'POST',
    url: () => PINS,
    body: (w) => ({ tenant_id: w.b, key: 'secret:1', value: 'pwned' }),
    expect: [403],
  },
  {
    route: `POST ${PINS}`,
    name: 'upsert B key on own tenant',
    method: 'POST',
    url: () => PINS,
    body: () => ({ key: 'secret:1', value: 'mine' }),
    expect: [200, 201, 403],
  },
  {
    route: `DELETE ${PINS}/*`,
    name: 'delete naming B',
    method: 'DELETE',
    url: (w) => `${PINS}/secret:1?tenant_id=${w.b}`,
    expect: [403],
  },
  {
    route: `DELETE ${PINS}/*`,
    name: 'delete B-only key on own tenant',
    method: 'DELETE',
    url: () => `${PINS}/only-b`,
    expect: [403, 404],
  },
  {
    route: `POST ${PINS}/cleanup`,
    name: 'cleanup naming B',
    method: 'POST',
    url: () => `${PINS}/cleanup`,
    body: (w) => ({ tenant_id: w.b }),
    expect: [403],
  },
  {
    route: `POST ${PINS}/cleanup`,
    name: 'cleanup of all tenants',
    method: 'POST',
    url: () => `${PINS}/cleanup`,
    body: () => ({}),
    expect: [200, 403],
  },
];

const ADMIN_ROWS: Row[] = [
  { route: `GET ${ADMIN}`, name: 'list tenants', method: 'GET', url: () => ADMIN, expect: [200, 403] },
  {
    route: `GET ${ADMIN}`,
    name: 'list tenants filtered',
    method: 'GET',
    url: () => `${ADMIN}?status=active&limit=1000`,
    expect: [200, 403],
  },
  {
    route: `POST ${ADMIN}`,
    name: 'create a tenant',
    method: 'POST',
    url: () => ADMIN,
    body: () => ({ id: `evil-${randomBytes(3).toString('hex')}`, name: 'x' }),
    expect: [201, 403],
  },
  { route: `GET ${ADMIN}/:id`, name: 'read B', method: 'GET', url: (w) => `${ADMIN}/${w.b}`, expect: REFUSED },
  {
    route: `PATCH ${ADMIN}/:id`,
    name: 'update B',
    method: 'PATCH',
    url: (w) => `${ADMIN}/${w.b}`,
    body: () => ({ name: 'pwned' }),
    expect: REFUSED,
  },
  { route: `DELETE ${ADMIN}/:id`, name: 'delete B', method: 'DELETE', url: (w) => `${ADMIN}/${w.b}`, expect: REFUSED },
  {
    route: `GET ${ADMIN}/:id/usage`,
    name: 'count B',
    method: 'GET',
    url: (w) => `${ADMIN}/${w.b}/usage`,
    expect: REFUSED,
  },
  {
    route: `POST ${ADMIN}/:id/suspend`,
    name: 'suspend B',
    method: 'POST',
    url: (w) => `${ADMIN}/${w.b}/suspend`,
    expect: REFUSED,
  },
  {
    route: `POST ${ADMIN}/:id/activate`,
    name: 'activate B',
    method: 'POST',
    url: (w) => `${ADMIN}/${w.b}/activate`,
    expect: REFUSED,
  },
  {
    route: `POST ${ADMIN}/:id/api-keys`,
    name: 'create a key for B',
    method: 'POST',
    url: (w) => `${ADMIN}/${w.b}/api-keys`,
    body: () => ({ name: 'x', role: 'machine' }),
    expect: REFUSED,
  },
  {
    route: `GET ${ADMIN}/:id/api-keys`,
    name: "list B's keys",
    method: 'GET',
    url: (w) => `${ADMIN}/${w.b}/api-keys`,
    expect: REFUSED,
  },
  {
    route: `DELETE ${ADMIN}/:id/api-keys/:keyId`,
    name: "revoke B's key",
    method: 'DELETE',
    url: (w) => `${ADMIN}/${w.b}/api-keys/${w.keyB.id}`,
    expect: REFUSED,
  },
];

const RBAC = '/api/v1/rbac';

/**
 * The policy itself is not tenant data: with policy permissions (the allow-all run) a caller may
 * read it or reload it; the decisions audit is per tenant and must never show B's.
 */
const RBAC_ROWS: Row[] = [
  { route: `GET ${RBAC}/info`, name: 'policy info', method: 'GET', url: () => `${RBAC}/info`, expect: [200, 403] },
  {
    route: `GET ${RBAC}/matrix`,
    name: 'policy matrix',
    method: 'GET',
    url: () => `${RBAC}/matrix`,
    expect: [200, 403],
  },
  {
    route: `POST ${RBAC}/reload`,
    name: 'policy reload',
    method: 'POST',
    url: () => `${RBAC}/reload`,
    expect: [200, 403],
  },
  {
    route: `GET ${RBAC}/audit`,
    name: "B's decisions naming B",
    method: 'GET',
    url: (w) => `${RBAC}/audit?tenant_id=${w.b}`,
    expect: [403],
  },
  { route: `GET ${RBAC}/audit`, name: 'own decisions', method: 'GET', url: () => `${RBAC}/audit`, expect: [200, 403] },
];

/**
 * The memory, namespace, search and context cases (test/support/memory-isolation-cases.ts), each
 * run naming B (refused: tenant_mismatch) and on A's own tenant with B's ids (nothing found,
 * nothing of B's returned). A owns the namespace A_NAMESPACE, which probes write and search in.
 * Creating a namespace on one's own tenant is allowed.
 */
const A_NAMESPACE = 'a-mine';
function memoryContext(w: World, tenant: string | undefined): IsolationContext {
  return {
    memoryId: w.memoryB,
    otherMemoryId: w.memoryB2,
    namespace: 'shared',
    ownNamespace: A_NAMESPACE,
    secret: w.markerB,
    tenant,
  };
}

const MEMORY_ROWS: Row[] = [
  ...MEMORY_ISOLATION_CASES.flatMap((c): Row[] => [
    {
      route: c.route,
      name: `${c.name}, naming B`,
      method: c.method,
      url: (w) => c.url(memoryContext(w, w.b)),
      body: c.body && ((w) => c.body!(memoryContext(w, w.b))),
      expect: [403],
    },
    {
      route: c.route,
      name: `${c.name}, on A's own tenant with B's ids`,
      method: c.method,
      url: (w) => c.url(memoryContext(w, undefined)),
      body: c.body && ((w) => c.body!(memoryContext(w, undefined))),
      // 403 when the role lacks the action (machine keys do not delete)
      expect: [c.expectedStatus, 403],
      // B's namespace answers as one that does not exist: the same status and code.
      code: c.expectedCode,
    },
  ]),
  {
    route: 'POST /api/v1/namespaces',
    name: 'create namespace naming B',
    method: 'POST',
    url: () => '/api/v1/namespaces',
    body: (w) => ({ tenant_id: w.b, name: 'shared', default_token_budget: 100 }),
    expect: [403],
  },
  {
    route: 'POST /api/v1/namespaces',
    name: 'create a namespace on its own tenant',
    method: 'POST',
    url: () => '/api/v1/namespaces',
    body: () => ({ name: 'a-own', default_token_budget: 100 }),
    expect: [201, 409],
  },
];

/**
 * /mcp answers a tool's or a resource's failure inside a 200 (JSON-RPC); these rows cover the
 * route, the MCP cases below cover every tool, resource and prompt.
 */
const MCP_HEADERS = { accept: 'application/json, text/event-stream' };
const jsonRpc = (method: string, params: unknown) => ({ jsonrpc: '2.0', id: 1, method, params });
const MCP_ROWS: Row[] = [
  {
    route: 'POST /mcp',
    name: "remember into B's namespace name",
    method: 'POST',
    url: () => '/mcp',
    body: () => jsonRpc('tools/call', { name: 'remember', arguments: { namespace: 'shared', content: 'probe' } }),
    headers: MCP_HEADERS,
    expect: [200],
  },
  {
    route: 'POST /mcp',
    name: "read B's memory",
    method: 'POST',
    url: () => '/mcp',
    body: (w) => jsonRpc('resources/read', { uri: `engram://memories/${w.memoryB}` }),
    headers: MCP_HEADERS,
    expect: [200],
  },
  { route: 'GET /mcp', name: 'open a stream', method: 'GET', url: () => '/mcp', headers: MCP_HEADERS, expect: [405] },
  { route: 'DELETE /mcp', name: 'end a session', method: 'DELETE', url: () => '/mcp', expect: [405] },
];

/**
 * The proxy injects memories into what goes upstream; the fake upstream answers with every
 * message it received, so a memory of B's injected for A would show in the response (checked
 * for every row) and in what the upstream saw (checked below). Nothing is stored (skip-extract):
 * a namespace `shared` of A's would change the memory rows' answers.
 */
const CHAT = '/v1/chat/completions';
const PROXY_HEADERS = { 'x-engram-skip-extract': 'true' };
const launchCodes = { model: 'm', messages: [{ role: 'user', content: 'What are the launch codes?' }] };
const PROXY_ROWS: Row[] = [
  {
    route: `POST ${CHAT}`,
    name: "context from B's namespace name",
    method: 'POST',
    url: () => CHAT,
    body: () => launchCodes,
    headers: { ...PROXY_HEADERS, 'x-engram-namespace': 'shared' },
    expect: [200],
  },
  {
    route: `POST ${CHAT}`,
    name: 'context naming B',
    method: 'POST',
    url: () => CHAT,
    body: () => launchCodes,
    headers: (w) => ({ ...PROXY_HEADERS, 'x-engram-namespace': 'shared', 'x-engram-tenant': w.b }),
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `POST ${CHAT}`,
    name: 'context in its own namespace',
    method: 'POST',
    url: () => CHAT,
    body: () => launchCodes,
    headers: { ...PROXY_HEADERS, 'x-engram-namespace': A_NAMESPACE },
    expect: [200],
  },
  { route: 'GET /v1/models', name: 'list models', method: 'GET', url: () => '/v1/models', expect: [200] },
];

const EXTRACTION_ROWS: Row[] = [
  {
    route: 'POST /api/v1/extractions',
    name: "extract from B's messages, naming B",
    method: 'POST',
    url: () => '/api/v1/extractions',
    body: (w) => ({ tenant_id: w.b, namespace: 'shared', message_ids: [w.memoryB] }),
    expect: [403],
  },
  {
    route: 'POST /api/v1/extractions',
    name: "extract from B's messages on A's own tenant",
    method: 'POST',
    url: () => '/api/v1/extractions',
    body: (w) => ({ namespace: A_NAMESPACE, message_ids: [w.memoryB, w.memoryB2] }),
    expect: [404],
    code: 'messages_not_found',
  },
  {
    route: 'GET /api/v1/jobs/:id',
    name: "read B's job, naming B",
    method: 'GET',
    url: (w) => `/api/v1/jobs/${w.jobB}?tenant_id=${w.b}`,
    expect: [403],
  },
  {
    route: 'GET /api/v1/jobs/:id',
    name: "read B's job on A's own tenant",
    method: 'GET',
    url: (w) => `/api/v1/jobs/${w.jobB}`,
    expect: [404],
    code: 'job_not_found',
  },
];

const DRIFT = '/api/v1/drift/comparisons';
const DRIFT_SUMMARY = '/api/v1/drift/summary';
const driftBody = (extra: Record<string, unknown> = {}) => ({
  workflow_id: 'wf-shared',
  baseline: { output: { answer: 'probe' } },
  augmented: { output: { answer: 'probe', extra: 1 } },
  ...extra,
});

const DRIFT_ROWS: Row[] = [
  {
    route: `POST ${DRIFT}`,
    name: 'compare naming B',
    method: 'POST',
    url: () => DRIFT,
    body: (w) => driftBody({ tenant_id: w.b }),
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `POST ${DRIFT}`,
    name: "compare in B's workflow on own tenant",
    method: 'POST',
    url: () => DRIFT,
    body: () => driftBody(),
    expect: [201],
  },
  {
    route: `GET ${DRIFT}`,
    name: 'list naming B',
    method: 'GET',
    url: (w) => `${DRIFT}?tenant_id=${w.b}&workflow_id=wf-shared`,
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `GET ${DRIFT}`,
    name: "list B's workflow on own tenant",
    method: 'GET',
    url: () => `${DRIFT}?workflow_id=wf-shared`,
    expect: [200],
  },
  {
    route: `GET ${DRIFT}/:id`,
    name: "read B's comparison on own tenant",
    method: 'GET',
    url: (w) => `${DRIFT}/${w.driftB}`,
    expect: [404],
    code: 'drift_comparison_not_found',
  },
  {
    route: `GET ${DRIFT}/:id`,
    name: "read B's comparison naming B",
    method: 'GET',
    url: (w) => `${DRIFT}/${w.driftB}?tenant_id=${w.b}`,
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `GET ${DRIFT_SUMMARY}`,
    name: "summary of B's workflow on own tenant",
    method: 'GET',
    url: () => `${DRIFT_SUMMARY}?workflow_id=wf-shared`,
    expect: [200],
  },
  {
    route: `GET ${DRIFT_SUMMARY}`,
    name: 'summary naming B',
    method: 'GET',
    url: (w) => `${DRIFT_SUMMARY}?tenant_id=${w.b}&workflow_id=wf-shared`,
    expect: [403],
    code: 'tenant_mismatch',
  },
];

const FLAGS = '/api/v1/flags';

/**
 * Feature flags: the file is platform-wide (readable and reloadable with the permission); a
 * tenant's overrides are its own. B holds an override (chaos_allowed on) that A must
 * neither change nor see applied to itself.
 */
const FLAG_ROWS: Row[] = [
  { route: `GET ${FLAGS}`, name: 'own flags', method: 'GET', url: () => FLAGS, expect: [200, 403] },
  { route: `GET ${FLAGS}`, name: "B's flags", method: 'GET', url: (w) => `${FLAGS}?tenant_id=${w.b}`, expect: [403] },
  {
    route: `POST ${FLAGS}/reload`,
    name: 'flags reload',
    method: 'POST',
    url: () => `${FLAGS}/reload`,
    expect: [200, 403],
  },
  {
    route: `GET ${ADMIN}/:id/flags`,
    name: "B's overrides",
    method: 'GET',
    url: (w) => `${ADMIN}/${w.b}/flags`,
    expect: REFUSED,
  },
  {
    route: `PUT ${ADMIN}/:id/flags/:flag`,
    name: "override B's flag",
    method: 'PUT',
    url: (w) => `${ADMIN}/${w.b}/flags/chaos_allowed`,
    body: () => ({ enabled: false }),
    expect: REFUSED,
  },
  {
    route: `DELETE ${ADMIN}/:id/flags/:flag`,
    name: "remove B's override",
    method: 'DELETE',
    url: (w) => `${ADMIN}/${w.b}/flags/chaos_allowed`,
    expect: REFUSED,
  },
];

const RUNS = '/api/v1/runs';
const aRun = (w: World, extra: Record<string, unknown> = {}) => ({
  run_id: w.runBWritten,
  workflow_id: 'deploy',
  status: 'failed',
  outputs: { note: 'from A' },
  started_at: '2026-01-01T00:00:00Z',
  finished_at: '2026-01-01T00:01:00Z',
  ...extra,
});

/** Runs and their dry runs: B's run is invisible to A, and A recording the same run_id makes A's own. */
const RUN_ROWS: Row[] = [
  {
    route: `POST ${RUNS}`,
    name: 'record a run naming B',
    method: 'POST',
    url: () => RUNS,
    body: (w) => aRun(w, { tenant_id: w.b }),
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `POST ${RUNS}`,
    name: "record B's run_id on own tenant",
    method: 'POST',
    url: () => RUNS,
    body: (w) => aRun(w),
    expect: [200, 201],
  },
  {
    route: `GET ${RUNS}`,
    name: 'list naming B',
    method: 'GET',
    url: (w) => `${RUNS}?tenant_id=${w.b}`,
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `GET ${RUNS}`,
    name: "list own runs of B's workflow",
    method: 'GET',
    url: () => `${RUNS}?workflow_id=secret-workflow`,
    expect: [200],
  },
  {
    route: `GET ${RUNS}/:run_id`,
    name: "read B's run naming B",
    method: 'GET',
    url: (w) => `${RUNS}/${w.runB}?tenant_id=${w.b}`,
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `GET ${RUNS}/:run_id`,
    name: "read B's run on own tenant",
    method: 'GET',
    url: (w) => `${RUNS}/${w.runB}`,
    expect: [404],
    code: 'run_not_found',
  },
  {
    route: `POST ${RUNS}/dry-run`,
    name: 'dry-run naming B',
    method: 'POST',
    url: () => `${RUNS}/dry-run`,
    body: (w) => aRun(w, { tenant_id: w.b, run_id: 'probe' }),
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `POST ${RUNS}/dry-run`,
    name: 'dry-run on own tenant',
    method: 'POST',
    url: () => `${RUNS}/dry-run`,
    body: (w) => aRun(w, { run_id: 'probe', status: 'succeeded', outputs: { summary: 'probe' } }),
    expect: [200],
  },
  {
    route: `POST ${RUNS}/:run_id/dry-run`,
    name: "dry-run B's run naming B",
    method: 'POST',
    url: (w) => `${RUNS}/${w.runB}/dry-run`,
    body: (w) => ({ tenant_id: w.b }),
    expect: [403],
    code: 'tenant_mismatch',
  },
  {
    route: `POST ${RUNS}/:run_id/dry-run`,
    name: "dry-run B's run on own tenant",
    method: 'POST',
    url: (w) => `${RUNS}/${w.runB}/dry-run`,
    body: () => ({}),
    expect: [404],
    code: 'run_not_found',
  },
  {
    route: 'GET /api/v1/update-rules',
    name: 'rules in force (not tenant data)',
    method: 'GET',
    url: () => '/api/v1/update-rules',
    expect: [200, 403],
  },
  {
    route: 'POST /api/v1/update-rules/reload',
    name: 'rules reload (not tenant data)',
    method: 'POST',
    url: () => '/api/v1/update-rules/reload',
    expect: [200, 403],
  },
];

const LATER_ROWS: Row[] = [
  ...RBAC_ROWS,
  ...FLAG_ROWS,
  ...MEMORY_ROWS,
  ...MCP_ROWS,
  ...PROXY_ROWS,
  ...EXTRACTION_ROWS,
  ...DRIFT_ROWS,
  ...RUN_ROWS,
];

const MATRIX = [...PIN_ROWS, ...ADMIN_ROWS, ...LATER_ROWS];

const ALLOW_ALL = { allowed: true, policyAllows: true, enforced: true, reason: 'test_allow_all' };

describe('tenant isolation matrix', () => {
  let t: TestApp;
  let w: World;
  let base: string;

  async function snapshotB(): Promise<unknown> {
    const pins = await t.database.db.query(
      'SELECT key, value, updated_at FROM memory_pins WHERE tenant_id = $1 ORDER BY key',
      [w.b],
    );
    const tenant = await t.database.db.query('SELECT name, plan, status, quotas FROM tenants WHERE id = $1', [w.b]);
    const keys = await t.database.db.query('SELECT id, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id', [
      w.b,
    ]);
    const usage = await t.database.db.query('SELECT pins FROM tenant_usage WHERE tenant_id = $1', [w.b]);
    const memories = await t.database.db.query(
      'SELECT id, content, importance, metadata, updated_at FROM memories WHERE tenant_id = $1 ORDER BY id',
      [w.b],
    );
    const namespaces = await t.database.db.query(
      'SELECT name, default_token_budget, updated_at FROM namespaces WHERE tenant_id = $1',
      [w.b],
    );
    const relations = await t.database.db.query(
      'SELECT from_id, to_id, relation FROM memory_relations WHERE tenant_id = $1 ORDER BY 1, 2, 3',
      [w.b],
    );
    const drift = await t.database.db.query(
      'SELECT id, workflow_id, score, baseline, augmented FROM drift_comparisons WHERE tenant_id = $1 ORDER BY id',
      [w.b],
    );
    const flags = await t.database.db.query(
      'SELECT flag, enabled, updated_at FROM tenant_feature_flags WHERE tenant_id = $1 ORDER BY flag',
      [w.b],
    );
    const runs = await t.database.db.query(
      'SELECT run_id, workflow_id, status, outputs, body_hash FROM workflow_runs WHERE tenant_id = $1 ORDER BY run_id',
      [w.b],
    );
    const applications = await t.database.db.query(
      'SELECT run_id, rule_id, status, changes FROM rule_applications WHERE tenant_id = $1 ORDER BY 1, 2',
      [w.b],
    );
    return { pins, tenant, keys, usage, memories, namespaces, relations, drift, flags, runs, applications };
  }

  let upstream: FakeOpenAiUpstream;

  beforeAll(async () => {
    upstream = await startFakeOpenAiUpstream();
    upstream.echoMessages = true;
    t = await startTestApp({
      queue: 'inline',
      env: {
        ENGRAM_ADMIN_TOKEN: 'isolation-admin-token-0123456789',
        // The matrix sends more than a plan's requests per minute with one key; limits are tested elsewhere.
        RATE_LIMIT_ENABLED: 'false',
        PROXY_UPSTREAM_URL: upstream.url,
        MEMORY_CONTEXT_INJECTION: 'true',
        PROXY_MEMORY_TIMEOUT_MS: '5000',
        DRIFT_DETECTION_ENABLED: 'true',
        // Post-run updates on: A's runs go through the committed update rules, and B's data stays as it was.
        MEMORY_POST_UPDATE: 'true',
      },
    });
    const a = await newTenant(t);
    const b = await newTenant(t);
    const markerB = `B-SECRET-${randomBytes(6).toString('hex')}`;
    const admin = adminHeaders(t);
    for (const [tenant, value] of [
      [a, 'A-value'],
      [b, markerB],
    ]) {
      for (const key of ['secret:1', 'secret:2', 'secret:3']) {
        await t.request('POST', PINS, { tenant_id: tenant, key, value }, admin);
      }
    }
    await t.request('POST', PINS, { tenant_id: b, key: 'only-b', value: markerB, ttl_seconds: 1 }, admin);
    await t.database.db.query(
      `UPDATE memory_pins SET expires_at = now() - interval '1 hour' WHERE tenant_id = $1 AND key = 'only-b'`,
      [b],
    );
    await t.request('POST', PINS, { tenant_id: b, key: 'only-b', value: markerB }, admin);
    const cursorA = (await t.request('GET', `${PINS}?tenant_id=${a}&limit=1`, undefined, admin)).body.next_cursor;
    const cursorB = (await t.request('GET', `${PINS}?tenant_id=${b}&limit=1`, undefined, admin)).body.next_cursor;
    const memoryB = await t.request(
      'POST',
      '/api/v1/memories',
      {
        tenant_id: b,
        namespace: 'shared',
        create_namespace: true,
        content: `${markerB} launch codes`,
        importance: 1,
        session_id: ISOLATION_SESSION,
      },
      admin,
    );
    const memoryB2 = await t.request(
      'POST',
      '/api/v1/memories',
      { tenant_id: b, namespace: 'shared', content: `second ${markerB} memory` },
      admin,
    );
    const driftB = await t.request(
      'POST',
      DRIFT,
      driftBody({ tenant_id: b, augmented: { output: { answer: 'probe' }, metadata: { note: markerB } } }),
      admin,
    );
    expect([memoryB.status, memoryB2.status, driftB.status]).toEqual([201, 201, 201]);
    const jobB = await t.request(
      'POST',
      '/api/v1/extractions',
      { tenant_id: b, namespace: 'shared', message_ids: [memoryB.body.id] },
      admin,
    );
    expect(jobB.status).toBe(202);
    await newNamespace(t, a, A_NAMESPACE);
    const override = await t.request('PUT', `${ADMIN}/${b}/flags/chaos_allowed`, { enabled: true }, admin);
    expect(override.status).toBe(200);
    const runsB: string[] = [];
    for (const runId of ['secret-run-b', 'secret-run-b-written']) {
      const recorded = await t.request(
        'POST',
        '/api/v1/runs',
        {
          tenant_id: b,
          run_id: runId,
          workflow_id: 'secret-workflow',
          status: 'succeeded',
          outputs: { summary: markerB },
          started_at: '2026-01-01T00:00:00Z',
          finished_at: '2026-01-01T00:01:00Z',
        },
        admin,
      );
      expect(recorded.status).toBe(201);
      runsB.push(recorded.body.run_id);
    }
    w = {
      a,
      b,
      memoryB: memoryB.body.id,
      memoryB2: memoryB2.body.id,
      jobB: jobB.body.id,
      driftB: driftB.body.id,
      runB: runsB[0],
      runBWritten: runsB[1],
      keyA: await newApiKey(t, a, { role: 'machine' }),
      keyB: await newApiKey(t, b, { role: 'machine' }),
      cursorA,
      cursorB,
      markerB,
    };
    expect(cursorA).toBeTruthy();
    expect(cursorB).toBeTruthy();
    base = await t.listen();
  });
  afterAll(async () => {
    await t.close();
    await upstream?.close();
  });

  it("never applies B's flag override to A", async () => {
    const own = await t.request('GET', FLAGS, undefined, w.keyA.headers);
    expect(own.body.flags.chaos_allowed).toEqual({ enabled: false, source: 'file', tenant_override: null });
  });

  it('has a row for every registered route', () => {
    const covered = new Set(MATRIX.map((row) => row.route));
    const missing = registeredRoutes(t.app)
      .map((route) => route.id)
      .filter((id) => !PUBLIC_ROUTES.has(id) && !covered.has(id));
    expect(missing).toEqual([]);
  });

  for (const policy of ['role matrix', 'allow-all authorizer'] as const) {
    describe(`under the ${policy}`, () => {
      let restore: (() => void) | undefined;
      beforeAll(() => {
        if (policy === 'allow-all authorizer') {
          const spy = jest.spyOn(t.app.get(Authorizer), 'authorize').mockReturnValue(ALLOW_ALL);
          restore = () => spy.mockRestore();
        }
      });
      afterAll(() => restore?.());

      it.each(MATRIX.map((row) => [`${row.route} — ${row.name}`, row] as const))('%s', async (_label, row) => {
        const before = await snapshotB();
        for (const headers of [w.keyA.headers, { authorization: `Bearer ${w.keyA.key}` }]) {
          const response: TestResponse = await t.request(row.method, row.url(w), row.body?.(w), {
            ...headers,
            ...(typeof row.headers === 'function' ? row.headers(w) : row.headers),
          });
          const outcome = { status: response.status, code: response.body?.error?.code as string | undefined };
          expect({ ...outcome, allowed: row.expect.includes(outcome.status) }).toMatchObject({
            allowed: true,
            ...(row.code === undefined ? {} : { code: row.code }),
          });
          expect(response.text).not.toContain(w.markerB);
          if (response.status < 300) {
            // Error bodies may echo the tenant the caller named; a success must not mention B at all.
            expect(response.text).not.toContain(w.b);
          }
        }
        expect(await snapshotB()).toEqual(before);
      });

      describe('over MCP', () => {
        let own: Client;
        let namingB: Client;
        beforeAll(async () => {
          own = await mcpClient(base, w.keyA.headers);
          namingB = await mcpClient(base, { authorization: `Bearer ${w.keyA.key}` }, `?tenant_id=${w.b}`);
        });
        afterAll(async () => {
          await own?.close();
          await namingB?.close();
        });

        it.each(MCP_ISOLATION_CASES.map((c) => [c.name, c] as const))('%s', async (_label, c) => {
          const before = await snapshotB();
          const ctx = memoryContext(w, undefined);
          const onOwn = await mcpOutcome(own, c, ctx);
          // 'forbidden' where the role lacks the action (machine keys do not delete).
          expect({ allowed: [c.expectedCode, 'forbidden'].includes(onOwn.code) }).toEqual({ allowed: true });
          expect(leaks(ctx, onOwn.code === undefined ? 200 : 404, onOwn.text)).toBe(false);
          if (onOwn.code === undefined) {
            expect(onOwn.text).not.toContain(w.b);
          }
          const named = await mcpOutcome(namingB, c, ctx);
          expect({ named: ['tenant_mismatch', 'forbidden'].includes(named.code ?? 'success') }).toEqual({
            named: true,
          });
          expect(named.text).not.toContain(w.markerB);
          expect(await snapshotB()).toEqual(before);
        });
      });
    });
  }

  it("never sent B's memories upstream through the proxy", () => {
    const proxied = upstream.requests.filter((request) => request.path === '/chat/completions');
    // Two credentials × two policies × the rows that reach the upstream.
    expect(proxied.length).toBeGreaterThanOrEqual(8);
    expect(JSON.stringify(proxied.map((request) => request.body))).not.toContain(w.markerB);
  });

  it('has an MCP case for every tool, resource and prompt', async () => {
    const client = await mcpClient(base, w.keyA.headers);
    try {
      const tools = new Set(MCP_ISOLATION_CASES.flatMap((c) => ('tool' in c ? [c.tool] : [])));
      expect(TOOL_NAMES.filter((name) => !tools.has(name))).toEqual([]);
      const prompts = new Set(MCP_ISOLATION_CASES.flatMap((c) => ('prompt' in c ? [c.prompt] : [])));
      expect((await client.listPrompts()).prompts.map((p) => p.name).filter((name) => !prompts.has(name))).toEqual([]);
      const uris = MCP_ISOLATION_CASES.flatMap((c) =>
        'resource' in c ? [c.resource(memoryContext(w, undefined))] : [],
      );
      for (const template of (await client.listResourceTemplates()).resourceTemplates) {
        const pattern = new RegExp(`^${template.uriTemplate.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        expect({ template: template.uriTemplate, covered: uris.some((uri) => pattern.test(uri)) }).toMatchObject({
          covered: true,
        });
      }
      expect(uris).toContain('engram://namespaces');
    } finally {
      await client.close();
    }
  });
});

async function mcpClient(base: string, headers: Record<string, string>, query = ''): Promise<Client> {
  const client = new Client({ name: 'isolation-probe', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp${query}`), { requestInit: { headers } }));
  return client;
}

/** Engram's code of the answer (undefined for a success) and everything the caller got to see. */
async function mcpOutcome(
  client: Client,
  c: McpIsolationCase,
  ctx: IsolationContext,
): Promise<{ code: string | undefined; text: string }> {
  try {
    if ('tool' in c) {
      const result = await client.callTool({ name: c.tool, arguments: c.args(ctx) });
      const code = result.isError ? (result.structuredContent as { code?: string } | undefined)?.code : undefined;
      return { code: result.isError ? (code ?? 'no_code') : undefined, text: JSON.stringify(result) };
    }
    const result =
      'resource' in c
        ? await client.readResource({ uri: c.resource(ctx) })
        : await client.getPrompt({ name: c.prompt, arguments: c.args(ctx) });
    return { code: undefined, text: JSON.stringify(result) };
  } catch (error) {
    const data = (error as { data?: { code?: string } }).data;
    return { code: data?.code ?? `unexpected: ${String(error)}`, text: `${String(error)} ${JSON.stringify(data)}` };
  }
}

/**
 * Within one tenant: a key bound to user U (and one bound to agent G) against another user's
 * memory, on every memory read and write path. Reads find nothing of the other user's (404 or
 * an answer without it), writes naming the other user are 403 scope_mismatch, and the other
 * user's memory is unchanged afterwards. Enforced in the query layer (docs/conversations.md).
 */
describe('user and agent scope binding within a tenant', () => {
  let t: TestApp;
  let tenant: string;
  let userKey: NewApiKey;
  let agentKey: NewApiKey;
  let other: { id: string; second: string };
  let mineId: string;
  const marker = `OTHER-USER-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: 'scope-isolation-admin-token-0123456789' } });
    tenant = await newTenant(t);
    await newNamespace(t, tenant, 'shared');
    const admin = adminHeaders(t);
    const write = (content: string) =>
      t.request(
        'POST',
        '/api/v1/memories',
        {
          tenant_id: tenant,
          namespace: 'shared',
          content,
          user_id: 'other',
          agent_id: 'other-agent',
          session_id: 'other-s',
        },
        admin,
      );
    const first = await write(`${marker} launch codes`);
    const second = await write(`second ${marker} memory`);
    expect([first.status, second.status]).toEqual([201, 201]);
    other = { id: first.body.id, second: second.body.id };
    userKey = await newApiKey(t, tenant, { role: 'agent', user_id: 'me' });
    agentKey = await newApiKey(t, tenant, { role: 'agent', agent_id: 'my-agent' });
    const mine = await t.request(
      'POST',
      '/api/v1/memories',
      { namespace: 'shared', content: 'my own note' },
      userKey.headers,
    );
    expect(mine.status).toBe(201);
    mineId = mine.body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const snapshot = () =>
    t.database.db.crossTenant((tx) =>
      tx.query(
        `SELECT id, content, tags, importance, user_id, agent_id, updated_at FROM memories
          WHERE tenant_id = $1 AND user_id = 'other' ORDER BY id`,
        [tenant],
      ),
    );

  const rows: {
    name: string;
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    url: () => string;
    body?: () => unknown;
    expect: number;
    code?: string;
  }[] = [
    { name: 'get', method: 'GET', url: () => `/api/v1/memories/${other.id}`, expect: 404, code: 'memory_not_found' },
    { name: 'list', method: 'GET', url: () => '/api/v1/memories?namespace=shared', expect: 200 },
    {
      name: 'list naming the other user',
      method: 'GET',
      url: () => '/api/v1/memories?user_id=other',
      expect: 403,
      code: 'scope_mismatch',
    },
    { name: 'list by session', method: 'GET', url: () => '/api/v1/memories?session_id=other-s', expect: 200 },
    {
      name: 'patch',
      method: 'PATCH',
      url: () => `/api/v1/memories/${other.id}`,
      body: () => ({ importance: 0.1, tags: ['pwned'] }),
      expect: 404,
      code: 'memory_not_found',
    },
    {
      name: 'delete',
      method: 'DELETE',
      url: () => `/api/v1/memories/${other.id}`,
      expect: 404,
      code: 'memory_not_found',
    },
    {
      name: 'related',
      method: 'GET',
      url: () => `/api/v1/memories/${other.id}/related`,
      expect: 404,
      code: 'memory_not_found',
    },
    {
      name: 'relate from',
      method: 'POST',
      url: () => `/api/v1/memories/${other.id}/relations`,
      body: () => ({ relations: [{ to: other.second, relation: 'about' }] }),
      expect: 404,
      code: 'memory_not_found',
    },
    {
      name: "relate its own memory to the other user's",
      method: 'POST',
      url: () => `/api/v1/memories/${mineId}/relations`,
      body: () => ({ relations: [{ to: other.id, relation: 'about' }] }),
      // relation_target_not_found for the user-bound key that wrote it; memory_not_found for the agent-bound one.
      expect: 404,
    },
    {
      name: "batch with a relation to the other user's memory",
      method: 'POST',
      url: () => '/api/v1/memories/batch',
      body: () => ({
        namespace: 'shared',
        memories: [{ content: 'probe c', relations: [{ to: other.id, relation: 'about' }] }],
      }),
      expect: 404,
      code: 'relation_target_not_found',
    },
    {
      name: 'search',
      method: 'POST',
      url: () => '/api/v1/memories/search',
      body: () => ({ namespace: 'shared', query: `${marker} launch codes` }),
      expect: 200,
    },
    {
      name: 'search related_to',
      method: 'POST',
      url: () => '/api/v1/memories/search',
      body: () => ({ namespace: 'shared', query: 'launch', related_to: other.second, related_mode: 'restrict' }),
      expect: 200,
    },
    {
      name: 'search naming the other user',
      method: 'POST',
      url: () => '/api/v1/memories/search',
      body: () => ({ namespace: 'shared', query: 'launch', filters: { user_id: 'other' } }),
      expect: 403,
      code: 'scope_mismatch',
    },
    {
      name: 'context',
      method: 'POST',
      url: () => '/api/v1/context',
      body: () => ({ namespace: 'shared', query: `${marker} launch codes` }),
      expect: 200,
    },
    {
      name: 'create as the other user',
      method: 'POST',
      url: () => '/api/v1/memories',
      body: () => ({ namespace: 'shared', content: 'probe', user_id: 'other' }),
      expect: 403,
      code: 'scope_mismatch',
    },
    {
      name: 'batch as the other user',
      method: 'POST',
      url: () => '/api/v1/memories/batch',
      body: () => ({
        namespace: 'shared',
        memories: [{ content: 'probe a' }, { content: 'probe b', user_id: 'other' }],
      }),
      expect: 403,
      code: 'scope_mismatch',
    },
    {
      name: 'conversation as the other user',
      method: 'POST',
      url: () => '/api/v1/conversations',
      body: () => ({ namespace: 'shared', user_id: 'other', messages: [{ role: 'user', content: 'probe' }] }),
      expect: 403,
      code: 'scope_mismatch',
    },
    { name: "the other user's session", method: 'GET', url: () => '/api/v1/conversations/other-s', expect: 200 },
  ];

  for (const binding of ['user', 'agent'] as const) {
    it.each(rows.map((row) => [row.name, row] as const))(`${binding}-bound key: %s`, async (_name, row) => {
      const before = await snapshot();
      const body = row.body?.() as Record<string, unknown> | undefined;
      // The agent-bound key names the other agent where the row names the other user.
      const probe =
        binding === 'agent' && body
          ? JSON.parse(JSON.stringify(body).replace(/"user_id":"other"/g, '"agent_id":"other-agent"'))
          : body;
      const url = binding === 'agent' ? row.url().replace('user_id=other', 'agent_id=other-agent') : row.url();
      const headers = binding === 'user' ? userKey.headers : agentKey.headers;
      const response = await t.request(row.method, url, probe, headers);
      expect({ status: response.status, code: response.body?.error?.code }).toMatchObject({
        status: row.expect,
        ...(row.code === undefined ? {} : { code: row.code }),
      });
      expect(response.text).not.toContain(marker);
      expect(await snapshot()).toEqual(before);
    });
  }
});
