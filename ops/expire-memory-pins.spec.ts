import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { EXPIRE_SCRIPT, closedPort, runScript } from './lib/run-script';

const TOKEN = 'expire-spec-admin-token-0123456789';

describe('ops/expire-memory-pins', () => {
  let t: TestApp;
  let base: string;

  /** Two expired pins and two live ones (one never expires, one later) in a fresh tenant. */
  async function tenantWithPins(expired = 2): Promise<string> {
    const tenant = await newTenant(t);
    await ownerQuery(
      t,
      `INSERT INTO memory_pins (tenant_id, key, value, expires_at)
       SELECT $1, 'expired:' || n, '{"n": 1}'::jsonb, now() - interval '1 hour' FROM generate_series(1, $2::int) n
       UNION ALL SELECT $1, 'live:forever', '"x"'::jsonb, NULL
       UNION ALL SELECT $1, 'live:later', '"y"'::jsonb, now() + interval '1 hour'`,
      [tenant, expired],
    );
    return tenant;
  }

  async function keysOf(tenant: string): Promise<string[]> {
    const rows = await ownerQuery<{ key: string }>(t, 'SELECT key FROM memory_pins WHERE tenant_id = $1 ORDER BY key', [
      tenant,
    ]);
    return rows.map((row) => row.key);
  }

  async function expiredEverywhere(): Promise<number> {
    const [row] = await ownerQuery<{ count: number }>(
      t,
      'SELECT count(*)::int AS count FROM memory_pins WHERE expires_at <= now()',
    );
    return row.count;
  }

  function sql(args: string[], env: Record<string, string> = {}) {
    return runScript(EXPIRE_SCRIPT, args, { DATABASE_URL: t.database.url, ...env });
  }

  function api(args: string[], env: Record<string, string> = {}) {
    return runScript(EXPIRE_SCRIPT, ['--via-api', '--base', base, ...args], {
      ENGRAM_TOKEN: TOKEN,
      EXPIRE_RETRIES: '0',
      ...env,
    });
  }

  beforeAll(async () => {
    // No worker: its scheduled expiry job would race the script for the same rows.
    t = await startTestApp({
      database: 'postgres',
      queue: 'bullmq',
      worker: false,
      env: { ENGRAM_ADMIN_TOKEN: TOKEN },
    });
    base = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('SQL mode', () => {
    it('--dry-run counts one tenant’s expired pins and deletes nothing', async () => {
      const tenant = await tenantWithPins(3);
      const result = await sql(['--tenant', tenant, '--dry-run', '--json']);
      expect(result.code).toBe(0);
      expect(result.json).toMatchObject({
        ok: true,
        mode: 'sql',
        dry_run: true,
        tenant_id: tenant,
        deleted: 0,
        would_delete: 3,
        per_tenant: { [tenant]: 3 },
      });
      const human = await sql(['--tenant', tenant, '--dry-run']);
      expect(human.stdout.trim()).toBe(
        `expire-memory-pins: dry run: 3 expired pins would be deleted (tenant ${tenant}, via sql)`,
      );
      expect(await keysOf(tenant)).toHaveLength(5);
    });

    it('--tenant deletes only that tenant’s expired pins', async () => {
      const target = await tenantWithPins(3);
      const bystander = await tenantWithPins(2);
      const result = await sql(['--tenant', target]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(`expire-memory-pins: deleted 3 expired pins (tenant ${target}, via sql)`);
      expect(await keysOf(target)).toEqual(['live:forever', 'live:later']);
      expect(await keysOf(bystander)).toHaveLength(4);
    });

    it('deletes every tenant’s expired pins in batches, keeping live ones', async () => {
      const a = await tenantWithPins(3);
      const b = await tenantWithPins(2);
      const expected = await expiredEverywhere();
      expect(expected).toBeGreaterThanOrEqual(5);
      const result = await sql(['--batch-size', '2', '--json']);
      expect(result.code).toBe(0);
      expect(result.json).toMatchObject({ deleted: expected, tenant_id: null, dry_run: false });
      expect(result.json.batches).toBe(Math.floor(expected / 2) + 1);
      expect(result.json.per_tenant).toMatchObject({ [a]: 3, [b]: 2 });
      expect(await expiredEverywhere()).toBe(0);
      expect(await keysOf(a)).toEqual(['live:forever', 'live:later']);
      expect(await keysOf(b)).toEqual(['live:forever', 'live:later']);
    });

    it('exits 3 when Postgres is unreachable, without printing the connection string', async () => {
      const url = `postgres://engram:s3cret-pw@127.0.0.1:${await closedPort()}/engram`;
      const result = await sql(['--json'], { DATABASE_URL: url, EXPIRE_TIMEOUT: '2' });
      expect(result.code).toBe(3);
      expect(result.json.error.kind).toBe('unreachable');
      expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
    });
  });

  describe('API mode', () => {
    it('--dry-run counts, --tenant scopes, and a real run deletes only expired pins', async () => {
      const target = await tenantWithPins(3);
      const bystander = await tenantWithPins(2);

      const dry = await api(['--tenant', target, '--dry-run', '--json']);
      expect(dry.code).toBe(0);
      expect(dry.json).toMatchObject({
        ok: true,
        mode: 'api',
        dry_run: true,
        tenant_id: target,
        deleted: 0,
        would_delete: 3,
      });
      expect(await keysOf(target)).toHaveLength(5);

      const scoped = await api(['--tenant', target]);
      expect(scoped.code).toBe(0);
      expect(scoped.stdout.trim()).toBe(`expire-memory-pins: deleted 3 expired pins (tenant ${target}, via api)`);
      expect(await keysOf(target)).toEqual(['live:forever', 'live:later']);
      expect(await keysOf(bystander)).toHaveLength(4);

      const expected = await expiredEverywhere();
      const all = await api(['--json']);
      expect(all.code).toBe(0);
      expect(all.json).toMatchObject({ deleted: expected, tenant_id: null });
      expect(await keysOf(bystander)).toEqual(['live:forever', 'live:later']);
    });

    it('exits 1 on a refused token and never prints it', async () => {
      const wrong = 'wrong-token-abcdefghijklmnop';
      const result = await api(['--dry-run'], { ENGRAM_TOKEN: wrong });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('answered 401 unknown_credentials');
      expect(result.stdout + result.stderr).not.toContain(wrong);
      const missing = await api(['--dry-run', '--json'], { ENGRAM_TOKEN: '' });
      expect(missing.code).toBe(1);
      expect(missing.json.error).toMatchObject({ status: 401, code: 'missing_credentials' });
    });

    it('exits 3 when the API is unreachable', async () => {
      const result = await runScript(EXPIRE_SCRIPT, ['--via-api', '--base', `http://127.0.0.1:${await closedPort()}`], {
        EXPIRE_RETRIES: '1',
      });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/unreachable: .*ECONNREFUSED.*after 2 attempts/);
    });
  });

  it.each([
    ['a bad tenant', ['--tenant', 'Not A Slug']],
    ['a zero batch size', ['--batch-size', '0']],
    ['a fractional batch size', ['--batch-size', '1.5']],
    ['an unknown flag', ['--everything']],
    ['--via-api without --base', ['--via-api']],
    ['--batch-size in API mode', ['--via-api', '--base', 'http://127.0.0.1:9', '--batch-size', '5']],
    ['--base without --via-api', ['--base', 'http://127.0.0.1:9']],
  ])('exits 2 on %s', async (_label, args) => {
    const result = await sql(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expire-memory-pins: error:');
  });

  it('exits 2 in SQL mode without DATABASE_URL', async () => {
    const result = await runScript(EXPIRE_SCRIPT, ['--json']);
    expect(result.code).toBe(2);
    expect(result.json.error.message).toContain('DATABASE_URL');
  });

  it('the crontab runs the script hourly under flock, logging to syslog', () => {
    const lines = readFileSync(path.join(__dirname, 'cron', 'engram-maintenance.cron'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    const environment = lines.filter((line) => /^[A-Z_]+=/.test(line));
    const entries = lines.filter((line) => !/^[A-Z_]+=/.test(line));
    expect(environment).toEqual(expect.arrayContaining(['SHELL=/bin/bash', expect.stringMatching(/^DATABASE_URL=/)]));
    expect(entries).toHaveLength(1);
    const [minute, hour, dayOfMonth, month, dayOfWeek, ...command] = entries[0].split(/\s+/);
    expect(Number(minute)).toBeGreaterThanOrEqual(0);
    expect(Number(minute)).toBeLessThan(60);
    expect([hour, dayOfMonth, month, dayOfWeek]).toEqual(['*', '*', '*', '*']);
    expect(command.join(' ')).toMatch(/flock -n .* ops\/expire-memory-pins .*\| logger -t engram-expire$/);
  });
});
