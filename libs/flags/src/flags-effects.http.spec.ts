import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { FlagsDir, flagsDir, flagsFileWith } from '@engram/test-support/flags-file';
import { adminHeaders, newApiKey, newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';

/** What each flag this lib wires does when it is off (or on), for the platform and for one tenant. */

const TOKEN = `flags-effects-${randomBytes(12).toString('hex')}`;
const PINS = '/api/v1/memory/pins';
const tenantFlag = (tenant: string, flag: string) => `/api/v1/admin/tenants/${tenant}/flags/${flag}`;

async function mcpClient(base: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'flags-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
  return client;
}

interface AuditRow {
  tenant_id: string;
  decision: string;
  enforced: boolean;
  resource: string;
  action: string;
}

const auditRowFor = (t: TestApp, requestId: string): Promise<AuditRow> =>
  eventually(async () => {
    const rows = await ownerQuery<AuditRow>(t, 'SELECT * FROM rbac_audit WHERE request_id = $1', [requestId]);
    return rows[0];
  });

describe('memory_pins_enabled', () => {
  let t: TestApp;
  let dir: FlagsDir;
  let base: string;
  let admin: Record<string, string>;
  let off: string;
  let on: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = flagsDir();
    t = await startTestApp({ queue: 'inline', env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN }) });
    base = await t.listen();
    admin = adminHeaders(t);
    off = await newTenant(t);
    on = await newTenant(t);
    for (const tenant of [off, on]) {
      expect((await t.request('POST', PINS, { tenant_id: tenant, key: 'config:a', value: 1 }, admin)).status).toBe(201);
      await newNamespace(t, tenant, 'notes');
    }
    expect((await t.request('PUT', tenantFlag(off, 'memory_pins_enabled'), { enabled: false }, admin)).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await t?.close();
    dir.remove();
  });

  it("off for one tenant: its pin routes answer 403 feature_disabled, the other tenant's work", async () => {
    const refused = [
      await t.request('POST', PINS, { tenant_id: off, key: 'config:b', value: 2 }, admin),
      await t.request('GET', `${PINS}/config:a?tenant_id=${off}`, undefined, admin),
      await t.request('GET', `${PINS}?tenant_id=${off}`, undefined, admin),
      await t.request('DELETE', `${PINS}/config:a?tenant_id=${off}`, undefined, admin),
    ];
    for (const response of refused) {
      expect({ status: response.status, error: response.body.error }).toMatchObject({
        status: 403,
        error: { code: 'feature_disabled', details: { flag: 'memory_pins_enabled' } },
      });
    }
    // Nothing was written or deleted.
    const rows = await ownerQuery<{ key: string }>(t, 'SELECT key FROM memory_pins WHERE tenant_id = $1', [off]);
    expect(rows.map((row) => row.key)).toEqual(['config:a']);
    expect((await t.request('GET', `${PINS}/config:a?tenant_id=${on}`, undefined, admin)).status).toBe(200);
    expect((await t.request('POST', PINS, { tenant_id: on, key: 'config:b', value: 2 }, admin)).status).toBe(201);
  });

  it('off for one tenant: its MCP pin tools refuse with feature_disabled', async () => {
    const offClient = await mcpClient(base, (await newApiKey(t, off, { role: 'agent' })).headers);
    const onClient = await mcpClient(base, (await newApiKey(t, on, { role: 'agent' })).headers);
    clients.push(offClient, onClient);
    for (const [name, args] of [
      ['pin_get', { key: 'config:a' }],
      ['pin_set', { key: 'config:c', value: 3 }],
      ['pin_list', {}],
    ] as const) {
      const result = (await offClient.callTool({ name, arguments: args })) as CallToolResult;
      expect({ name, isError: result.isError, code: (result.structuredContent as any)?.code }).toEqual({
        name,
        isError: true,
        code: 'feature_disabled',
      });
    }
    const allowed = (await onClient.callTool({ name: 'pin_get', arguments: { key: 'config:a' } })) as CallToolResult;
    expect(allowed.isError).toBeFalsy();
  });

  it('off for one tenant: context assembly leaves out the pinned entries and still answers', async () => {
    const ask = (tenant: string) =>
      t.request(
        'POST',
        '/api/v1/context',
        { tenant_id: tenant, query: 'q', namespace: 'notes', pin_prefixes: ['config:'] },
        admin,
      );
    const without = await ask(off);
    expect(without.status).toBe(200);
    expect(without.body.blocks.filter((block: { pin_key?: string }) => block.pin_key)).toEqual([]);
    const withPins = await ask(on);
    expect(withPins.body.blocks.map((block: { pin_key?: string }) => block.pin_key).filter(Boolean)).toContain(
      'config:a',
    );
  });

  it('off for the platform (file): every tenant is refused, and a tenant override turns it back on', async () => {
    dir.write(flagsFileWith({ memory_pins_enabled: false }, 'no-pins'));
    expect((await t.request('POST', '/api/v1/flags/reload', undefined, admin)).status).toBe(200);
    const refused = await t.request('GET', `${PINS}/config:a?tenant_id=${on}`, undefined, admin);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('feature_disabled');
    expect((await t.request('PUT', tenantFlag(off, 'memory_pins_enabled'), { enabled: true }, admin)).status).toBe(200);
    expect((await t.request('GET', `${PINS}/config:a?tenant_id=${off}`, undefined, admin)).status).toBe(200);
    dir.write(flagsFileWith({}, 'pins'));
    await t.request('POST', '/api/v1/flags/reload', undefined, admin);
    expect((await t.request('GET', `${PINS}/config:a?tenant_id=${on}`, undefined, admin)).status).toBe(200);
  });
});

describe('rbac_enforce', () => {
  let t: TestApp | undefined;
  let dir: FlagsDir;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    dir.remove();
  });

  it('off for the platform (file): a denied request goes through, audited and counted as would_deny', async () => {
    dir = flagsDir(flagsFileWith({ rbac_enforce: false }));
    t = await startTestApp({ queue: 'inline', env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN }) });
    const tenant = await newTenant(t);
    const reader = await newApiKey(t, tenant, { role: 'readonly' });
    const write = await t.request('POST', PINS, { key: 'shadowed', value: 1 }, reader.headers);
    expect(write.status).toBe(201);
    expect(await auditRowFor(t, write.headers['x-request-id'] as string)).toMatchObject({
      tenant_id: tenant,
      resource: 'memory_pin',
      action: 'write',
      decision: 'deny',
      enforced: false,
    });
    expect((await t.request('GET', '/metrics', undefined, adminHeaders(t))).text).toContain(
      'rbac_decisions_total{resource="memory_pin",action="write",decision="would_deny",reason="no_rule"} 1',
    );
    expect((await t.request('GET', '/api/v1/rbac/info', undefined, adminHeaders(t))).body.enforce_mode).toBe('shadow');
  });

  it('RBAC_ENFORCE=false (environment) wins over the file, and turns shadow mode on', async () => {
    dir = flagsDir(flagsFileWith({ rbac_enforce: true }));
    t = await startTestApp({ queue: 'inline', env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN, RBAC_ENFORCE: 'false' }) });
    const tenant = await newTenant(t);
    const reader = await newApiKey(t, tenant, { role: 'readonly' });
    expect((await t.request('POST', PINS, { key: 'shadowed', value: 1 }, reader.headers)).status).toBe(201);
    const flags = (await t.request('GET', '/api/v1/flags', undefined, adminHeaders(t))).body.flags;
    expect(flags.rbac_enforce).toMatchObject({ enabled: false, source: 'env' });
  });

  it('off for one tenant only: that tenant runs in shadow mode, the others stay enforced', async () => {
    dir = flagsDir();
    t = await startTestApp({ queue: 'inline', env: dir.env({ ENGRAM_ADMIN_TOKEN: TOKEN }) });
    const admin = adminHeaders(t);
    const shadowed = await newTenant(t);
    const enforced = await newTenant(t);
    expect((await t.request('PUT', tenantFlag(shadowed, 'rbac_enforce'), { enabled: false }, admin)).status).toBe(200);
    const shadowReader = await newApiKey(t, shadowed, { role: 'readonly' });
    const enforcedReader = await newApiKey(t, enforced, { role: 'readonly' });

    const let_through = await t.request('POST', PINS, { key: 'k', value: 1 }, shadowReader.headers);
    expect(let_through.status).toBe(201);
    expect(await auditRowFor(t, let_through.headers['x-request-id'] as string)).toMatchObject({
      tenant_id: shadowed,
      decision: 'deny',
      enforced: false,
    });
    const refused = await t.request('POST', PINS, { key: 'k', value: 1 }, enforcedReader.headers);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(await auditRowFor(t, refused.headers['x-request-id'] as string)).toMatchObject({
      tenant_id: enforced,
      decision: 'deny',
      enforced: true,
    });
    const rows = await ownerQuery(t, 'SELECT 1 FROM memory_pins WHERE tenant_id = $1', [enforced]);
    expect(rows).toEqual([]);

    // Back on: the same request is refused.
    await t.request('DELETE', tenantFlag(shadowed, 'rbac_enforce'), undefined, admin);
    expect((await t.request('POST', PINS, { key: 'k2', value: 1 }, shadowReader.headers)).status).toBe(403);
  });
});
