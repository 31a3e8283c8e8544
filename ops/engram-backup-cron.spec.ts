import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';

/**
 * ops/cron/engram-backup.cron: its one entry, run as cron would (bash, the file's variables,
 * from ENGRAM_HOME) against a real database, with `logger` recording what would reach syslog.
 * The run writes a backup with its manifest and prunes the backup directory to the newest 14.
 */
const CRON_FILE = path.join(__dirname, 'cron', 'engram-backup.cron');
const REPO = path.join(__dirname, '..');

function cronFile(): { environment: Record<string, string>; entries: string[] } {
  const lines = readFileSync(CRON_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const environment = Object.fromEntries(
    lines
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
  );
  return { environment, entries: lines.filter((line) => !/^[A-Z_]+=/.test(line)) };
}

describe('ops/cron/engram-backup.cron', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-backup-cron-'));
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPostgresDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one nightly entry under flock, logging to syslog, keeping 14 backups', () => {
    const { environment, entries } = cronFile();
    expect(environment).toMatchObject({ SHELL: '/bin/bash', ENGRAM_BACKUP_DIR: expect.stringMatching(/^\//) });
    expect(environment.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(entries).toHaveLength(1);
    const [minute, hour, dayOfMonth, month, dayOfWeek, ...command] = entries[0].split(/\s+/);
    expect(Number(minute)).toBeLessThan(60);
    expect(Number(hour)).toBeLessThan(24);
    expect([dayOfMonth, month, dayOfWeek]).toEqual(['*', '*', '*']);
    expect(command.join(' ')).toMatch(
      /flock -n -E 0 \S+ node dist\/apps\/cli\/src\/main\.js backup --output "\$ENGRAM_BACKUP_DIR\/" --keep 14 2>&1 \| logger -t engram-backup$/,
    );
  });

  it('the entry, run as cron runs it, backs up and prunes to the newest 14', async () => {
    const { environment, entries } = cronFile();
    const backups = path.join(dir, 'backups');
    const bin = path.join(dir, 'bin');
    mkdirSync(backups);
    mkdirSync(bin);
    // 14 older nights of backups, and a file of someone else's.
    const older = Array.from(
      { length: 14 },
      (_, day) => `engram-202001${String(day + 1).padStart(2, '0')}T024300Z.dump`,
    );
    for (const name of older) {
      writeFileSync(path.join(backups, name), 'old');
      writeFileSync(path.join(backups, `${name}.manifest.json`), '{}');
    }
    writeFileSync(path.join(backups, 'README'), 'not a backup');
    const syslog = path.join(dir, 'syslog');
    writeFileSync(path.join(bin, 'logger'), `#!/bin/sh\ncat >> '${syslog}'\n`);
    chmodSync(path.join(bin, 'logger'), 0o755);

    const command = entries[0]
      .split(/\s+/)
      .slice(5)
      .join(' ')
      .replace(/\/run\/lock\/\S+/, path.join(dir, 'backup.lock'));
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('/bin/bash', ['-c', command], {
        env: {
          ...environment,
          PATH: `${bin}:${path.dirname(process.execPath)}:${environment.PATH}`,
          HOME: process.env.HOME,
          ENGRAM_HOME: REPO,
          ENGRAM_BACKUP_DIR: backups,
          DATABASE_URL: database.url,
        },
        stdio: 'inherit',
      });
      child.once('exit', resolve);
    });
    expect(code).toBe(0);

    const log = readFileSync(syslog, 'utf8');
    const [, file] = /^backup (\S+) \(\d+ bytes\): \d+ tables/m.exec(log) ?? [];
    expect(file).toMatch(new RegExp(`^${backups}/engram-\\d{8}T\\d{6}Z\\.dump$`));
    expect(log).toContain(`pruned ${older[0]}\n`);
    expect(existsSync(`${file}.manifest.json`)).toBe(true);
    expect(readdirSync(backups).sort()).toEqual(
      [
        'README',
        ...older.slice(1).flatMap((name) => [name, `${name}.manifest.json`]),
        path.basename(file),
        `${path.basename(file)}.manifest.json`,
      ].sort(),
    );
  }, 60_000);
});
