import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { newApiKey, newTenant } from '@engram/test-support/fixtures';

/** examples/mcp-session.ts, run as its header says, against a real server with an agent key. */
const ROOT = join(__dirname, '..');

function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'examples/mcp-session.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('examples/mcp-session.ts', () => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: 'example-admin-token-0123456789abcdef' } });
    url = await t.listen();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('connects, remembers, recalls and assembles context', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant, { role: 'agent' });
    const { code, stdout, stderr } = await run({ ENGRAM_URL: url, ENGRAM_API_KEY: key.key });
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('tools: remember, recall, get_context');
    expect(stdout).toMatch(/remember: Remembered as memory [0-9a-f-]{36} in example/);
    expect(stdout).toMatch(/recall:\n1 memories, best first:\n- [0-9a-f-]{36} \[example/);
    expect(stdout).toMatch(/get_context:\n[\s\S]*Ada prefers short answers with code samples/);
    const stored = await t.request('GET', '/api/v1/memories?namespace=example', undefined, key.headers);
    expect(stored.body.memories.map((m: { content: string }) => m.content)).toEqual([
      'Ada prefers short answers with code samples',
    ]);
  });

  it('says what went wrong when the key may not write', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant, { role: 'readonly' });
    const { code, stderr } = await run({ ENGRAM_URL: url, ENGRAM_API_KEY: key.key });
    expect(code).toBe(1);
    expect(stderr).toContain('remember failed: forbidden: role readonly may not write memory');
  });
});
