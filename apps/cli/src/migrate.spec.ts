import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_DIR_LOCK_FILE } from '@engram/db';
import { MIGRATIONS } from '@engram/migrations';
import { eventually } from '@engram/test-support/app';
import { CLI, Run, runCli } from '@engram/test-support/cli';
import { freePort } from '@engram/test-support/net';

/**
 * `engram migrate` on the embedded database, through the built CLI (`npm test` builds dist/
 * first): only `up` applies migrations, `status` reads without changing anything, and a `down`
 * stays down. And the data directory is one process's at a time: a `migrate` next to a running
 * `serve` is refused, a lock left by a crash is taken over.
 */
/** Each run starts PGlite from WASM: seconds alone, much longer on a loaded machine. */
const RUN_TIMEOUT_MS = 60_000;
const NAMES = MIGRATIONS.map((MigrationClass) => new MigrationClass().name);

function engram(dataDir: string, ...args: string[]): Promise<Run> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, ENGRAM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  return runCli(env, args, RUN_TIMEOUT_MS);
}

/** `migrate status` as { name: applied }, after checking the command succeeded. */
async function status(dataDir: string): Promise<Record<string, boolean>> {
  const run = await engram(dataDir, 'migrate', 'status');
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return Object.fromEntries(
    run.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const [, mark, name] = /^\[( |x)\] (\S+)$/.exec(line) ?? ['', '', line];
        return [name, mark === 'x'];
      }),
  );
}

const all = (applied: boolean) => Object.fromEntries(NAMES.map((name) => [name, applied]));

describe('engram migrate (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-migrate-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'status lists pending migrations without applying them; up applies; down reverts one and it sticks',
    async () => {
      expect(existsSync(CLI)).toBe(true);
      expect(await status(dataDir)).toEqual(all(false));
      expect(await status(dataDir)).toEqual(all(false));

      const up = await engram(dataDir, 'migrate', 'up');
      expect(up).toMatchObject({ code: 0, stdout: `applied: ${NAMES.join(', ')}\n` });
      expect(await status(dataDir)).toEqual(all(true));
      expect((await engram(dataDir, 'migrate', 'up')).stdout).toBe('up to date\n');

      const newest = NAMES[NAMES.length - 1];
      const down = await engram(dataDir, 'migrate', 'down');
      expect(down).toMatchObject({ code: 0, stdout: `reverted: ${newest}\n` });
      expect(await status(dataDir)).toEqual({ ...all(true), [newest]: false });

      const again = await engram(dataDir, 'migrate', 'up');
      expect(again).toMatchObject({ code: 0, stdout: `applied: ${newest}\n` });
      expect(await status(dataDir)).toEqual(all(true));
    },
    12 * RUN_TIMEOUT_MS,
  );
});

function serve(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, [CLI, 'serve'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ENGRAM_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function ready(port: number): Promise<void> {
  await eventually(
    async () => (await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(5000) })).ok,
    RUN_TIMEOUT_MS,
    200,
  );
}

async function signal(child: ChildProcess, name: NodeJS.Signals): Promise<number | string | null> {
  const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signalName) => resolve(code ?? signalName)),
  );
  child.kill(name);
  const result = await exited;
  clearTimeout(kill);
  return result;
}

describe('the data directory lock (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-lock-'));
  const lockFile = join(dataDir, DATA_DIR_LOCK_FILE);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'refuses `migrate` while `serve` holds the directory, in one line naming its pid; released on SIGINT and SIGTERM',
    async () => {
      for (const stopSignal of ['SIGINT', 'SIGTERM'] as const) {
        const port = await freePort();
        const server = serve(dataDir, port);
        try {
          await ready(port);
          expect(readFileSync(lockFile, 'utf8')).toBe(`${server.pid}\n`);
          const refused = await engram(dataDir, 'migrate', 'status');
          expect(refused.code).toBe(2);
          expect(refused.stdout).toBe('');
          expect(refused.stderr.trimEnd().split('\n')).toEqual([
            `engram: the data directory ${dataDir} is in use by another engram process (pid ${server.pid}); ` +
              'stop it, or set ENGRAM_DATA_DIR to another directory',
          ]);
          expect(await signal(server, stopSignal)).toBe(0);
        } finally {
          server.kill('SIGKILL');
        }
        expect(existsSync(lockFile)).toBe(false);
      }
    },
    6 * RUN_TIMEOUT_MS,
  );

  it(
    'takes over a lock whose process is gone (a crash) and releases it when done',
    async () => {
      const crashed = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => crashed.once('exit', resolve));
      writeFileSync(lockFile, `${crashed.pid}\n`);

      const run = await engram(dataDir, 'migrate', 'status');
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.trim().split('\n')).toHaveLength(NAMES.length);
      expect(existsSync(lockFile)).toBe(false);
    },
    2 * RUN_TIMEOUT_MS,
  );
});
