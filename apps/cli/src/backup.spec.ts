import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS } from '@engram/migrations';
import { startTestApp } from '@engram/test-support/app';
import {
  ADMIN_TOKEN,
  Fingerprints,
  RUN_TIMEOUT_MS,
  SEEDED_TABLES,
  Seeded,
  damagedCopy,
  engram,
  fingerprints,
  readBack,
  seed,
  serve,
} from '@engram/test-support/backup';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { freePort } from '@engram/test-support/net';
import { PrivatePostgres, startPrivatePostgres } from '@engram/test-support/private-postgres';

/**
 * `engram backup` / `engram restore` on Postgres, through the built CLI (`npm test` builds
 * dist/ first): seed a service over HTTP, back it up, restore into an empty database on a
 * second server, compare every table's rows and content with a fingerprint of the test's own,
 * check row-level security as the app role, and serve the restored database to the original API
 * keys. And: an online backup under writes, the refusals (a damaged, missing or unmanifested
 * file, a non-empty target, a pg_dump older than the server), a manifest the restored database
 * does not match, --clean. The embedded path: backup-embedded.spec.ts.
 */
async function sql<T extends Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

const tableCount = async (url: string) =>
  Number((await sql<{ n: string }>(url, `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`))[0].n);

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

describe('engram backup / restore (Postgres)', () => {
  const out = mkdtempSync(join(tmpdir(), 'engram-backup-pg-'));
  let source: TestDatabase;
  let cluster: PrivatePostgres;
  let seeded: Seeded;
  let file: string;
  /** The source's fingerprints when `file` was made. */
  let backedUp: Fingerprints;

  beforeAll(async () => {
    // The restore target is a server of its own: no engram_app role, nothing of the source's.
    [source, cluster] = await Promise.all([createPostgresDatabase(), startPrivatePostgres()]);
  }, RUN_TIMEOUT_MS);
  afterAll(async () => {
    cluster?.destroy();
    await source?.drop();
    rmSync(out, { recursive: true, force: true });
  });

  it(
    'round trip onto another server: every table identical, RLS and grants intact, served to the original keys',
    async () => {
      const app = await startTestApp({
        database_: source,
        queue: 'inline',
        env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN },
      });
      try {
        seeded = await seed(await app.listen(), 'bk');
        await app.settle();
      } finally {
        await app.close();
      }
      const before = await fingerprints(source.url);
      backedUp = before;
      for (const table of SEEDED_TABLES) {
        expect([table, before[table].rows > 0]).toEqual([table, true]);
      }

      const made = await engram({ DATABASE_URL: source.url }, 'backup', '--output', `${out}/`, '--json');
      expect(made).toMatchObject({ code: 0, stderr: '' });
      const { file: written, manifest } = JSON.parse(made.stdout);
      file = written;
      expect(file).toMatch(/\/engram-\d{8}T\d{6}Z\.dump$/);
      expect(readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP');
      expect(manifest).toMatchObject({ kind: 'postgres', migration: { applied: MIGRATIONS.length } });
      expect(manifest.engram_version).toMatch(/^\d+\.\d+\.\d+/);
      expect(manifest.tables.find((t: { name: string }) => t.name === 'public.memories')).toMatchObject({
        rows: before.memories.rows,
        rls: true,
        policies: ['tenant_isolation ALL PERMISSIVE {public}'],
        app_grants: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      });

      await sql(cluster.url, 'CREATE DATABASE restored');
      const target = withDatabase(cluster.url, 'restored');
      const restored = await engram({ DATABASE_URL: target }, 'restore', file);
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(restored.stdout).toContain('created the role engram_app');
      expect(restored.stdout).toContain('verified against its manifest');
      expect(await fingerprints(target)).toEqual(before);

      // As the app role, row-level security filters by the transaction's tenant: none, then A's only.
      const client = new Client({ connectionString: target });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL ROLE engram_app');
        expect((await client.query('SELECT count(*)::int AS n FROM memories')).rows).toEqual([{ n: 0 }]);
        await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [seeded.a.tenant]);
        const visible = await client.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM memories');
        expect(visible.rows).toEqual([{ tenant_id: seeded.a.tenant }]);
        await client.query('ROLLBACK');
      } finally {
        await client.end();
      }

      const server = await serve({ DATABASE_URL: target, MIGRATE_ON_START: 'false' }, await freePort());
      try {
        await readBack(server.base, seeded);
      } finally {
        expect(await server.stop()).toBe(0);
      }
    },
    6 * RUN_TIMEOUT_MS,
  );

  it(
    'an online backup: writes during pg_dump, and the manifest still describes exactly what the dump holds',
    async () => {
      const app = await startTestApp({ database_: source, queue: 'inline', env: { RATE_LIMIT_ENABLED: 'false' } });
      const empty = await createPostgresDatabase({ empty: true });
      let writes = 0;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const response = await app.request(
            'POST',
            '/api/v1/memory/pins',
            { tenant_id: seeded.a.tenant, key: `online:${writes}`, value: writes },
            { 'x-api-key': seeded.a.key },
          );
          expect(response.status).toBe(201);
          writes++;
        }
      })();
      try {
        const started = writes;
        const made = await engram(
          { DATABASE_URL: source.url },
          'backup',
          '--output',
          join(out, 'online.dump'),
          '--json',
        );
        const during = writes - started;
        writing = false;
        await writer;
        expect(made).toMatchObject({ code: 0, stderr: '' });
        expect(during).toBeGreaterThan(0);
        const pins = JSON.parse(made.stdout).manifest.tables.find(
          (t: { name: string }) => t.name === 'public.memory_pins',
        );

        const restored = await engram({ DATABASE_URL: empty.url }, 'restore', join(out, 'online.dump'));
        expect(restored).toMatchObject({ code: 0, stderr: '' });
        const [{ n }] = await sql<{ n: string }>(empty.url, 'SELECT count(*) AS n FROM memory_pins');
        expect(Number(n)).toBe(pins.rows);
        expect(pins.rows).toBeGreaterThanOrEqual(4 + started);
        expect(pins.rows).toBeLessThanOrEqual(4 + writes);
      } finally {
        writing = false;
        await writer.catch(() => undefined);
        await app.close();
        await empty.drop();
      }
    },
    4 * RUN_TIMEOUT_MS,
  );

  it(
    'refuses a missing, unmanifested or damaged file and a non-empty target, touching nothing',
    async () => {
      const empty = await createPostgresDatabase({ empty: true });
      try {
        const env = { DATABASE_URL: empty.url };
        const bare = join(out, 'bare.dump');
        copyFileSync(file, bare);
        const before = await fingerprints(source.url);
        // Independent refusals, run side by side.
        const [missing, unmanifested, damaged, occupied, embedded] = await Promise.all([
          engram(env, 'restore', join(out, 'nope.dump')),
          engram(env, 'restore', bare),
          engram(env, 'restore', damagedCopy(file, out)),
          engram({ DATABASE_URL: source.url }, 'restore', file),
          engram({ DATABASE_URL: '', ENGRAM_DATA_DIR: join(out, 'data') }, 'restore', file),
        ]);
        expect(missing).toMatchObject({ code: 2, stdout: '' });
        expect(missing.stderr).toBe(`engram: no backup file ${join(out, 'nope.dump')}\n`);
        expect(unmanifested.code).toBe(2);
        expect(unmanifested.stderr).toContain(`no manifest ${bare}.manifest.json`);
        expect(damaged.code).toBe(2);
        expect(damaged.stderr).toMatch(/is damaged: its sha256 is [0-9a-f]{64}, the manifest records [0-9a-f]{64}/);
        expect(await tableCount(empty.url)).toBe(0);

        expect(occupied.code).toBe(2);
        expect(occupied.stderr).toMatch(/^engram: the target database \S+ is not empty \(public\.\w+, /);
        expect(occupied.stderr).toContain('pass --clean to replace what it holds');
        expect(await fingerprints(source.url)).toEqual(before);

        expect(embedded.code).toBe(2);
        expect(embedded.stderr).toContain('is a Postgres backup (pg_dump): set DATABASE_URL');
        expect(existsSync(join(out, 'data'))).toBe(false);
      } finally {
        await empty.drop();
      }
    },
    3 * RUN_TIMEOUT_MS,
  );

  it(
    'fails loudly (exit 5) when the restored database does not match the manifest',
    async () => {
      const empty = await createPostgresDatabase({ empty: true });
      try {
        const lying = join(out, 'lying.dump');
        copyFileSync(file, lying);
        const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8'));
        const pins = manifest.tables.find((t: { name: string }) => t.name === 'public.memory_pins');
        pins.rows += 1;
        manifest.app_role.default_privileges = manifest.app_role.default_privileges.filter(
          (p: string) => p !== 'r:DELETE',
        );
        writeFileSync(`${lying}.manifest.json`, JSON.stringify(manifest));
        const run = await engram({ DATABASE_URL: empty.url }, 'restore', lying);
        expect(run.code).toBe(5);
        expect(run.stderr).toContain("the restored database does not match the backup's manifest");
        expect(run.stderr).toContain(`table public.memory_pins: ${pins.rows - 1} rows, the backup has ${pins.rows}`);
      } finally {
        await empty.drop();
      }
    },
    2 * RUN_TIMEOUT_MS,
  );

  it(
    '--clean puts the backup back over the live database (a rollback)',
    async () => {
      await sql(source.url, `DELETE FROM memory_pins WHERE key = 'config:rate_limits'`);
      await sql(source.url, `CREATE TABLE scratch_after_backup (id int)`);
      const replaced = await engram({ DATABASE_URL: source.url }, 'restore', '--clean', file);
      // A table the backup does not have survives --clean, and verification says so.
      expect(replaced.code).toBe(5);
      expect(replaced.stderr).toContain('table public.scratch_after_backup: not in the backup');
      await sql(source.url, 'DROP TABLE scratch_after_backup');
      const again = await engram({ DATABASE_URL: source.url }, 'restore', '--clean', file);
      expect(again).toMatchObject({ code: 0, stderr: '' });
      expect(await fingerprints(source.url)).toEqual(backedUp);
    },
    3 * RUN_TIMEOUT_MS,
  );

  it(
    'names the pg_dump it needs when the one it finds is older than the server',
    async () => {
      const bin = mkdtempSync(join(tmpdir(), 'engram-old-pg-'));
      try {
        writeFileSync(join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 11.22"\n');
        chmodSync(join(bin, 'pg_dump'), 0o755);
        const run = await engram({ DATABASE_URL: source.url }, 'backup', '--output', `${out}/old/`, '--pg-bin', bin);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(
          /^engram: pg_dump 1[5-9] or newer is needed for a PostgreSQL 1[5-9] server; found only .*pg_dump: pg_dump \(PostgreSQL\) 11\.22\. Install the PostgreSQL/,
        );
        expect(existsSync(join(out, 'old')) ? readdirSync(join(out, 'old')) : []).toEqual([]);
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    },
    RUN_TIMEOUT_MS,
  );
});
