import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@engram/test-support/database';
import { TestApp, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { SEED_SCRIPT, closedPort, runScript } from './lib/run-script';

const TOKEN = 'seed-spec-admin-token-0123456789';
const SEED_FILE = path.join(__dirname, 'memory-pins-seed.json');
const DEFAULT_PINS: { tenant_id: string; key: string; value: unknown }[] = JSON.parse(
  readFileSync(SEED_FILE, 'utf8'),
).pins;
const PINS = '/api/v1/memory/pins';
const AUTH = { authorization: `Bearer ${TOKEN}` };

describe('ops/seed-memory-pins', () => {
  let t: TestApp;
  let base: string;
  let dir: string;

  function seedFile(content: unknown): string {
    const file = path.join(dir, `${uniqueTenant('seed')}.json`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  function seed(args: string[], env: Record<string, string> = {}) {
    return runScript(SEED_SCRIPT, args, { ENGRAM_TOKEN: TOKEN, SEED_RETRIES: '0', ...env });
  }

  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres', queue: 'bullmq', env: { ENGRAM_ADMIN_TOKEN: TOKEN } });
    base = await t.listen();
    dir = mkdtempSync(path.join(tmpdir(), 'engram-seed-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('seeds the seven default pins; a second run changes nothing and keeps the ids', async () => {
    const first = await seed(['--file', SEED_FILE, '--base', base, '--json']);
    expect(first.code).toBe(0);
    expect(first.json.counts).toEqual({ created: 7, updated: 0, unchanged: 0 });
    const rowsBefore = await ownerQuery<{ key: string; id: string; updated_at: Date }>(
      t,
      `SELECT key, id, updated_at FROM memory_pins WHERE tenant_id = 'global' ORDER BY key`,
    );
    expect(rowsBefore.map((row) => row.key)).toEqual([
      'budget:monthly',
      'config:feature_flags',
      'config:observability',
      'config:rate_limits',
      'config:retry_policy',
      'registry:skills',
      'system:version',
    ]);

    const second = await seed(['--file', SEED_FILE, '--base', base, '--json']);
    expect(second.code).toBe(0);
    expect(second.json.counts).toEqual({ created: 0, updated: 0, unchanged: 7 });
    expect(second.json.pins.map((pin: { id: string }) => pin.id)).toEqual(
      first.json.pins.map((pin: { id: string }) => pin.id),
    );
    const rowsAfter = await ownerQuery(
      t,
      `SELECT key, id, updated_at FROM memory_pins WHERE tenant_id = 'global' ORDER BY key`,
    );
    expect(rowsAfter).toEqual(rowsBefore);

    const listed = await t.request('GET', `${PINS}?tenant_id=global&limit=100`, undefined, AUTH);
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(7);
    for (const pin of DEFAULT_PINS) {
      const got = await t.request('GET', `${PINS}/${pin.key}?tenant_id=global`, undefined, AUTH);
      expect(got.status).toBe(200);
      expect(got.body.value).toEqual(pin.value);
      expect(got.body.expires_at).toBeNull();
    }
  });

  it('replaces a pin whose value drifted, keeping its id, and reports it as updated', async () => {
    const tenant = await newTenant(t);
    const file = seedFile({
      pins: [
        { tenant_id: tenant, key: 'config:a', value: { n: 1 } },
        { tenant_id: tenant, key: 'config:b', value: [1, 2] },
      ],
    });
    const first = await seed(['--file', file, '--base', base, '--json']);
    expect(first.json.counts).toEqual({ created: 2, updated: 0, unchanged: 0 });
    await t.request('POST', PINS, { tenant_id: tenant, key: 'config:a', value: { n: 'drifted' } }, AUTH);

    const second = await seed(['--file', file, '--base', base]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 created, 1 updated, 1 unchanged');
    expect(second.stdout).toContain(first.json.pins[0].id);
    const [row] = await ownerQuery<{ id: string; value: unknown }>(
      t,
      `SELECT id, value FROM memory_pins WHERE tenant_id = $1 AND key = 'config:a'`,
      [tenant],
    );
    expect(row).toEqual({ id: first.json.pins[0].id, value: { n: 1 } });
  });

  it('verifies over the API and over SQL', async () => {
    const result = await seed(['--file', SEED_FILE, '--base', base, '--verify', '--sql-verify'], {
      DATABASE_URL: t.database.url,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('verified over the API: 7/7 match');
    expect(result.stdout).toContain('verified over SQL: 7/7 match');
  });

  it('exits 4 when SQL verification finds the pins missing (another database)', async () => {
    const other = await createTestDatabase('postgres');
    try {
      const result = await seed(['--file', SEED_FILE, '--base', base, '--sql-verify', '--json'], {
        DATABASE_URL: other.url,
      });
      expect(result.code).toBe(4);
      expect(result.json.error.kind).toBe('verification_failed');
      expect(result.json.verify.sql.mismatches).toHaveLength(7);
      expect(result.json.verify.sql.mismatches[0].problem).toBe('missing');
    } finally {
      await other.drop();
    }
  });

  it('--dry-run validates and prints the requests without sending any', async () => {
    const tenant = await newTenant(t);
    const file = seedFile({ pins: [{ tenant_id: tenant, key: 'dry:run', value: { x: 1 }, ttl_seconds: 60 }] });
    const result = await seed(['--file', file, '--base', base, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`POST ${base}${PINS} {"tenant_id":"${tenant}","key":"dry:run"`);
    expect(await ownerQuery(t, 'SELECT 1 FROM memory_pins WHERE tenant_id = $1', [tenant])).toEqual([]);
    // Nothing listens there: a dry run that tried to send would fail.
    const offline = await seed([
      '--file',
      file,
      '--base',
      `http://127.0.0.1:${await closedPort()}`,
      '--dry-run',
      '--json',
    ]);
    expect(offline.code).toBe(0);
    expect(offline.json.requests).toHaveLength(1);
  });

  it('--wait seeds once /ready answers, and gives up with exit 3 on a closed port', async () => {
    const tenant = await newTenant(t);
    const file = seedFile({ pins: [{ tenant_id: tenant, key: 'wait', value: true }] });
    const live = await seed(['--file', file, '--base', base, '--wait', '--wait-timeout', '5']);
    expect(live.code).toBe(0);

    const closed = await seed(
      ['--file', file, '--base', `http://127.0.0.1:${await closedPort()}`, '--wait', '--wait-timeout', '1'],
      {
        SEED_TIMEOUT: '0.2',
      },
    );
    expect(closed.code).toBe(3);
    expect(closed.stderr).toMatch(/did not answer 200 within 1 s \(last: .*ECONNREFUSED/);
    expect(closed.elapsedMs).toBeLessThan(4000);
  });

  it('exits 3 when the API is unreachable after the retries', async () => {
    const result = await seed(['--file', SEED_FILE, '--base', `http://127.0.0.1:${await closedPort()}`], {
      SEED_RETRIES: '1',
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('retrying');
    expect(result.stderr).toMatch(/unreachable: .*ECONNREFUSED.*after 2 attempts/);
  });

  it.each([
    ['not JSON', '{"pins": [', /not valid JSON/],
    ['no pins', { pins: [] }, /non-empty "pins" array/],
    ['a bad key', { pins: [{ key: 'has space', value: 1 }] }, /pins\[0\]\.key: must match/],
    ['a bad tenant', { pins: [{ tenant_id: 'Upper', key: 'k', value: 1 }] }, /pins\[0\]\.tenant_id: must match/],
    ['no value', { pins: [{ key: 'k' }] }, /pins\[0\]\.value: missing/],
    [
      'a ttl out of range',
      { pins: [{ key: 'k', value: 1, ttl_seconds: 31_536_001 }] },
      /ttl_seconds: must be null or an integer/,
    ],
    ['an unknown field', { pins: [{ key: 'k', value: 1, tll_seconds: 5 }] }, /unknown field "tll_seconds"/],
    [
      'a duplicate key',
      {
        pins: [
          { key: 'k', value: 1 },
          { key: 'k', value: 2 },
        ],
      },
      /global\/k appears twice/,
    ],
  ])('exits 2 on a seed file with %s, sending nothing', async (_label, content, message) => {
    const result = await seed(['--file', seedFile(content), '--base', `http://127.0.0.1:${await closedPort()}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on bad arguments and on an unreadable file; --help exits 0', async () => {
    const help = await seed(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 API error, 2 bad input, 3 unreachable, 4 verification failed');
    expect((await seed(['--file', SEED_FILE])).code).toBe(2);
    expect((await seed(['--file', SEED_FILE, '--base', 'ftp://x'])).code).toBe(2);
    expect((await seed(['--file', SEED_FILE, '--base', base, '--bogus'])).code).toBe(2);
    expect((await seed(['--file', SEED_FILE, '--base', base, '--wait-timeout', 'soon'])).code).toBe(2);
    expect((await seed(['--file', SEED_FILE, '--base', base, '--sql-verify'])).code).toBe(2);
    const missing = await seed(['--file', path.join(dir, 'absent.json'), '--base', base]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
  });

  it('exits 1 on a refused token and never prints a token', async () => {
    const wrong = 'wrong-token-abcdefghijklmnop';
    const refused = await seed(['--file', SEED_FILE, '--base', base, '--json'], { ENGRAM_TOKEN: wrong });
    expect(refused.code).toBe(1);
    expect(refused.json.error).toMatchObject({ kind: 'api_error', status: 401, code: 'unknown_credentials' });
    const human = await seed(['--file', SEED_FILE, '--base', base], { ENGRAM_TOKEN: wrong });
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('answered 401 unknown_credentials');
    const accepted = await seed(['--file', SEED_FILE, '--base', base, '--verify', '--json']);
    expect(accepted.code).toBe(0);
    for (const run of [refused, human, accepted]) {
      expect(run.stdout + run.stderr).not.toContain(wrong);
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
    }
  });

  describe('retries (against a scripted server)', () => {
    let server: Server;
    let stubBase: string;
    let answers: number[];
    let posts: number;

    beforeAll(async () => {
      server = createServer((request: IncomingMessage, response: ServerResponse) => {
        request.resume();
        request.on('end', () => {
          if (request.method === 'GET') {
            response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"pin_not_found"}}');
            return;
          }
          posts += 1;
          const status = answers.shift() ?? 500;
          response
            .writeHead(status, { 'content-type': 'application/json' })
            .end(JSON.stringify({ id: 'stub-id', error: { code: `stub_${status}` } }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      stubBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    beforeEach(() => {
      posts = 0;
    });

    it('retries 5xx and 429, then succeeds', async () => {
      answers = [503, 429, 201];
      const file = seedFile({ pins: [{ key: 'k', value: 1 }] });
      const result = await seed(['--file', file, '--base', stubBase], { SEED_RETRIES: '3' });
      expect(result.code).toBe(0);
      expect(posts).toBe(3);
      expect(result.stdout).toContain('1 created, 0 updated, 0 unchanged');
    });

    it('never retries a 4xx, and exits 1 when 5xx outlasts the retries', async () => {
      const file = seedFile({ pins: [{ key: 'k', value: 1 }] });
      answers = [400, 201];
      const rejected = await seed(['--file', file, '--base', stubBase], { SEED_RETRIES: '3' });
      expect(rejected.code).toBe(1);
      expect(posts).toBe(1);
      expect(rejected.stderr).toContain('answered 400 stub_400');

      posts = 0;
      answers = [502, 502];
      const failing = await seed(['--file', file, '--base', stubBase], { SEED_RETRIES: '1' });
      expect(failing.code).toBe(1);
      expect(posts).toBe(2);
    });
  });
});
