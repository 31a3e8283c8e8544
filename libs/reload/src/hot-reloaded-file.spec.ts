import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { eventually } from '@engram/test-support/app';
import { REDIS_URL_TEST } from '@engram/test-support/env';
import { HotReloadedFile, LoadOutcome } from './hot-reloaded-file';
import { NoReloadBroadcast, RedisReloadBroadcast, ReloadBroadcast } from './reload-broadcast';

class Invalid extends Error {}

interface Doc {
  version: number;
  n: number;
}

function parse({ text }: { text: string }): { value: Doc; version: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Invalid('not JSON');
  }
  const { version, n } = doc as Doc;
  if (typeof version !== 'number' || typeof n !== 'number') {
    throw new Invalid('version and n must be numbers');
  }
  return { value: { version, n }, version: String(version) };
}

describe('HotReloadedFile', () => {
  let dir: string;
  let file: string;
  let writes = 0;
  const opened: HotReloadedFile<Doc>[] = [];
  const write = (text: string) => {
    const next = join(dir, `.next-${writes++}`);
    writeFileSync(next, text);
    renameSync(next, file);
  };
  const open = (
    watch: { watch: boolean; pollIntervalMs: number },
    broadcast: ReloadBroadcast = new NoReloadBroadcast(),
    outcomes: LoadOutcome<Doc>[] = [],
  ) => {
    const hot = new HotReloadedFile<Doc>({
      name: 'test file',
      file,
      parse,
      unreadable: (path, reason) => new Invalid(`${path} ${reason}`),
      watch: { debounceMs: 20, ...watch },
      broadcast,
      onLoad: (outcome) => outcomes.push(outcome),
    });
    opened.push(hot);
    return hot;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'engram-hot-'));
    file = join(dir, 'doc.json');
    write('{"version": 1, "n": 1}');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((hot) => hot.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start on an invalid or missing file, with the parse error', async () => {
    write('{"version": 1}');
    const outcomes: LoadOutcome<Doc>[] = [];
    await expect(open({ watch: false, pollIntervalMs: 0 }, undefined, outcomes).start()).rejects.toThrow(
      'version and n must be numbers',
    );
    expect(outcomes.map((o) => [o.status, o.trigger])).toEqual([['invalid', 'boot']]);
    rmSync(file);
    await expect(open({ watch: false, pollIntervalMs: 0 }).start()).rejects.toThrow(/cannot be read: ENOENT/);
  });

  it('reloads on demand: unchanged, changed, invalid (last good kept)', async () => {
    const outcomes: LoadOutcome<Doc>[] = [];
    const hot = open({ watch: false, pollIntervalMs: 0 }, undefined, outcomes);
    expect((await hot.start()).value).toEqual({ version: 1, n: 1 });
    expect((await hot.reload()).changed).toBe(false);
    write('{"version": 2, "n": 5}');
    const reloaded = await hot.reload();
    expect(reloaded.changed).toBe(true);
    expect(reloaded.loaded.value.n).toBe(5);
    write('{"version": 3,');
    await expect(hot.reload()).rejects.toBeInstanceOf(Invalid);
    expect(hot.current().value.n).toBe(5);
    expect(outcomes.map((o) => o.status)).toEqual(['success', 'unchanged', 'success', 'invalid']);
  });

  it('follows the file on watch, remembers a rejected file, takes the next good one', async () => {
    const outcomes: LoadOutcome<Doc>[] = [];
    const hot = open({ watch: true, pollIntervalMs: 50 }, undefined, outcomes);
    await hot.start();
    write('{"version": 2, "n": 2}');
    await eventually(async () => hot.current().value.n === 2, 5000);
    write('{"version": "x"}');
    await eventually(async () => outcomes.some((o) => o.status === 'invalid'), 5000);
    // Many polls later the rejected file has been counted once, not once per poll.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(outcomes.filter((o) => o.status === 'invalid')).toHaveLength(1);
    expect(hot.current().value.n).toBe(2);
    write('{"version": 4, "n": 4}');
    await eventually(async () => hot.current().value.n === 4, 5000);
  });

  it('polls when it does not watch', async () => {
    const hot = open({ watch: false, pollIntervalMs: 50 });
    await hot.start();
    write('{"version": 2, "n": 7}');
    await eventually(async () => hot.current().value.n === 7, 5000);
    expect(hot.current().version).toBe('2');
  });

  it('tells another replica through Redis, which reloads its copy', async () => {
    const channel = `engram-test:${randomBytes(4).toString('hex')}:hot`;
    const a = open({ watch: false, pollIntervalMs: 0 }, new RedisReloadBroadcast(REDIS_URL_TEST, channel));
    const b = open({ watch: false, pollIntervalMs: 0 }, new RedisReloadBroadcast(REDIS_URL_TEST, channel));
    await a.start();
    await b.start();
    write('{"version": 9, "n": 9}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(b.current().value.n).toBe(1);
    await a.reload();
    await eventually(async () => b.current().value.n === 9, 5000);
    expect(b.current().hash).toBe(a.current().hash);
  });
});
