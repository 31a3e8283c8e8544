import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { newApiKey, newTenant } from '@engram/test-support/fixtures';
import { freePort } from '@engram/test-support/net';

/**
 * `engram mcp` as an MCP client starts it: the built CLI as a child process, spoken to on its
 * stdin and stdout by the SDK's own client. `npm test` builds dist/ first.
 */
const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
/** PGlite compiles Postgres from WASM at start: seconds alone, much longer on a loaded machine. */
const EMBEDDED_TIMEOUT_MS = 120_000;

interface Started {
  client: Client;
  stderr: () => string;
}

async function startCli(env: Record<string, string>): Promise<Started> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'engram-stdio-test', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`engram mcp did not start: ${String(error)}\n${stderr}`);
  }
  return { client, stderr: () => stderr };
}

async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
  return client.callTool({ name, arguments: args });
}

/** remember → recall → get_context → forget, the same on either kind of server. */
async function roundTrip(client: Client, namespace: string): Promise<void> {
  const stored = await tool(client, 'remember', {
    namespace,
    create_namespace: true,
    content: 'The staging database is rebuilt every Sunday night',
    importance: 0.8,
  });
  expect(stored.isError).toBeFalsy();
  const id = stored.structuredContent.id as string;
  const recalled = await tool(client, 'recall', { query: 'staging database rebuilt', namespace });
  expect(recalled.structuredContent.results.map((r: { memory: { id: string } }) => r.memory.id)).toContain(id);
  const context = await tool(client, 'get_context', { query: 'when is staging rebuilt', namespace });
  expect(context.content[0].text).toContain('every Sunday night');
  const forgotten = await tool(client, 'forget', { id });
  expect(forgotten.structuredContent).toEqual({ dry_run: false, deleted: [id], has_more: false });
  const again = await tool(client, 'forget', { id });
  expect(again).toMatchObject({ isError: true, structuredContent: { code: 'memory_not_found' } });
}

beforeAll(() => {
  expect(existsSync(CLI)).toBe(true);
});

describe('engram mcp against a server (ENGRAM_URL, ENGRAM_TOKEN)', () => {
  let t: TestApp;
  let url: string;
  let tenant: string;

  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: 'stdio-admin-token-0123456789abcdef' } });
    url = await t.listen();
    tenant = await newTenant(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the tools and proxies every call to the REST API, with its codes', async () => {
    const agent = await newApiKey(t, tenant, { role: 'agent' });
    const { client } = await startCli({ ENGRAM_URL: url, ENGRAM_TOKEN: agent.key });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((candidate) => candidate.name)).toContain('get_context');
      await roundTrip(client, 'ops');
      // Written through the REST API, under the key's tenant.
      const listed = await t.request('GET', '/api/v1/namespaces', undefined, agent.headers);
      expect(listed.body.namespaces.map((n: { name: string }) => n.name)).toEqual(['ops']);
      expect(await tool(client, 'remember', { namespace: 'ops', content: 'x', importance: 5 })).toMatchObject({
        isError: true,
        structuredContent: { code: 'invalid_importance' },
      });
      expect(await tool(client, 'list_memories', { namespace: 'nowhere' })).toMatchObject({
        isError: true,
        structuredContent: { code: 'namespace_not_found' },
      });
      await tool(client, 'pin_set', { key: 'feature/flags', value: { beta: true } });
      expect((await tool(client, 'pin_get', { key: 'feature/flags' })).structuredContent.value).toEqual({ beta: true });
      const stats = await client.readResource({ uri: 'engram://namespaces/ops/stats' });
      expect(JSON.parse((stats.contents[0] as { text: string }).text)).toMatchObject({ memory_count: 0 });
    } finally {
      await client.close();
    }
  });

  it("the server's RBAC decides: a readonly token's remember is forbidden", async () => {
    const readonly = await newApiKey(t, tenant, { role: 'readonly' });
    const { client } = await startCli({ ENGRAM_URL: url, ENGRAM_TOKEN: readonly.key });
    try {
      expect(await tool(client, 'remember', { namespace: 'ops', content: 'no' })).toMatchObject({
        isError: true,
        structuredContent: { code: 'forbidden', details: { resource: 'memory', action: 'write' } },
      });
      expect((await tool(client, 'pin_list', {})).isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('an unreachable server is a tool error, not a crash', async () => {
    const { client } = await startCli({ ENGRAM_URL: `http://127.0.0.1:${await freePort()}`, ENGRAM_TOKEN: 'eng_x' });
    try {
      expect(await tool(client, 'pin_list', {})).toMatchObject({
        isError: true,
        structuredContent: { code: 'service_unavailable' },
      });
    } finally {
      await client.close();
    }
  });
});

describe('engram mcp on the embedded database (no ENGRAM_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-mcp-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'starts the app in process on PGlite, serves the tools, and logs to stderr only',
    async () => {
      const started = await startCli({ ENGRAM_DATA_DIR: dataDir, LOG_LEVEL: 'info' });
      try {
        await roundTrip(started.client, 'notes');
        const { resources } = await started.client.listResources();
        expect(resources.map((r) => r.uri)).toContain('engram://namespaces/notes/stats');
        expect(started.stderr()).toMatch(/"service":"engram"/);
      } finally {
        await started.client.close();
      }
    },
    EMBEDDED_TIMEOUT_MS,
  );
});
