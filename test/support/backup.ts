import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from './app';
import { CLI, Run, runCli } from './cli';

export { CLI, type Run };

/**
 * What the backup round trips share: the built CLI, a service seeded over HTTP, the data read
 * back with the original keys, and per-table fingerprints computed independently of the code
 * under test (count and md5 of every row's text in sorted order).
 */
/** PGlite compiles Postgres from WASM at each start: seconds alone, much longer on a loaded machine. */
export const RUN_TIMEOUT_MS = 90_000;
export const ADMIN_TOKEN = 'backup-test-admin-token-0123456789';

const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LOG_LEVEL: 'warn',
  EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
  ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
});

export function engram(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return runCli({ ...baseEnv(), ...env }, args, RUN_TIMEOUT_MS);
}

export interface Served {
  base: string;
  child: ChildProcess;
  stop(): Promise<number | string | null>;
}

/** `engram serve` on `env`'s database, ready to answer. */
export async function serve(env: Record<string, string>, port: number): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...baseEnv(), PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<number | string | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve(child.exitCode ?? child.signalCode);
        return;
      }
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', (code, signal) => {
        clearTimeout(kill);
        resolve(code ?? signal);
      });
      child.kill('SIGTERM');
    });
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`engram serve exited with ${child.exitCode}`);
        }
        return (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) })).ok;
      },
      RUN_TIMEOUT_MS,
      200,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, child, stop };
}

export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function ok(base: string, method: string, path: string, body: unknown, headers: Record<string, string>) {
  const response = await call(base, method, path, body, headers);
  if (response.status >= 300) {
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

export interface Seeded {
  a: { tenant: string; key: string; memoryIds: string[] };
  b: { tenant: string; key: string; memoryIds: string[] };
}

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Two tenants with a key each, pins (one with a TTL), a namespace of memories with vectors, a relation, audit rows. */
export async function seed(base: string, label: string): Promise<Seeded> {
  const tenants = [`${label}-a`, `${label}-b`];
  const seeded: Record<string, { tenant: string; key: string; memoryIds: string[] }> = {};
  for (const [index, tenant] of tenants.entries()) {
    await ok(base, 'POST', '/api/v1/admin/tenants', { id: tenant, name: `Tenant ${tenant}` }, admin);
    const created = await ok(
      base,
      'POST',
      `/api/v1/admin/tenants/${tenant}/api-keys`,
      { name: 'agent key', role: 'machine' },
      admin,
    );
    const key = { 'x-api-key': created.key as string };
    await ok(base, 'POST', '/api/v1/memory/pins', { key: 'config:rate_limits', value: { rpm: 600 + index } }, key);
    await ok(base, 'POST', '/api/v1/memory/pins', { key: 'run:state', value: ['a', 1], ttl_seconds: 3600 }, key);
    await ok(base, 'POST', '/api/v1/namespaces', { name: 'notes', description: 'billing notes' }, key);
    const batch = await ok(
      base,
      'POST',
      '/api/v1/memories/batch',
      {
        namespace: 'notes',
        memories: [
          { content: `Invoices for ${tenant} go out on the first Monday.`, tags: ['billing'], importance: 0.9 },
          { content: 'Ada prefers short answers.', type: 'episodic', metadata: { user: 'ada' } },
          { content: 'Refunds over 100 EUR need a second approval.', tags: ['billing', 'refunds'] },
          { content: 'The weekly report is due on Friday at noon.', type: 'procedural' },
        ],
      },
      key,
    );
    const memoryIds = (batch.memories as { id: string }[]).map((memory) => memory.id);
    await ok(
      base,
      'POST',
      `/api/v1/memories/${memoryIds[0]}/relations`,
      { relations: [{ to: memoryIds[2], relation: 'supports' }] },
      key,
    );
    await ok(base, 'GET', '/api/v1/memory/pins/config:rate_limits', undefined, key);
    seeded[index === 0 ? 'a' : 'b'] = { tenant, key: created.key as string, memoryIds };
  }
  return seeded as unknown as Seeded;
}

/** What the restored service must answer with the original keys, and what it must refuse. */
export async function readBack(base: string, seeded: Seeded): Promise<void> {
  const a = { 'x-api-key': seeded.a.key };
  const pin = await call(base, 'GET', '/api/v1/memory/pins/config:rate_limits', undefined, a);
  expect(pin).toMatchObject({ status: 200, body: { value: { rpm: 600 } } });
  expect((await call(base, 'GET', '/api/v1/memory/pins/run:state', undefined, a)).body.value).toEqual(['a', 1]);
  const list = await call(base, 'GET', '/api/v1/memories?namespace=notes', undefined, a);
  expect(list.status).toBe(200);
  expect((list.body.memories as { id: string }[]).map((memory) => memory.id).sort()).toEqual(
    [...seeded.a.memoryIds].sort(),
  );
  const search = await call(
    base,
    'POST',
    '/api/v1/memories/search',
    { query: 'when do invoices go out', namespace: 'notes' },
    a,
  );
  expect(search.status).toBe(200);
  expect(search.body.results[0].memory.content).toBe(`Invoices for ${seeded.a.tenant} go out on the first Monday.`);
  const related = await call(base, 'GET', `/api/v1/memories/${seeded.a.memoryIds[0]}/related`, undefined, a);
  expect(JSON.stringify(related.body)).toContain(seeded.a.memoryIds[2]);
  // Tenant binding and row-level security still hold: A's key reaches none of B's rows.
  expect((await call(base, 'GET', `/api/v1/memories/${seeded.b.memoryIds[0]}`, undefined, a)).status).toBe(404);
  expect(
    (await call(base, 'GET', `/api/v1/memory/pins/config:rate_limits?tenant_id=${seeded.b.tenant}`, undefined, a))
      .status,
  ).toBe(403);
  expect(
    (await call(base, 'GET', '/api/v1/memory/pins/config:rate_limits', undefined, { 'x-api-key': seeded.b.key })).body
      .value,
  ).toEqual({ rpm: 601 });
  // And the app role may still write (its grants came back).
  expect((await call(base, 'POST', '/api/v1/memory/pins', { key: 'after:restore', value: true }, a)).status).toBe(201);
}

export type Fingerprints = Record<string, { rows: number; md5: string }>;

/** Every public table's row count and md5 of its rows' text in sorted order, as the superuser. */
export async function fingerprints(url: string): Promise<Fingerprints> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // RESET ROLE: on PGlite every client shares one session, which an app may have left as engram_app.
    await client.query(`RESET ROLE; SET TimeZone = 'UTC'; SET extra_float_digits = 1`);
    const tables = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    const result: Fingerprints = {};
    for (const { name } of tables.rows) {
      const [row] = (
        await client.query<{ rows: number; md5: string }>(
          `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5
             FROM public."${name}" t`,
        )
      ).rows;
      result[name] = row;
    }
    return result;
  } finally {
    await client.end();
  }
}

/** The tables the seed writes to, each of which must have come back with rows. */
export const SEEDED_TABLES = [
  'tenants',
  'api_keys',
  'memory_pins',
  'namespaces',
  'memories',
  'memory_embeddings',
  'memory_relations',
  'memory_audit',
  'schema_migrations',
];

/** A copy of a backup with one byte changed in the middle, and its manifest unchanged beside it. */
export function damagedCopy(file: string, dir: string): string {
  const copy = join(dir, 'damaged-engram.dump');
  const bytes = readFileSync(file);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  writeFileSync(copy, bytes);
  copyFileSync(`${file}.manifest.json`, `${copy}.manifest.json`);
  return copy;
}
