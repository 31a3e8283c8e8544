import { randomBytes } from 'node:crypto';
import { ModulesContainer } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PERMISSION_KEY } from '@engram/common';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { NewApiKey, adminHeaders, newApiKey, newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { OPERATION_ROUTES } from './engram-operations';
import { TOOL_NAMES } from './mcp.tools';

/** MCP over streamable HTTP at /mcp on a real server (Postgres, the inline queue), with the SDK's own client. */

const ADMIN_TOKEN = `mcp-admin-${randomBytes(12).toString('hex')}`;

async function connect(base: string, headers: Record<string, string>, query = ''): Promise<Client> {
  const client = new Client({ name: 'engram-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp${query}`), { requestInit: { headers } }));
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function text(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

function structured(result: CallToolResult | Awaited<ReturnType<Client['callTool']>>): any {
  return result.structuredContent;
}

function expectToolError(result: CallToolResult, code: string): void {
  expect({ isError: result.isError, code: structured(result)?.code }).toEqual({ isError: true, code });
  expect(text(result).startsWith(`${code}: `)).toBe(true);
}

describe('MCP over streamable HTTP', () => {
  let t: TestApp;
  let base: string;
  let tenant: string;
  let agent: NewApiKey;
  let client: Client;

  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN } });
    base = await t.listen();
    tenant = await newTenant(t);
    agent = await newApiKey(t, tenant, { role: 'agent' });
    client = await connect(base, agent.headers);
  });
  afterAll(async () => {
    await client?.close();
    await t?.close();
  });

  it('lists the tools, each with a JSON Schema from its zod schema and without tenant_id', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOL_NAMES);
    expect(TOOL_NAMES).toEqual([
      'remember',
      'recall',
      'get_context',
      'forget',
      'list_memories',
      'update_memory',
      'supersede_memory',
      'memory_history',
      'relate',
      'pin_get',
      'pin_set',
      'pin_list',
    ]);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(80);
      expect(tool.inputSchema.type).toBe('object');
      expect(Object.keys(tool.inputSchema.properties ?? {})).not.toContain('tenant_id');
    }
    const remember = tools.find((tool) => tool.name === 'remember')!;
    expect([...(remember.inputSchema.required ?? [])].sort()).toEqual(['content', 'namespace']);
    expect(remember.inputSchema.properties).toMatchObject({
      type: { enum: ['semantic', 'episodic', 'working', 'procedural'] },
      importance: { minimum: 0, maximum: 1 },
      create_namespace: { type: 'boolean' },
    });
    expect(client.getInstructions()).toContain('remember');
  });

  it('remember → recall → get_context → forget, on the same services as REST', async () => {
    const stored = await call(client, 'remember', {
      namespace: 'travel',
      create_namespace: true,
      content: 'The user prefers aisle seats on long-haul flights',
      type: 'semantic',
      tags: ['preferences'],
      metadata: { source: 'chat' },
      importance: 0.9,
    });
    expect(stored.isError).toBeFalsy();
    const id = structured(stored).id as string;
    expect(text(stored)).toContain(id);
    expect(structured(stored)).toMatchObject({ namespace: 'travel', duplicate: false, importance: 0.9 });

    const again = await call(client, 'remember', {
      namespace: 'travel',
      content: 'The user prefers aisle seats on long-haul flights',
    });
    expect(structured(again)).toMatchObject({ id, duplicate: true });

    // The REST route sees the memory the tool wrote.
    const rest = await t.request('GET', `/api/v1/memories/${id}`, undefined, agent.headers);
    expect(rest.body).toMatchObject({ id, content: 'The user prefers aisle seats on long-haul flights' });

    const recalled = await call(client, 'recall', { query: 'aisle seat flights', namespace: 'travel' });
    expect(recalled.isError).toBeFalsy();
    expect(structured(recalled).results[0].memory.id).toBe(id);
    expect(text(recalled)).toContain(id);

    const context = await call(client, 'get_context', {
      query: 'seat preference',
      namespace: 'travel',
      token_budget: 500,
    });
    expect(context.isError).toBeFalsy();
    expect(text(context)).toContain('aisle seats');
    expect(structured(context).tokens_used).toBeLessThanOrEqual(500);

    const forgotten = await call(client, 'forget', { id });
    expect(structured(forgotten)).toEqual({ dry_run: false, deleted: [id], has_more: false });
    expect((await t.request('GET', `/api/v1/memories/${id}`, undefined, agent.headers)).status).toBe(404);
    const gone = await call(client, 'recall', { query: 'aisle seat flights', namespace: 'travel' });
    expect(structured(gone).results).toEqual([]);
    expectToolError(await call(client, 'forget', { id }), 'memory_not_found');
  });

  it('forget by filter lists first (a dry run by default), then deletes what matches', async () => {
    await newNamespace(t, tenant, 'scratch', {}, agent.headers);
    const ids: string[] = [];
    for (const content of ['draft one', 'draft two', 'draft three']) {
      ids.push(structured(await call(client, 'remember', { namespace: 'scratch', content, tags: ['draft'] })).id);
    }
    const keep = structured(await call(client, 'remember', { namespace: 'scratch', content: 'final version' })).id;

    const dry = await call(client, 'forget', { filter: { namespace: 'scratch', tags: ['draft'] } });
    expect(structured(dry).dry_run).toBe(true);
    expect(
      structured(dry)
        .matching.map((m: { id: string }) => m.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(text(dry)).toContain('dry_run: false');
    expect(
      (await t.request('GET', '/api/v1/memories?namespace=scratch', undefined, agent.headers)).body.memories,
    ).toHaveLength(4);

    const paged = await call(client, 'forget', {
      filter: { namespace: 'scratch', tags: ['draft'] },
      dry_run: false,
      limit: 2,
    });
    expect(structured(paged)).toMatchObject({ dry_run: false, has_more: true });
    expect(structured(paged).deleted).toHaveLength(2);
    const rest = await call(client, 'forget', { filter: { namespace: 'scratch', tags: ['draft'] }, dry_run: false });
    expect(structured(rest)).toMatchObject({ dry_run: false, has_more: false });
    expect([...structured(paged).deleted, ...structured(rest).deleted].sort()).toEqual([...ids].sort());
    const left = await call(client, 'list_memories', { namespace: 'scratch' });
    expect(structured(left).memories.map((m: { id: string }) => m.id)).toEqual([keep]);

    expectToolError(await call(client, 'forget', { filter: {} }), 'invalid_filter');
    expectToolError(await call(client, 'forget', { id: keep, filter: { namespace: 'scratch' } }), 'invalid_id');
  });

  it('update_memory, relate, list_memories and the pins', async () => {
    await newNamespace(t, tenant, 'work', {}, agent.headers);
    const a = structured(
      await call(client, 'remember', { namespace: 'work', content: 'Deploys happen on Tuesdays' }),
    ).id;
    const b = structured(await call(client, 'remember', { namespace: 'work', content: 'Freeze before holidays' })).id;
    const updated = await call(client, 'update_memory', {
      id: a,
      content: 'Deploys happen on Wednesdays',
      importance: 1,
    });
    expect(structured(updated)).toMatchObject({ id: a, content: 'Deploys happen on Wednesdays', importance: 1 });
    expect(
      (await call(client, 'relate', { id: a, relations: [{ to: b, relation: 'constrained_by' }] })).isError,
    ).toBeFalsy();
    const related = await t.request('GET', `/api/v1/memories/${a}/related`, undefined, agent.headers);
    expect(related.body.related.map((r: { memory: { id: string } }) => r.memory.id)).toEqual([b]);
    const listed = await call(client, 'list_memories', { namespace: 'work', limit: 1 });
    expect(structured(listed)).toMatchObject({ has_more: true });
    const next = await call(client, 'list_memories', {
      namespace: 'work',
      limit: 1,
      cursor: structured(listed).next_cursor,
    });
    expect(structured(next).memories).toHaveLength(1);

    const superseded = await call(client, 'supersede_memory', { id: b, content: 'Freeze the week before holidays' });
    const successor = structured(superseded).memory.id as string;
    expect(structured(superseded).superseded).toMatchObject({ id: b, state: 'superseded', superseded_by: successor });
    expectToolError(await call(client, 'supersede_memory', { id: b, content: 'again' }), 'memory_already_superseded');
    const active = structured(await call(client, 'list_memories', { namespace: 'work' })).memories;
    expect(active.map((m: { id: string }) => m.id).sort()).toEqual([a, successor].sort());
    const all = await call(client, 'list_memories', { namespace: 'work', include_superseded: true });
    expect(text(all)).toContain(`superseded by ${successor}`);
    const history = await call(client, 'memory_history', { id: b });
    expect(structured(history).versions.map((v: { change: string }) => v.change)).toEqual(['create', 'superseded']);
    expect(text(history)).toContain(`→ ${successor}`);

    const set = await call(client, 'pin_set', { key: 'config:deploy/day', value: { day: 'wednesday' } });
    expect(text(set)).toBe('Created pin config:deploy/day.');
    expect(text(await call(client, 'pin_set', { key: 'config:deploy/day', value: { day: 'thursday' } }))).toBe(
      'Set pin config:deploy/day.',
    );
    expect(structured(await call(client, 'pin_get', { key: 'config:deploy/day' })).value).toEqual({ day: 'thursday' });
    expect(structured(await call(client, 'pin_list', { prefix: 'config:' })).total).toBe(1);
    expectToolError(await call(client, 'pin_get', { key: 'config:absent' }), 'pin_not_found');
  });

  it('resources: the namespaces, a memory by id, a namespace’s stats', async () => {
    await newNamespace(t, tenant, 'res', {}, agent.headers);
    const id = structured(await call(client, 'remember', { namespace: 'res', content: 'resource probe' })).id;
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining(['engram://namespaces', 'engram://namespaces/res/stats']),
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((r) => r.uriTemplate)).toEqual([
      'engram://memories/{id}',
      'engram://namespaces/{name}/stats',
    ]);
    const namespaces = await client.readResource({ uri: 'engram://namespaces' });
    expect(
      JSON.parse((namespaces.contents[0] as { text: string }).text).namespaces.map((n: { name: string }) => n.name),
    ).toContain('res');
    const memory = await client.readResource({ uri: `engram://memories/${id}` });
    expect(JSON.parse((memory.contents[0] as { text: string }).text)).toMatchObject({ id, content: 'resource probe' });
    const stats = await client.readResource({ uri: 'engram://namespaces/res/stats' });
    expect(JSON.parse((stats.contents[0] as { text: string }).text)).toMatchObject({
      namespace: 'res',
      memory_count: 1,
    });
    await expect(client.readResource({ uri: `engram://memories/${randomUUIDv4()}` })).rejects.toMatchObject({
      code: -32002,
      data: { code: 'memory_not_found' },
    });
    await expect(client.readResource({ uri: 'engram://memories/not-a-uuid' })).rejects.toMatchObject({
      data: { code: 'invalid_id' },
    });
  });

  it('prompts: inject_context, summarize_memories, explore_memories', async () => {
    await newNamespace(t, tenant, 'prompts', {}, agent.headers);
    await call(client, 'remember', { namespace: 'prompts', content: 'The office wifi password rotates monthly' });
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['inject_context', 'summarize_memories', 'explore_memories']);
    const injected = await client.getPrompt({
      name: 'inject_context',
      arguments: { namespace: 'prompts', query: 'wifi password', token_budget: '300' },
    });
    expect(JSON.stringify(injected.messages)).toContain('rotates monthly');
    const summary = await client.getPrompt({ name: 'summarize_memories', arguments: { namespace: 'prompts' } });
    expect(JSON.stringify(summary.messages)).toContain('rotates monthly');
    const explore = await client.getPrompt({ name: 'explore_memories', arguments: { topic: 'wifi' } });
    expect(JSON.stringify(explore.messages)).toContain('prompts: 1 memories');
    await expect(
      client.getPrompt({
        name: 'inject_context',
        arguments: { namespace: 'prompts', query: 'x', token_budget: 'lots' },
      }),
    ).rejects.toMatchObject({ data: { code: 'invalid_token_budget' } });
    await expect(
      client.getPrompt({ name: 'inject_context', arguments: { namespace: 'nowhere', query: 'x' } }),
    ).rejects.toMatchObject({ data: { code: 'namespace_not_found' } });
  });

  it('bad input is a tool error with the field’s code, never a 5xx or a hang', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['remember', { namespace: 'travel', content: 'x', importance: 5 }, 'invalid_importance'],
      ['remember', { namespace: 'travel' }, 'missing_content'],
      ['remember', { namespace: 'bad namespace!', content: 'x' }, 'invalid_namespace'],
      ['remember', { namespace: 'travel', content: 'x', type: 'dream' }, 'invalid_type'],
      ['remember', { namespace: 'travel', content: 'x', tenant_id: 'someone-else' }, 'invalid_tenant_id'],
      ['remember', { namespace: 'travel', content: 'x', colour: 'blue' }, 'invalid_arguments'],
      ['remember', { namespace: 'no-such-namespace', content: 'x' }, 'namespace_not_found'],
      ['recall', { query: 'x' }, 'missing_namespace'],
      ['recall', { query: 'x', namespace: 'travel', namespaces: ['travel'] }, 'invalid_namespace'],
      ['recall', { query: '', namespace: 'travel' }, 'invalid_query'],
      ['get_context', { query: 'x', namespace: 'travel', token_budget: 1 }, 'invalid_token_budget'],
      ['update_memory', { id: 'nope', content: 'x' }, 'invalid_id'],
      ['update_memory', { id: randomUUIDv4(), content: 'x' }, 'memory_not_found'],
      ['relate', { id: randomUUIDv4(), relations: [] }, 'invalid_relations'],
      ['list_memories', { limit: 10_000 }, 'invalid_limit'],
      ['pin_set', { key: 'bad key', value: 1 }, 'invalid_key'],
      ['pin_get', {}, 'missing_key'],
      ['pin_list', { cursor: 'garbage' }, 'invalid_cursor'],
    ];
    for (const [tool, args, code] of cases) {
      const result = await call(client, tool, args);
      expect({ tool, args, code: structured(result)?.code, isError: result.isError }).toEqual({
        tool,
        args,
        code,
        isError: true,
      });
    }
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toMatchObject({ code: -32602 });
  });

  it('RBAC: a readonly key reads but remember is refused as forbidden, and the denial is on record at once', async () => {
    await call(client, 'remember', { namespace: 'travel', content: 'Window seats on short hops' });
    const readonly = await newApiKey(t, tenant, { role: 'readonly' });
    const reader = await connect(base, readonly.headers);
    try {
      const refused = await call(reader, 'remember', { namespace: 'travel', content: 'not allowed' });
      expectToolError(refused, 'forbidden');
      expect(structured(refused).details).toMatchObject({ resource: 'memory', action: 'write' });
      // Acknowledged implies audited: no flush needed before the denial shows.
      const denials = await ownerQuery<{ resource: string; action: string; actor: string }>(
        t,
        `SELECT resource, action, actor FROM rbac_audit WHERE tenant_id = $1 AND decision = 'deny' AND role = 'readonly'`,
        [tenant],
      );
      expect(denials).toEqual([expect.objectContaining({ resource: 'memory', action: 'write' })]);
      expect((await call(reader, 'recall', { query: 'flights', namespace: 'travel' })).isError).toBeFalsy();
      expectToolError(await call(reader, 'forget', { filter: { namespace: 'travel' }, dry_run: false }), 'forbidden');
      expectToolError(await call(reader, 'pin_set', { key: 'k', value: 1 }), 'forbidden');
    } finally {
      await reader.close();
    }
    // machine keys read and write but delete nothing, as on REST.
    const machine = await connect(base, (await newApiKey(t, tenant, { role: 'machine' })).headers);
    try {
      const id = structured(await call(machine, 'remember', { namespace: 'travel', content: 'machine wrote this' })).id;
      expectToolError(await call(machine, 'forget', { id }), 'forbidden');
    } finally {
      await machine.close();
    }
  });

  it('the agent role: its tenant’s memories and pins, deletes included, and nothing else (REST alike)', async () => {
    const id = structured(await call(client, 'remember', { namespace: 'travel', content: 'agent may delete this' })).id;
    expect((await t.request('DELETE', `/api/v1/memories/${id}`, undefined, agent.headers)).status).toBe(204);
    await call(client, 'pin_set', { key: 'agent:temp', value: 1 });
    expect((await t.request('DELETE', '/api/v1/memory/pins/agent:temp', undefined, agent.headers)).status).toBe(204);
    for (const [method, url] of [
      ['GET', '/api/v1/rbac/info'],
      ['GET', '/api/v1/admin/tenants'],
      ['GET', `/api/v1/admin/tenants/${tenant}/api-keys`],
      ['GET', '/api/v1/rbac/audit'],
    ] as const) {
      const response = await t.request(method, url, undefined, agent.headers);
      expect({ url, status: response.status, code: response.body?.error?.code }).toEqual({
        url,
        status: 403,
        code: 'forbidden',
      });
    }
  });

  it('scopes narrow per tool: a memory_pin:*-scoped key connects, sets pins, and is refused memories', async () => {
    const scoped = await connect(
      base,
      (await newApiKey(t, tenant, { role: 'agent', scopes: ['memory_pin:*'] })).headers,
    );
    try {
      expect((await call(scoped, 'pin_set', { key: 'scoped', value: true })).isError).toBeFalsy();
      expect(structured(await call(scoped, 'recall', { query: 'x', namespace: 'travel' }))).toMatchObject({
        code: 'forbidden',
        details: { reason: 'scope' },
      });
    } finally {
      await scoped.close();
    }
  });

  it('authentication is the REST one: no credential is 401, a Bearer key works, the tenant is the key’s', async () => {
    const anonymous = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(anonymous.status).toBe(401);
    expect(await errorCode(anonymous)).toBe('missing_credentials');
    const bearer = await connect(base, { authorization: `Bearer ${agent.key}` });
    try {
      expect((await call(bearer, 'pin_list', {})).isError).toBeFalsy();
    } finally {
      await bearer.close();
    }
    const other = await newTenant(t);
    const naming = await connect(base, agent.headers, `?tenant_id=${other}`);
    try {
      expectToolError(await call(naming, 'pin_list', {}), 'tenant_mismatch');
    } finally {
      await naming.close();
    }
    // An unbound credential names the tenant on the URL.
    const admin = await connect(base, adminHeaders(t), `?tenant_id=${tenant}`);
    try {
      expect(structured(await call(admin, 'pin_get', { key: 'config:deploy/day' })).tenant_id).toBe(tenant);
    } finally {
      await admin.close();
    }
  });

  it('is stateless: GET and DELETE are 405, a batch is refused, and it stays out of openapi.json', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${base}/mcp`, {
        method,
        headers: { ...agent.headers, accept: 'text/event-stream' },
      });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await errorCode(response)).toBe('method_not_allowed');
    }
    const batch = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { ...agent.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      ]),
    });
    expect(batch.status).toBe(400);
    expect(await errorCode(batch)).toBe('invalid_request');
    const document = (await t.request('GET', '/openapi.json')).body;
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/mcp'))).toEqual([]);
  });

  it('each request of a session counts against the REST rate limit', async () => {
    const limited = await newTenant(t, { quotas: { requests_per_minute: 4 } });
    const key = await newApiKey(t, limited, { role: 'agent' });
    const post = () =>
      fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { ...key.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'pin_list', arguments: {} },
        }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await post();
      statuses.push(response.status);
      if (response.status === 429) {
        expect(await errorCode(response)).toBe('rate_limited');
        expect(response.headers.get('retry-after')).toBeTruthy();
      } else {
        await response.arrayBuffer();
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('each operation carries the permission its REST route declares', () => {
    const declared = new Map<string, unknown>();
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
        if (!controller) {
          continue;
        }
        const prefix = String(Reflect.getMetadata(PATH_METADATA, controller));
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as Record<string, unknown>)[name];
          const method =
            typeof handler === 'function' ? Reflect.getMetadata(METHOD_METADATA, handler as object) : undefined;
          if (method === undefined) {
            continue;
          }
          const path = [prefix, String(Reflect.getMetadata(PATH_METADATA, handler as object))]
            .filter((part) => part !== '/' && part !== '')
            .join('/');
          declared.set(
            `${RequestMethod[method as number]} /${path}`,
            Reflect.getMetadata(PERMISSION_KEY, handler as object),
          );
        }
      }
    }
    for (const [operation, route] of Object.entries(OPERATION_ROUTES)) {
      expect({ operation, permission: declared.get(`${route.method} ${route.path}`) }).toEqual({
        operation,
        permission: route.permission,
      });
    }
  });
});

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

function randomUUIDv4(): string {
  return crypto.randomUUID();
}
