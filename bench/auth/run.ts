/**
 * Cost of authentication + authorization + tenant binding + rate limiting on pins GET.
 *
 * Starts three `engram serve` processes from dist/ on identical databases, in one run:
 *   open    — open local mode (no credentials configured, no key exists): auth is skipped;
 *   auth    — ENGRAM_ADMIN_TOKEN set, a tenant and a machine API key; requests send the key;
 *   nolimit — the same as auth with RATE_LIMIT_ENABLED=false: the baseline for the rate limiter.
 * All serve the same pin; autocannon alternates between them (the order turns each round) and the
 * script prints requests/s for each and the ratios: auth / open (authentication as a whole) and
 * auth / nolimit (the rate limiter alone: with BENCH_REDIS_URL one atomic script call per request).
 * Then it times Database.withTenant (BEGIN + set_config, statement, COMMIT) against a bare
 * statement on the auth database.
 *
 *   npm run bench:auth                      # PGlite (embedded) databases
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:auth
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379/2   # rate limits counted in Redis
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=20 BENCH_ROUNDS=3
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { RateLimiter } from '@engram/auth';
import { ConfigService, parseConfig } from '@engram/config';
import { Database } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { loadAverage, machineInfo } from '../lib/machine';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (
  options: Record<string, unknown>,
) => Promise<{ requests: { average: number }; non2xx: number; errors: number; latency: { p50: number; p99: number } }>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADMIN_TOKEN = `bench-admin-${randomBytes(16).toString('hex')}`;
const CLI = resolve(__dirname, '../../apps/cli/src/main.js');
const PIN_KEY = 'bench:config';

interface Server {
  name: string;
  url: string;
  headers: Record<string, string>;
  process: ChildProcess;
  databaseUrl: string | null;
  cleanup: () => Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not healthy within 60 s`);
}

async function startServer(name: string, port: number, env: Record<string, string>): Promise<Server> {
  let databaseUrl: string | null = null;
  let dataDir: string | null = null;
  const base = process.env.BENCH_DATABASE_URL;
  const databaseName = `engram_bench_${name}_${randomBytes(4).toString('hex')}`;
  if (base) {
    await adminQuery(`CREATE DATABASE "${databaseName}"`);
    const url = new URL(base);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), `engram-bench-${name}-`));
  }
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'error',
      QUEUE_PREFIX: `engram-bench-${name}`,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { ENGRAM_DATA_DIR: dataDir! }),
      ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child);
  return {
    name,
    url,
    headers: {},
    process: child,
    databaseUrl,
    async cleanup() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      if (base) {
        await adminQuery(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      }
      if (dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

async function call(
  server: Server,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<any> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

/**
 * CPU seconds the server process has used (Linux /proc; clock ticks at 100 Hz). CPU per request
 * barely moves when other work competes for the cores, unlike throughput, so it is the steadier
 * measure on a shared machine.
 */
function cpuSeconds(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function load(server: Server): Promise<{ rps: number; p50: number; p99: number; cpuUsPerRequest: number }> {
  const cpuBefore = cpuSeconds(server.process);
  const result = await autocannon({
    url: `${server.url}/api/v1/memory/pins/${PIN_KEY}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: server.headers,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${server.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  const requests = result.requests.average * SECONDS;
  const cpuUsPerRequest = ((cpuSeconds(server.process) - cpuBefore) * 1e6) / requests;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuUsPerRequest };
}

async function timeTenantContext(databaseUrl: string, tenantId: string): Promise<void> {
  const db = new Database({
    url: databaseUrl,
    poolMax: 1,
    statementTimeoutMs: 0,
    preparedStatements: true,
    appRole: 'engram_app',
  });
  const owner = new Database({ url: databaseUrl, poolMax: 1, statementTimeoutMs: 0, preparedStatements: true });
  const sql = `SELECT key, value FROM memory_pins WHERE tenant_id = $1 AND key = $2`;
  const runs = 2000;
  const time = async (label: string, op: () => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) {
      await op();
    }
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      await op();
    }
    const micros = ((performance.now() - started) * 1000) / runs;
    console.log(`  ${label.padEnd(48)} ${micros.toFixed(0).padStart(6)} µs/op`);
    return micros;
  };
  console.log(`sequential pins GET statement, one connection, ${runs} runs:`);
  const bare = await time('bare statement (owner, no RLS)', () => owner.query(sql, [tenantId, PIN_KEY], 'b1'));
  const scoped = await time('withTenant: BEGIN+set_config; statement; COMMIT', () =>
    db.withTenant(tenantId, (tx) => tx.query(sql, [tenantId, PIN_KEY], 'b2')),
  );
  console.log(`  tenant context adds ${(scoped - bare).toFixed(0)} µs per statement (${(scoped / bare).toFixed(2)}×)`);
  await db.close();
  await owner.close();
}

/** A server with an admin token, a tenant and a machine key; requests send the key. */
async function startKeyed(name: string, port: number, env: Record<string, string>): Promise<Server> {
  const server = await startServer(name, port, { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN, ...env });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  // Room for the whole run: the point is the limiter's cost, not its refusals.
  await call(
    server,
    'POST',
    '/api/v1/admin/tenants',
    { id: 'bench', name: 'Bench', quotas: { requests_per_minute: 1_000_000_000 } },
    admin,
  );
  const key = await call(
    server,
    'POST',
    '/api/v1/admin/tenants/bench/api-keys',
    { name: 'bench', role: 'machine' },
    admin,
  );
  server.headers = { 'x-api-key': key.key };
  await call(
    server,
    'POST',
    '/api/v1/memory/pins',
    { key: PIN_KEY, value: { limit: 42, tiers: ['a', 'b'] } },
    server.headers,
  );
  return server;
}

/**
 * The limiter's own latency, one decision at a time: in memory, and (with BENCH_REDIS_URL) the
 * shared decision, one atomic script call on Redis.
 */
async function timeLimiter(): Promise<void> {
  const runs = 5000;
  const kinds: [string, Record<string, string>][] = [['memory', {}]];
  if (process.env.BENCH_REDIS_URL) {
    kinds.push(['redis', { REDIS_URL: process.env.BENCH_REDIS_URL }]);
  }
  console.log(`rate limiter decision, sequential, ${runs} runs:`);
  for (const [kind, env] of kinds) {
    const config = new ConfigService(
      parseConfig({ QUEUE_PREFIX: `engram-bench-limiter-${randomBytes(4).toString('hex')}`, ...env }),
    );
    const limiter = new RateLimiter(config, new MetricsService());
    // Connected first: a decision before that is taken locally (fail open), not what this times.
    await limiter.ready();
    for (let i = 0; i < 500; i++) {
      await limiter.hit('bench', 1_000_000_000);
    }
    const started = performance.now();
    for (let i = 0; i < runs; i++) {
      await limiter.hit('bench', 1_000_000_000);
    }
    const micros = ((performance.now() - started) * 1000) / runs;
    console.log(`  ${kind.padEnd(8)} ${micros.toFixed(1).padStart(7)} µs/decision`);
    limiter.onApplicationShutdown();
  }
}

async function main(): Promise<void> {
  const servers: Server[] = [];
  try {
    const open = await startServer('open', 18081, {});
    servers.push(open);
    await call(open, 'POST', '/api/v1/memory/pins', { key: PIN_KEY, value: { limit: 42, tiers: ['a', 'b'] } }, {});

    const auth = await startKeyed('auth', 18082, {});
    servers.push(auth);
    const nolimit = await startKeyed('nolimit', 18083, { RATE_LIMIT_ENABLED: 'false' });
    servers.push(nolimit);

    for (const [name, value] of Object.entries(machineInfo())) {
      console.log(`${name.padEnd(7)} ${value}`);
    }
    console.log(`load    ${loadAverage()}`);
    console.log(
      `pins GET, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, database: ${process.env.BENCH_DATABASE_URL ? 'postgres' : 'pglite'}, ` +
        `rate limits in ${process.env.BENCH_REDIS_URL ? 'redis' : 'memory'}`,
    );
    type Name = 'open' | 'auth' | 'nolimit';
    const totals: Record<Name, number> = { open: 0, auth: 0, nolimit: 0 };
    const cpu: Record<Name, number> = { open: 0, auth: 0, nolimit: 0 };
    const p50: Record<Name, number> = { open: 0, auth: 0, nolimit: 0 };
    const order = [open, auth, nolimit];
    for (let round = 1; round <= ROUNDS; round++) {
      // Turning the order each round spreads the machine's drift over all three.
      for (const server of [...order.slice(round % 3), ...order.slice(0, round % 3)]) {
        const result = await load(server);
        totals[server.name as Name] += result.rps;
        cpu[server.name as Name] += result.cpuUsPerRequest;
        p50[server.name as Name] += result.p50;
        console.log(
          `  round ${round} ${server.name.padEnd(7)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  ` +
            `server CPU ${result.cpuUsPerRequest.toFixed(0)} µs/request`,
        );
      }
    }
    const ratio = totals.auth / totals.open;
    console.log(
      `auth / open throughput: ${(ratio * 100).toFixed(1)}% (${((1 - ratio) * 100).toFixed(1)}% lower; target < 10%)`,
    );
    const cpuRatio = cpu.auth / cpu.open;
    console.log(
      `auth / open server CPU per request: ${(cpuRatio * 100).toFixed(1)}% ` +
        `(${(cpu.open / ROUNDS).toFixed(0)} → ${(cpu.auth / ROUNDS).toFixed(0)} µs; throughput on idle cores ≈ ${((1 / cpuRatio) * 100).toFixed(1)}%)`,
    );
    const limitRatio = totals.auth / totals.nolimit;
    const limitStore = process.env.BENCH_REDIS_URL ? 'Redis, one atomic script call' : 'memory';
    console.log(
      `rate limiter (${limitStore}): auth / nolimit throughput ${(limitRatio * 100).toFixed(1)}%, ` +
        `server CPU ${(cpu.nolimit / ROUNDS).toFixed(0)} → ${(cpu.auth / ROUNDS).toFixed(0)} µs/request ` +
        `(${((cpu.auth - cpu.nolimit) / ROUNDS).toFixed(0)} µs per request), ` +
        `p50 ${(p50.nolimit / ROUNDS).toFixed(2)} → ${(p50.auth / ROUNDS).toFixed(2)} ms`,
    );
    await timeLimiter();
    if (auth.databaseUrl) {
      await timeTenantContext(auth.databaseUrl, 'bench');
    }
  } finally {
    for (const server of servers.reverse()) {
      await server.cleanup();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
