import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TestApp, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { freePort } from '@engram/test-support/net';

/**
 * The data commands of the built CLI (`npm test` builds dist/ first) against a real server:
 * tables for people, JSON that parses for scripts, and the exit codes (2 usage, 3 the API said
 * no, 4 no server).
 */
const CLI = join(__dirname, '../../../dist/apps/cli/src/main.js');
const ADMIN_TOKEN = `admin-token-${randomBytes(12).toString('hex')}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Asynchronous: the server answers from this process. */
function engram(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('engram data commands against a real server', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let tenant: string;
  /** The command, as the operator acting for the test's tenant. */
  const run = (...args: string[]) => engram(env, ...args);
  const ok = async (...args: string[]): Promise<string> => {
    const result = await run(...args);
    expect({ args, ...result }).toMatchObject({ code: 0 });
    return result.stdout;
  };
  const parsed = async (...args: string[]) => JSON.parse(await ok(...args, '--json'));

  beforeAll(async () => {
    t = await startTestApp({ env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN } });
    tenant = uniqueTenant('cli');
    env = { ENGRAM_URL: await t.listen(), ENGRAM_TOKEN: ADMIN_TOKEN, ENGRAM_TENANT: tenant };
    await ok('tenants', 'create', tenant, '--name', 'CLI tenant', '--plan', 'standard');
  });
  afterAll(() => t?.close());

  it('--help lists the data commands and the exit codes', async () => {
    const help = await ok('--help');
    for (const command of ['memory', 'namespace', 'context', 'pins', 'tenants', 'keys', 'stats']) {
      expect(help).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(help).toContain('ENGRAM_URL');
    expect(help).toMatch(/3 +the server answered with an error/);
    expect(help).toMatch(/4 +the server could not be reached/);
    expect(await ok('memory', '--help')).toMatch(/create[\s\S]*list[\s\S]*get[\s\S]*update[\s\S]*delete[\s\S]*search/);
  });

  it('namespace create, list, get, update, delete', async () => {
    expect(await parsed('namespace', 'create', 'scratch', '--description', 'a place', '--budget', '800')).toMatchObject(
      {
        name: 'scratch',
        tenant_id: tenant,
        default_token_budget: 800,
      },
    );
    const table = await ok('namespace', 'list');
    expect(table.split('\n')[0]).toMatch(/^NAME +MEMORIES +BUDGET +MODEL/);
    expect(table).toMatch(/^scratch +0 +800 /m);
    expect(await ok('namespace', 'get', 'scratch')).toMatch(/^description: +a place$/m);
    expect(await parsed('namespace', 'update', 'scratch', '--retention-days', '30')).toMatchObject({
      retention_days: 30,
    });
    expect(await ok('namespace', 'delete', 'scratch')).toBe('deleted scratch\n');
    expect((await parsed('namespace', 'list')).map((ns: { name: string }) => ns.name)).not.toContain('scratch');
  });

  it('memory create, list, get, update, search, delete', async () => {
    await ok('namespace', 'create', 'notes');
    const created = await ok('memory', 'create', 'The staging database restarts at 02:00 UTC.', '-n', 'notes');
    const [, id] = /^created (\S+)\n$/.exec(created) ?? [];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ok('memory', 'create', 'The staging database restarts at 02:00 UTC.', '-n', 'notes')).toBe(
      `exists ${id}\n`,
    );
    const second = await parsed(
      'memory',
      'create',
      'Invoices go out on the first Monday.',
      '-n',
      'notes',
      '--type',
      'procedural',
      '--tags',
      'billing,monthly',
      '--importance',
      '0.8',
      '--metadata',
      '{"team":"finance"}',
    );
    expect(second).toMatchObject({ type: 'procedural', tags: ['billing', 'monthly'], metadata: { team: 'finance' } });

    const table = await ok('memory', 'list', '-n', 'notes');
    const lines = table.trim().split('\n');
    expect(lines[0]).toMatch(/^ID +NAMESPACE +TYPE +TAGS +IMPORTANCE +CREATED +CONTENT$/);
    expect(lines).toHaveLength(3);
    expect(table).toContain('billing,monthly');
    expect(
      (await parsed('memory', 'list', '-n', 'notes', '--tags', 'billing')).map((m: { id: string }) => m.id),
    ).toEqual([second.id]);

    expect(await ok('memory', 'get', id)).toMatch(/^content: +The staging database restarts at 02:00 UTC\.$/m);
    expect(await parsed('memory', 'update', id, '--importance', '0.1', '--tags', 'ops')).toMatchObject({
      id,
      importance: 0.1,
      tags: ['ops'],
    });

    const search = await parsed('memory', 'search', 'when does staging restart', '-n', 'notes', '-k', '1');
    expect(search.results.map((r: { memory: { id: string } }) => r.memory.id)).toEqual([id]);
    expect(await ok('memory', 'search', 'invoices', '-n', 'notes')).toMatch(
      /^SCORE +ID +NAMESPACE +TYPE +CONTENT\n[\d.]+ +\S+ +notes +procedural +Invoices/,
    );

    await ok('namespace', 'create', 'more-notes');
    await ok('memory', 'create', 'Staging restarts are announced in the ops channel.', '-n', 'more-notes');
    const across = await parsed('memory', 'search', 'staging restarts', '-n', 'notes,more-notes');
    const namespaces = new Set(across.results.map((r: { memory: { namespace: string } }) => r.memory.namespace));
    expect([...namespaces].sort()).toEqual(['more-notes', 'notes']);

    expect(await ok('memory', 'delete', id)).toBe(`deleted ${id}\n`);
    const gone = await run('memory', 'get', id);
    expect(gone.code).toBe(3);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toMatch(/^engram: memory_not_found: .*\(HTTP 404, request id \S+\)/);
  });

  it('memory list pages: one page with a hint on stderr, --all follows the cursors', async () => {
    await ok('namespace', 'create', 'many');
    for (const n of [1, 2, 3]) {
      await ok('memory', 'create', `entry ${n}`, '-n', 'many');
    }
    const first = await run('memory', 'list', '-n', 'many', '--limit', '2', '--json');
    expect(JSON.parse(first.stdout)).toHaveLength(2);
    const [, cursor] = /^more: --cursor (\S+) \(or --all\)$/m.exec(first.stderr) ?? [];
    expect(cursor).toBeDefined();
    expect(await parsed('memory', 'list', '-n', 'many', '--limit', '2', '--cursor', cursor)).toHaveLength(1);
    expect(await parsed('memory', 'list', '-n', 'many', '--limit', '2', '--all')).toHaveLength(3);
  });

  it('context prints the text on stdout and the zone statistics on stderr', async () => {
    await ok('namespace', 'create', 'ctx');
    await ok(
      'memory',
      'create',
      'Deploys are frozen during the last week of December.',
      '-n',
      'ctx',
      '--importance',
      '1',
    );
    await ok('pins', 'set', 'policy:freeze', '{"december": true}');
    const result = await run('context', 'when are deploys frozen?', '-n', 'ctx', '-b', '300', '--pins', 'policy:');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Deploys are frozen during the last week of December.');
    expect(result.stdout).toContain('policy:freeze');
    expect(result.stderr).toMatch(/^ZONE +BUDGET +USED$/m);
    expect(result.stderr).toMatch(/^critical +\d+ +\d+$/m);
    expect(result.stderr).toMatch(/^tokens used: \d+ of 300; blocks: 2; considered: \d+; skipped: 0$/m);
    const json = await parsed('context', 'when are deploys frozen?', '-n', 'ctx', '-b', '300');
    expect(json.tokens_used).toBeLessThanOrEqual(300);
    expect(Object.keys(json.zones).sort()).toEqual(['critical', 'middle', 'recency']);
  });

  it('pins set, get, list, delete', async () => {
    expect(await parsed('pins', 'set', 'config:limits', '{"rpm": 600}', '--ttl', '3600')).toMatchObject({
      key: 'config:limits',
      value: { rpm: 600 },
      expires_at: expect.any(String),
    });
    await ok('pins', 'set', 'config:name', '"engram"');
    expect(await ok('pins', 'get', 'config:name')).toMatch(/^value: +"engram"$/m);
    const table = await ok('pins', 'list', '--prefix', 'config:');
    expect(table).toMatch(/^KEY +VALUE +EXPIRES +UPDATED\nconfig:limits +\{"rpm":600\} +\d{4}-/);
    expect((await parsed('pins', 'list', '--prefix', 'config:')).map((pin: { key: string }) => pin.key)).toEqual([
      'config:limits',
      'config:name',
    ]);
    expect(await ok('pins', 'delete', 'config:name')).toBe('deleted config:name\n');
    expect((await run('pins', 'get', 'config:name')).code).toBe(3);
  });

  it('tenants, keys and stats', async () => {
    const other = uniqueTenant('cli-other');
    expect(
      await parsed('tenants', 'create', other, '--name', 'Other', '--plan', 'free', '--max-pins', '5'),
    ).toMatchObject({
      id: other,
      plan: 'free',
      quotas: { max_pins: 5 },
    });
    expect(await ok('tenants', 'list', '--all')).toMatch(new RegExp(`^${other} +Other +free +active `, 'm'));
    expect(await parsed('tenants', 'get', other)).toMatchObject({ id: other, status: 'active' });
    expect(await parsed('tenants', 'update', other, '--name', 'Renamed')).toMatchObject({ name: 'Renamed' });
    expect(await parsed('tenants', 'suspend', other)).toMatchObject({ status: 'suspended' });
    expect(await parsed('tenants', 'activate', other)).toMatchObject({ status: 'active' });
    expect(await parsed('tenants', 'usage', other)).toMatchObject({ tenant_id: other, usage: { pins: 0 } });

    const key = await parsed('keys', 'create', other, '--name', 'bot', '--role', 'machine');
    expect(key.key).toMatch(/^eng_/);
    const keys = await ok('keys', 'list', other);
    expect(keys).toMatch(/^ID +NAME +ROLE +PREFIX +SCOPES +CREATED +EXPIRES +REVOKED$/m);
    expect(keys).toContain(key.id);
    expect(keys).not.toContain(key.key);
    // The new key works through the CLI, for its own tenant.
    const asBot = { ENGRAM_URL: env.ENGRAM_URL, ENGRAM_TOKEN: key.key };
    expect(JSON.parse((await engram(asBot, 'pins', 'set', 'hello', '1', '--json')).stdout)).toMatchObject({
      tenant_id: other,
    });
    expect(await ok('keys', 'revoke', other, key.id)).toBe(`revoked ${key.id}\n`);
    const revoked = await engram(asBot, 'pins', 'list');
    expect(revoked.code).toBe(3);
    expect(revoked.stderr).toContain('revoked_credentials');

    const stats = await ok('stats', '--tenant', other);
    expect(stats).toMatch(new RegExp(`^tenant ${other} \\(plan free\\)$`, 'm'));
    expect(stats).toMatch(/^pins +1 +5$/m);
    expect(stats).toMatch(/^memories +0 +\S+$/m);
    expect(await parsed('stats')).toMatchObject({ tenant_id: tenant });
    expect(await parsed('tenants', 'delete', other)).toMatchObject({ status: 'pending_deletion' });
  });

  describe('exit codes', () => {
    it('2: bad usage (unknown option, a missing required option, a value that does not parse)', async () => {
      for (const args of [
        ['memory', 'list', '--no-such-option'],
        ['memory', 'create', 'text'],
        ['memory', 'search', 'no namespace given'],
        ['pins', 'set', 'k', 'not json'],
        ['memory', 'list', '--limit', 'ten'],
        ['memory', 'create', 'x', '-n', 'notes', '--type', 'dream'],
        ['nonsense'],
      ]) {
        const result = await run(...args);
        expect({ args, code: result.code }).toEqual({ args, code: 2 });
        expect(result.stderr).toMatch(/^error: /m);
      }
    });

    it('3: the API answered with an error (404, 400, 401, 403)', async () => {
      const missing = await run('pins', 'get', 'no:such:pin');
      expect(missing).toMatchObject({ code: 3, stdout: '' });
      expect(missing.stderr).toContain('pin_not_found');
      const invalid = await run('memory', 'create', 'x', '-n', 'notes', '--importance', '7');
      expect(invalid.code).toBe(3);
      expect(invalid.stderr).toMatch(/invalid_importance.*HTTP 400/);
      expect(invalid.stderr).toMatch(/details: \{"path":\["importance"\]/);
      const unauthenticated = await engram({ ...env, ENGRAM_TOKEN: 'not-the-admin-token' }, 'namespace', 'list');
      expect(unauthenticated.code).toBe(3);
      expect(unauthenticated.stderr).toMatch(/unknown_credentials.*HTTP 401/);
    });

    it('4: no server answers (after the retries)', async () => {
      const port = await freePort();
      const result = await engram({ ENGRAM_URL: `http://127.0.0.1:${port}` }, 'namespace', 'list');
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(new RegExp(`^engram: cannot reach http://127.0.0.1:${port} .*ECONNREFUSED`));
      const flag = await engram({}, 'pins', 'list', '--server', `http://127.0.0.1:${port}`, '--timeout', '1');
      expect(flag.code).toBe(4);
    });
  });
});
