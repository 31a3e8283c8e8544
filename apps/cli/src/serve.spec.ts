import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@engram/test-support/app';
import { freePort } from '@engram/test-support/net';
import { stopProcess } from '@engram/test-support/cli';

/**
 * `npm start` end to end: the built CLI on an empty machine (no DATABASE_URL, no REDIS_URL)
 * serves the pins scenario on PGlite and the in-process queue, and keeps data across restarts.
 * `npm test` builds dist/ first.
 */
/** PGlite compiles Postgres from WASM at start: seconds alone, much longer on a loaded machine. */
const STARTUP_TIMEOUT_MS = 60_000;
const CLI = join(__dirname, '../../../dist/apps/cli/src/main.js');

function serve(dataDir: string, port: number, extraEnv: Record<string, string> = {}): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ENGRAM_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  return spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('engram serve (embedded default)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'answers the pins scenario with nothing else installed, and keeps pins across a restart',
    async () => {
      expect(existsSync(CLI)).toBe(true);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      let child = serve(dataDir, port);
      try {
        await eventually(
          async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) })).ok,
          STARTUP_TIMEOUT_MS,
          200,
        );
        const ready = await json(`${base}/ready`);
        expect(ready.body.details.queue.driver).toBe('inline');

        const put = await json(`${base}/api/v1/memory/pins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ key: 'system:version', value: { version: '1.0.0' }, ttl_seconds: 3600 }),
        });
        expect(put.status).toBe(201);
        expect((await json(`${base}/api/v1/memory/pins/system:version`)).body.value).toEqual({ version: '1.0.0' });
        expect((await json(`${base}/api/v1/memory/pins`)).body.total).toBe(1);
        expect(await stopProcess(child)).toBe(0);

        child = serve(dataDir, port);
        await eventually(
          async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) })).ok,
          STARTUP_TIMEOUT_MS,
          200,
        );
        const again = await json(`${base}/api/v1/memory/pins/system:version`);
        expect(again.body.id).toBe(put.body.id);
      } finally {
        await stopProcess(child);
      }
      expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    },
    3 * STARTUP_TIMEOUT_MS,
  );

  it('refuses to start with a bad configuration, listing every bad key, exit code 2', async () => {
    const { code, stderr } = await runToExit({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('LOG_LEVEL');
  });

  it.each(['serve', 'api'])(
    '`engram %s` on a port already in use prints one line and exits 2',
    async (command) => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const port = (holder.address() as AddressInfo).port;
      const data = mkdtempSync(join(tmpdir(), 'engram-busy-'));
      try {
        const { code, stderr } = await runToExit(
          { ENGRAM_DATA_DIR: data, PORT: String(port), LOG_LEVEL: 'warn' },
          command,
        );
        expect(code).toBe(2);
        expect(stderr.trim().split('\n')).toEqual([
          `engram: cannot listen on 127.0.0.1:${port}: the port is already in use (set PORT, or stop what holds it)`,
        ]);
      } finally {
        holder.close();
        rmSync(data, { recursive: true, force: true });
      }
    },
    STARTUP_TIMEOUT_MS,
  );

  it('refuses to listen beyond loopback without an admin token', async () => {
    const { code, stderr } = await runToExit({ HOST: '0.0.0.0', ENGRAM_DATA_DIR: dataDir });
    expect(code).toBe(2);
    expect(stderr).toContain('ENGRAM_ADMIN_TOKEN');
  });
});

async function runToExit(
  env: Record<string, string>,
  command = 'serve',
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, command], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}
