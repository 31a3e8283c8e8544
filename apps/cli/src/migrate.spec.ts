import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '@engram/migrations';

/**
 * `engram migrate` on the embedded database, through the built CLI (`npm test` builds dist/
 * first): only `up` applies migrations, `status` reads without changing anything, and a `down`
 * stays down.
 */
const CLI = join(__dirname, '../../../dist/apps/cli/src/main.js');
/** Each run starts PGlite from WASM: seconds alone, much longer on a loaded machine. */
const RUN_TIMEOUT_MS = 60_000;
const NAMES = MIGRATIONS.map((MigrationClass) => new MigrationClass().name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function engram(dataDir: string, ...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ENGRAM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const kill = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    }),
  );
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
