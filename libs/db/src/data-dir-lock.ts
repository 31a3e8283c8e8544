import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The lock's name inside the data directory; it holds the owner's pid and a newline. */
export const DATA_DIR_LOCK_FILE = 'engram.lock';

/**
 * A lock file that is empty or unreadable may belong to a process between creating it and
 * writing its pid (microseconds); one older than this was left by a crash at that instant.
 */
const UNWRITTEN_GRACE_MS = 2_000;
/** The breaker guards the few milliseconds of replacing a stale lock; older, its holder died. */
const BREAKER_STALE_MS = 10_000;
const RETRY_MS = 50;

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    /** The holder's pid; null while the holder has not written it yet. */
    readonly pid: number | null,
  ) {
    super(
      `the data directory ${dataDir} is in use by another engram process ` +
        `(${pid === null ? 'starting up' : `pid ${pid}`}); stop it, or set ENGRAM_DATA_DIR to another directory`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock file if this process still owns it. Idempotent. */
  release(): void;
}

/** Locks held by this process: a second PGlite in the same process must be refused as well. */
const heldHere = new Set<string>();

/**
 * Takes the data directory for this process: PGlite is one Postgres over plain files, and a
 * second instance on the same directory (a `migrate` next to a running `serve`) corrupts it.
 *
 * The lock file is created with O_EXCL, so of two processes exactly one wins. A lock whose pid
 * is no longer alive is stale (a crash, SIGKILL) and is replaced; the replacement runs under a
 * second O_EXCL file, the breaker, and re-reads the lock inside it, so a process that saw the
 * stale content never deletes a lock another process took in the meantime. The lock is removed
 * by `release()` and, as a backstop, when the process exits (process.exit, an uncaught error);
 * signals are the caller's to turn into an orderly exit.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  const path = join(dir, DATA_DIR_LOCK_FILE);
  if (heldHere.has(path)) {
    throw new DataDirLockedError(dir, process.pid);
  }
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + UNWRITTEN_GRACE_MS + BREAKER_STALE_MS;
  for (;;) {
    if (tryCreate(path)) {
      return held(path);
    }
    const holder = readHolder(path);
    if (holder !== undefined) {
      if (holder.pid !== null && isAlive(holder.pid)) {
        throw new DataDirLockedError(dir, holder.pid);
      }
      const stale = holder.pid !== null || Date.now() - holder.mtimeMs > UNWRITTEN_GRACE_MS;
      if (stale && breakStale(path, holder.content)) {
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw new DataDirLockedError(dir, holder?.pid ?? null);
    }
    await sleep(RETRY_MS);
  }
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function held(path: string): DataDirLock {
  heldHere.add(path);
  const onExit = () => removeIfOwned(path);
  process.on('exit', onExit);
  return {
    path,
    release() {
      if (heldHere.delete(path)) {
        process.off('exit', onExit);
        removeIfOwned(path);
      }
    },
  };
}

function removeIfOwned(path: string): void {
  if (readContent(path) === `${process.pid}\n`) {
    rmSync(path, { force: true });
  }
}

interface Holder {
  content: string;
  pid: number | null;
  mtimeMs: number;
}

/** The current lock's content, or undefined when it vanished between the create and the read. */
function readHolder(path: string): Holder | undefined {
  const content = readContent(path);
  if (content === undefined) {
    return undefined;
  }
  const match = /^(\d+)\n$/.exec(content);
  const mtimeMs = mtimeOf(path) ?? Date.now();
  return { content, pid: match ? Number(match[1]) : null, mtimeMs };
}

/**
 * True when the pid runs. A pid equal to ours is a dead process's: this process does not hold
 * the lock (heldHere says so), and in a container a restarted server often gets the same pid.
 */
function isAlive(pid: number): boolean {
  if (pid === process.pid) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid runs under another user; only ESRCH proves it is gone.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Removes the stale lock if it still holds `staleContent`. True when the caller may retry at once. */
function breakStale(path: string, staleContent: string): boolean {
  const breaker = `${path}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
    const age = Date.now() - (mtimeOf(breaker) ?? Date.now());
    if (age > BREAKER_STALE_MS) {
      rmSync(breaker, { force: true });
      return true;
    }
    return false;
  }
  try {
    if (readContent(path) === staleContent) {
      rmSync(path, { force: true });
    }
  } finally {
    closeSync(fd);
    rmSync(breaker, { force: true });
  }
  return true;
}

function readContent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}
