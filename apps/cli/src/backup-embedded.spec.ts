import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, startEmbeddedPostgres } from '@engram/db';
import { migrateUp } from '@engram/migrations';
import { startTestApp } from '@engram/test-support/app';
import {
  ADMIN_TOKEN,
  Fingerprints,
  RUN_TIMEOUT_MS,
  SEEDED_TABLES,
  damagedCopy,
  engram,
  fingerprints,
  readBack,
  seed,
} from '@engram/test-support/backup';
import { TestDatabase } from '@engram/test-support/database';

/**
 * `engram backup` / `engram restore` on the embedded database, through the built CLI (`npm
 * test` builds dist/ first) on real PGlite: PGlite's own dump of a data directory, refused
 * while a server holds it, pruned with --keep, restored into an empty data directory (staged,
 * verified, swapped in), compared table by table with the source and served to the original
 * keys; a damaged tarball, a non-empty target and a held directory are refused; --clean keeps
 * what it replaced.
 */
describe('engram backup / restore (embedded PGlite)', () => {
  const root = mkdtempSync(join(tmpdir(), 'engram-backup-lite-'));
  const source = join(root, 'source');
  const target = join(root, 'target');
  const out = join(root, 'backups');
  mkdirSync(out);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /**
   * The app in this process on PGlite over `dataDir`, which holds the directory's lock as
   * `engram serve` would: `work` gets its HTTP address; the result comes back with the
   * fingerprints taken before the app started and after it closed.
   */
  async function withEmbeddedApp<T>(
    dataDir: string,
    options: { migrate: boolean },
    work: (base: string) => Promise<T>,
  ): Promise<{ result: T; before: Fingerprints; after: Fingerprints }> {
    const embedded = await startEmbeddedPostgres(dataDir);
    try {
      if (options.migrate) {
        await migrateUp(embedded.url);
      }
      const before = await fingerprints(embedded.url);
      const database: TestDatabase = {
        url: embedded.url,
        kind: 'pglite',
        db: new Database({ url: embedded.url, poolMax: 1, statementTimeoutMs: 0, preparedStatements: false }),
        drop: () => Promise.resolve(),
      };
      const app = await startTestApp({
        database_: database,
        queue: 'inline',
        env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN },
      });
      let result: T;
      try {
        result = await work(await app.listen());
        await app.settle();
      } finally {
        await app.close();
        await database.db.close();
      }
      return { result, before, after: await fingerprints(embedded.url) };
    } finally {
      await embedded.stop();
    }
  }

  it(
    'backs up a stopped data directory (refused while served), prunes old backups, restores and serves it',
    async () => {
      // While a server holds the data directory, a backup is refused, naming its pid.
      const { result: seeded, after: expected } = await withEmbeddedApp(source, { migrate: true }, async (base) => {
        const written = await seed(base, 'lite');
        const refused = await engram({ ENGRAM_DATA_DIR: source }, 'backup', '--output', `${out}/`);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain(`is in use by another engram process (pid ${process.pid})`);
        return written;
      });
      for (const table of SEEDED_TABLES) {
        expect([table, expected[table].rows > 0]).toEqual([table, true]);
      }

      // Older backups of ours, and files that are not: --keep 2 deletes only the oldest of ours.
      const older = ['engram-20200101T000000Z.tar.gz', 'engram-20210101T000000Z.dump'];
      for (const name of older) {
        writeFileSync(join(out, name), 'old');
        writeFileSync(join(out, `${name}.manifest.json`), '{}');
      }
      writeFileSync(join(out, 'notes.txt'), 'keep me');
      writeFileSync(join(out, 'engram-latest.tar.gz'), 'not a name engram gives');

      const made = await engram({ ENGRAM_DATA_DIR: source }, 'backup', '--output', out, '--keep', '2');
      expect(made).toMatchObject({ code: 0, stderr: '' });
      const [, file] = /^backup (\S+) /.exec(made.stdout)!;
      expect(made.stdout).toContain('pruned engram-20200101T000000Z.tar.gz\n');
      expect(readdirSync(out).sort()).toEqual(
        [
          'engram-20210101T000000Z.dump',
          'engram-20210101T000000Z.dump.manifest.json',
          'engram-latest.tar.gz',
          'notes.txt',
          file.split('/').pop()!,
          `${file.split('/').pop()!}.manifest.json`,
        ].sort(),
      );
      expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

      // A damaged tarball is refused before the data directory is touched.
      const damaged = await engram({ ENGRAM_DATA_DIR: target }, 'restore', damagedCopy(file, root));
      expect(damaged.code).toBe(2);
      expect(damaged.stderr).toContain('is damaged');
      expect(existsSync(target)).toBe(false);

      const restored = await engram({ ENGRAM_DATA_DIR: target }, 'restore', file);
      expect(restored).toMatchObject({ code: 0, stderr: '' });
      expect(readdirSync(target).sort()).toEqual(['pglite']);

      const again = await engram({ ENGRAM_DATA_DIR: target }, 'restore', file);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('already holds a database');

      // Served as it was restored (no migration), to the original keys; meanwhile no restore.
      const { before: restoredTables } = await withEmbeddedApp(target, { migrate: false }, async (base) => {
        await readBack(base, seeded);
        const locked = await engram({ ENGRAM_DATA_DIR: target }, 'restore', '--clean', file);
        expect(locked.code).toBe(2);
        expect(locked.stderr).toContain(`is in use by another engram process (pid ${process.pid})`);
      });
      expect(restoredTables).toEqual(expected);

      // --clean: the restored backup replaces the directory, which is kept beside it.
      const clean = await engram({ ENGRAM_DATA_DIR: target }, 'restore', '--clean', file);
      expect(clean).toMatchObject({ code: 0, stderr: '' });
      const replaced = readdirSync(target).filter((name) => name.startsWith('pglite.replaced-'));
      expect(replaced).toHaveLength(1);
      expect(clean.stdout).toContain(`is now ${join(target, replaced[0])}`);
    },
    12 * RUN_TIMEOUT_MS,
  );
});
