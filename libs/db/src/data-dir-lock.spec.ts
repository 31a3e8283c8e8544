import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_DIR_LOCK_FILE, DataDirLockedError, lockDataDir } from './data-dir-lock';

/** The built module, for the processes that race each other (`npm test` builds dist/ first). */
const BUILT = join(__dirname, '../../../dist/libs/db/src/data-dir-lock.js');

/** The pid of a process that has exited: what a crash leaves in the lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('the data directory lock', () => {
  let dir: string;
  let lockFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engram-lock-'));
    lockFile = join(dir, DATA_DIR_LOCK_FILE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the pid while taken, refuses a second taker, and is gone once released', async () => {
    const lock = await lockDataDir(dir);
    expect(readFileSync(lockFile, 'utf8')).toBe(`${process.pid}\n`);
    await expect(lockDataDir(dir)).rejects.toEqual(new DataDirLockedError(dir, process.pid));
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
    lock.release();
    (await lockDataDir(dir)).release();
  });

  it('refuses a directory a live process holds, naming its pid', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(lockFile, `${holder.pid}\n`);
      const error = await lockDataDir(dir).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect((error as DataDirLockedError).pid).toBe(holder.pid);
      expect((error as Error).message).toContain(`pid ${holder.pid}`);
      expect(readFileSync(lockFile, 'utf8')).toBe(`${holder.pid}\n`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a stale lock: a dead pid, or a lock left unwritten by a crash long ago', async () => {
    writeFileSync(lockFile, `${await deadPid()}\n`);
    let lock = await lockDataDir(dir);
    expect(readFileSync(lockFile, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();

    writeFileSync(lockFile, '');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lockFile, longAgo, longAgo);
    lock = await lockDataDir(dir);
    expect(readFileSync(lockFile, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('never removes a lock that another process owns', async () => {
    const lock = await lockDataDir(dir);
    writeFileSync(lockFile, '1\n');
    lock.release();
    expect(readFileSync(lockFile, 'utf8')).toBe('1\n');
  });

  it('gives a stale lock to exactly one of many processes racing for it', async () => {
    expect(existsSync(BUILT)).toBe(true);
    writeFileSync(lockFile, `${await deadPid()}\n`);
    // Each racer reports whether it won, then holds until told to go, so no winner leaves early.
    const script = `
      const { lockDataDir } = require(${JSON.stringify(BUILT)});
      lockDataDir(${JSON.stringify(dir)}).then(
        () => { console.log('won'); process.stdin.once('data', () => process.exit(0)); },
        (error) => { console.log(error.name); process.exit(0); },
      );`;
    const racers = Array.from({ length: 8 }, () =>
      spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const exits = racers.map((racer) => new Promise((resolve) => racer.once('exit', resolve)));
    const results = await Promise.all(
      racers.map(
        (racer) =>
          new Promise<string>((resolve) =>
            racer.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
          ),
      ),
    );
    for (const racer of racers) {
      // A loser has exited already: its pipe may be closed.
      racer.stdin.on('error', () => undefined).end('go\n');
    }
    await Promise.all(exits);
    expect(results.filter((result) => result === 'won')).toHaveLength(1);
    expect(results.filter((result) => result === 'DataDirLockedError')).toHaveLength(racers.length - 1);
    // The winner released it on exit.
    expect(existsSync(lockFile)).toBe(false);
  });
});
