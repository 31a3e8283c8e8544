import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp } from '@engram/test-support/app';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { REDIS_URL_TEST } from '@engram/test-support/env';

/**
 * `engram export` and `engram import` through the built CLI (`npm test` builds dist/ first), on
 * Postgres via DATABASE_URL: the file on stdout or --output, a copy into a new tenant, exit code 2
 * with the line number for bad input, and refusals for unknown tenants. The library's behaviour
 * (lossless, idempotent, batches, isolation) is tested in libs/transfer.
 */
const CLI = join(__dirname, '../../../dist/apps/cli/src/main.js');
const RUN_TIMEOUT_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function engram(env: Record<string, string>, args: string[], stdin?: string): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  const kill = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('engram export / import (postgres)', () => {
  let database: TestDatabase;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    dir = mkdtempSync(join(tmpdir(), 'engram-transfer-cli-'));
    env = { DATABASE_URL: database.url };
    await database.db.query(`INSERT INTO tenants (id, name, plan) VALUES ('acme', 'Acme', 'premium')`);
    await database.db.query(`INSERT INTO tenant_usage (tenant_id) VALUES ('acme')`);
    await database.db.query(
      `INSERT INTO namespaces (tenant_id, name, embedding_model) VALUES ('acme', 'notes', 'local-hash-384')`,
    );
    await database.db.query(
      `INSERT INTO memories (tenant_id, namespace, content, type)
       SELECT 'acme', 'notes', 'note ' || i || ' about invoices', 'semantic' FROM generate_series(1, 30) AS i`,
    );
    await database.db.query(
      `INSERT INTO memory_pins (tenant_id, key, value, expires_at) VALUES ('acme', 'config:a', '{"rpm": 5}', now() + interval '1 hour')`,
    );
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports to stdout and copies the tenant into a new one with --create-tenant', async () => {
    const exported = await engram(env, ['export', '--tenant', 'acme']);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/exported acme: 1 namespaces, 1 pins, 30 memories, 0 relations/);
    const lines = exported.stdout.trim().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({
      kind: 'header',
      format: 'engram-tenant-export',
      engram_version: '0.1.0',
    });
    expect(lines).toHaveLength(1 + 1 + 1 + 30 + 1);

    const file = join(dir, 'acme.jsonl');
    writeFileSync(file, exported.stdout);
    const refused = await engram(env, ['import', file, '--tenant', 'acme-copy']);
    expect(refused).toMatchObject({ code: 2 });
    expect(refused.stderr).toMatch(/no tenant acme-copy .*--create-tenant/);

    const copied = await engram(env, ['import', file, '--tenant', 'acme-copy', '--create-tenant', '--batch-size', '7']);
    expect(copied.stderr).toContain(
      'imported into acme-copy: read 1 namespaces, 1 pins, 30 memories, 0 relations in 5 batches',
    );
    expect(copied.code).toBe(0);
    const [tenant] = await database.db.query<{ plan: string }>(`SELECT plan FROM tenants WHERE id = 'acme-copy'`);
    expect(tenant.plan).toBe('premium');

    // Stdin, and a second run changes nothing.
    const again = await engram(env, ['import', '-', '--tenant', 'acme-copy'], exported.stdout);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/new: 0 namespaces, 0 pins, 0 memories, 0 relations/);

    const copy = await engram(env, ['export', '--tenant', 'acme-copy', '--output', join(dir, 'copy.jsonl')]);
    expect(copy).toMatchObject({ code: 0, stdout: '' });
    // The source was seeded without vectors (pending); the import embedded the copy with the
    // local model on the way in, as a new write is: the only difference.
    const expected = lines
      .slice(1)
      .map((line) => line.replace('"embedding_status" : "pending"', '"embedding_status" : "ready"'));
    expect(readFileSync(join(dir, 'copy.jsonl'), 'utf8').split('\n').slice(1)).toEqual(expected.concat(''));
  });

  it("an import invalidates the running servers' cached pins and contexts of the tenant (cache in Redis)", async () => {
    const prefix = `engram-transfer-cache-${process.pid}`;
    const admin = { authorization: 'Bearer transfer-cache-admin-token-0123456789' };
    const app = await startTestApp({
      database_: database,
      env: {
        QUEUE_PREFIX: prefix,
        MEMORY_CACHE_ENABLED: 'true',
        MEMORY_CACHE_TTL_MS: '120000',
        ENGRAM_ADMIN_TOKEN: 'transfer-cache-admin-token-0123456789',
      },
    });
    try {
      const get = () => app.request('GET', '/api/v1/memory/pins/config:a?tenant_id=acme', undefined, admin);
      expect((await get()).body.value).toEqual({ rpm: 5 });
      expect((await get()).body.value).toEqual({ rpm: 5 }); // now from the cache
      const exported = await engram(env, ['export', '--tenant', 'acme']);
      const changed = exported.stdout.replace(/\{"rpm": ?5\}/, '{"rpm": 9}');
      expect(changed === exported.stdout).toBe(false);
      const imported = await engram(
        { ...env, REDIS_URL: REDIS_URL_TEST, QUEUE_PREFIX: prefix },
        ['import', '-', '--tenant', 'acme'],
        changed,
      );
      expect([imported.code, imported.stderr]).toEqual([0, expect.stringContaining('imported into acme')]);
      expect((await get()).body.value).toEqual({ rpm: 9 });
    } finally {
      await app.close();
    }
  });

  it('stops at a bad line with exit code 2, its line number, and what was kept', async () => {
    const exported = await engram(env, ['export', '--tenant', 'acme', '--namespace', 'notes']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n');
    // With --namespace, pins stay out unless asked for.
    expect(lines.some((line) => line.includes('"kind":"pin"'))).toBe(false);
    lines[20] = lines[20].replace('"semantic"', '"unknown-type"');
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, lines.join('\n'));
    await database.db.query(`INSERT INTO tenants (id, name) VALUES ('acme-bad', 'x')`);
    await database.db.query(`INSERT INTO tenant_usage (tenant_id) VALUES ('acme-bad')`);
    const failed = await engram(env, ['import', file, '--tenant', 'acme-bad', '--batch-size', '10']);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^engram: line 21: bad memory record: type: /);
    expect(failed.stderr).toMatch(/the 10 records before it were imported \(1 batches\)/);
    const [{ n }] = await database.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM memories WHERE tenant_id = 'acme-bad'`,
    );
    expect(Number(n)).toBe(9);

    const missing = await engram(env, ['export', '--tenant', 'nobody']);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/no tenant nobody/);
    const noFile = await engram(env, ['import', join(dir, 'nope.jsonl'), '--tenant', 'acme']);
    expect(noFile.code).toBe(2);
    const empty = await createPostgresDatabase({ empty: true });
    try {
      const unmigrated = await engram({ DATABASE_URL: empty.url }, ['export', '--tenant', 'acme']);
      expect(unmigrated).toMatchObject({ code: 2, stdout: '' });
      expect(unmigrated.stderr).toMatch(/no Engram schema: run `engram migrate up` first/);
    } finally {
      await empty.drop();
    }
  });
});
