import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { TOOL_NAMES } from '@engram/mcp';
import { Authorizer } from '@engram/common';
import { TestApp, TestResponse, startTestApp } from '@engram/test-support/app';
import { NewApiKey, adminHeaders, newApiKey, newNamespace, newTenant } from '@engram/test-support/fixtures';
import { PUBLIC_ROUTES, registeredRoutes } from '@engram/test-support/routes';
import {
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
  /** B's recorded runs (their outputs carry markerB); A records a run of its own under the second id. */
  runB: string;
  runBWritten: string;
}

interface Row {
  route: string;
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: (w: World) => string;
  body?: (w: World) => unknown;
  headers?: Record<string, string>;
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

const LATER_ROWS: Row[] = [...RBAC_ROWS, ...MEMORY_ROWS, ...MCP_ROWS, ...RUN_ROWS];

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
    const runs = await t.database.db.query(
      'SELECT run_id, workflow_id, status, outputs, body_hash FROM workflow_runs WHERE tenant_id = $1 ORDER BY run_id',
      [w.b],
    );
    const applications = await t.database.db.query(
      'SELECT run_id, rule_id, status, changes FROM rule_applications WHERE tenant_id = $1 ORDER BY 1, 2',
      [w.b],
    );
    return { pins, tenant, keys, usage, memories, namespaces, relations, runs, applications };
  }

  beforeAll(async () => {
    // Post-run updates on: A's runs go through the committed update rules, and B's data stays as it was.
    t = await startTestApp({
      queue: 'inline',
      env: { ENGRAM_ADMIN_TOKEN: 'isolation-admin-token-0123456789', MEMORY_POST_UPDATE: 'true' },
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
      { tenant_id: b, namespace: 'shared', create_namespace: true, content: `${markerB} launch codes`, importance: 1 },
      admin,
    );
    const memoryB2 = await t.request(
      'POST',
      '/api/v1/memories',
      { tenant_id: b, namespace: 'shared', content: `second ${markerB} memory` },
      admin,
    );
    expect([memoryB.status, memoryB2.status]).toEqual([201, 201]);
    await newNamespace(t, a, A_NAMESPACE);
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
            ...row.headers,
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
