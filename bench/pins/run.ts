import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateUp } from '@engram/migrations';
import { LoadResult, LOAD_HEADERS, assertClean, formatTable, loadRow, ratioRow, writeResults } from '../lib/report';
import { formatBlock, loadAverage, pgliteVersion, postgresVersion, printMachine } from '../lib/machine';
import { compareInRounds, cycle } from '../lib/load';
import { list, numberOption, readOptions } from '../lib/options';
import { createScratchDatabase } from '../lib/postgres';
import { deleteRedisKeys, redisVersion, workerListening } from '../lib/redis';
import { ServerProcess, freePort, startServer } from '../lib/processes';

/**
 * Pins over HTTP: upsert and get throughput and latency of the Engram API against a bare
 * Fastify + pg server running the same SQL, on the Postgres path (Postgres + Redis/BullMQ) and
 * the embedded path (PGlite + inline queue). Servers run in child processes; autocannon runs
 * here and alternates between them in rounds. See bench/README.md.
 */
const PATHS = ['postgres', 'embedded'] as const;
const SCENARIOS = ['get', 'upsert'] as const;
type PathName = (typeof PATHS)[number];
type Scenario = (typeof SCENARIOS)[number];
type ServerKind = 'engram' | 'bare';

const raw = readOptions('bench:pins', {
  connections: { env: 'BENCH_CONNECTIONS', default: '10', description: 'concurrent HTTP connections' },
  duration: { env: 'BENCH_DURATION', default: '10', description: 'measured seconds per scenario and server' },
  warmup: {
    env: 'BENCH_WARMUP',
    default: '3',
    description: 'warm-up seconds per server before each scenario (discarded)',
  },
  rounds: {
    env: 'BENCH_ROUNDS',
    default: '5',
    description: 'alternating Engram/bare rounds the duration is split into',
  },
  keys: { env: 'BENCH_KEYS', default: '1000', description: 'pre-seeded keys the requests cycle through' },
  paths: { env: 'BENCH_PATHS', default: PATHS.join(','), description: 'storage paths to run' },
  scenarios: { env: 'BENCH_SCENARIOS', default: SCENARIOS.join(','), description: 'scenarios to run' },
  'database-url': {
    env: 'BENCH_DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    description: 'Postgres to create scratch databases on (needs CREATEDB)',
  },
  'redis-url': { env: 'BENCH_REDIS_URL', default: 'redis://127.0.0.1:6379', description: 'Redis for BullMQ' },
});
const options = {
  connections: numberOption('connections', raw.connections),
  duration: numberOption('duration', raw.duration),
  warmup: numberOption('warmup', raw.warmup, 0),
  rounds: Math.round(numberOption('rounds', raw.rounds, 1)),
  keys: numberOption('keys', raw.keys),
  paths: list('paths', raw.paths, PATHS),
  scenarios: list('scenarios', raw.scenarios, SCENARIOS),
  databaseUrl: raw['database-url'],
  redisUrl: raw['redis-url'],
};

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'src', 'main.js');
const BARE = join(__dirname, 'server-bare.js');
const TENANT = 'bench';
const PINS = '/api/v1/memory/pins';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const HEADERS = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
const KEYS = Array.from({ length: options.keys }, (_, i) => `bench:pin/${String(i).padStart(6, '0')}`);

/** A typical small configuration pin (~170 bytes of JSON). */
function pinValue(n: number): unknown {
  return {
    model: 'small-2025',
    temperature: 0.2,
    limits: { rpm: 600, tpm: 90_000 },
    tags: ['bench', 'pins'],
    revision: n,
  };
}

function upsertBody(key: string, n: number): string {
  return JSON.stringify({ tenant_id: TENANT, key, value: pinValue(n) });
}

/** Stores every key once (also checks the server answers what the bench expects). */
async function seed(server: ServerProcess): Promise<void> {
  // Data routes need an existing tenant; the bare server has no tenant registry (404 is fine there).
  const created = await fetch(`${server.url}/api/v1/admin/tenants`, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ id: TENANT, name: 'Bench', plan: 'premium' }),
  });
  if (![201, 404, 409].includes(created.status)) {
    throw new Error(`${server.name}: creating tenant ${TENANT} answered ${created.status}: ${await created.text()}`);
  }
  const nextKey = cycle(KEYS);
  const worker = async () => {
    for (let i = 0; i < Math.ceil(KEYS.length / 16); i++) {
      const key = nextKey();
      const response = await fetch(server.url + PINS, { method: 'POST', headers: HEADERS, body: upsertBody(key, 0) });
      if (response.status !== 201 && response.status !== 200) {
        throw new Error(`${server.name}: seeding ${key} answered ${response.status}: ${await response.text()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const check = await fetch(`${server.url}${PINS}/${KEYS[KEYS.length - 1]}?tenant_id=${TENANT}`, { headers: HEADERS });
  if (check.status !== 200) {
    throw new Error(`${server.name}: reading a seeded pin answered ${check.status}`);
  }
}

function requestsFor(scenario: Scenario) {
  const nextKey = cycle(KEYS);
  if (scenario === 'get') {
    return [
      {
        method: 'GET',
        headers: HEADERS,
        setupRequest: (request: object) => ({ ...request, path: `${PINS}/${nextKey()}?tenant_id=${TENANT}` }),
      },
    ];
  }
  let revision = 0;
  return [
    {
      method: 'POST',
      path: PINS,
      headers: HEADERS,
      setupRequest: (request: object) => ({ ...request, body: upsertBody(nextKey(), ++revision) }),
    },
  ];
}

interface PathSetup {
  /** Starts one server kind on this path; returns it and what to stop afterwards. */
  start(kind: ServerKind): Promise<{ server: ServerProcess; stop: () => Promise<void> }>;
  cleanup(): Promise<void>;
}

async function postgresPath(): Promise<PathSetup> {
  const databases: { drop(): Promise<void> }[] = [];
  const prefix = `engram-bench-${randomBytes(4).toString('hex')}`;
  return {
    async start(kind) {
      // Each server gets its own database: neither sees the other's rows, dead tuples or audit log.
      const database = await createScratchDatabase(options.databaseUrl);
      databases.push(database);
      await migrateUp(database.url);
      const port = await freePort();
      if (kind === 'bare') {
        const server = await startServer({
          name: 'bare (postgres)',
          script: BARE,
          env: { DATABASE_URL: database.url },
          port,
          readyPath: '/health',
        });
        return { server, stop: () => server.stop() };
      }
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: options.redisUrl,
        QUEUE_PREFIX: prefix,
        ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        MIGRATE_ON_START: 'false',
        HOST: '127.0.0.1',
      };
      // As deployed: the API and the worker (which writes the audit log) in separate processes.
      const worker = await startServer({
        name: 'engram worker',
        script: CLI,
        args: ['worker'],
        env,
        port: await freePort(),
        ready: () => workerListening(options.redisUrl, prefix),
      });
      const server = await startServer({
        name: 'engram api (postgres)',
        script: CLI,
        args: ['api'],
        env,
        port,
        readyPath: '/ready',
      });
      return {
        server,
        async stop() {
          await server.stop();
          await worker.stop();
        },
      };
    },
    async cleanup() {
      for (const database of databases) {
        await database.drop();
      }
      await deleteRedisKeys(options.redisUrl, prefix);
    },
  };
}

async function embeddedPath(): Promise<PathSetup> {
  const directories: string[] = [];
  const scratch = () => {
    const directory = mkdtempSync(join(tmpdir(), 'engram-bench-'));
    directories.push(directory);
    return directory;
  };
  return {
    async start(kind) {
      const port = await freePort();
      const server =
        kind === 'bare'
          ? await startServer({
              name: 'bare (pglite)',
              script: BARE,
              env: { BARE_DATA_DIR: scratch() },
              port,
              readyPath: '/health',
            })
          : await startServer({
              name: 'engram serve (embedded)',
              script: CLI,
              args: ['serve'],
              env: {
                ENGRAM_DATA_DIR: scratch(),
                ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
                LOG_LEVEL: 'warn',
                HOST: '127.0.0.1',
              },
              port,
              readyPath: '/ready',
            });
      return { server, stop: () => server.stop() };
    },
    async cleanup() {
      for (const directory of directories) {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}

type Results = Partial<Record<PathName, Partial<Record<Scenario, Record<ServerKind, LoadResult>>>>>;

async function runPath(path: PathName, results: Results): Promise<void> {
  const setup = path === 'postgres' ? await postgresPath() : await embeddedPath();
  const started: { server: ServerProcess; stop: () => Promise<void> }[] = [];
  try {
    // Both stay up for the whole path so their rounds can alternate; the idle one costs ~nothing.
    for (const kind of ['engram', 'bare'] as const) {
      started.push(await setup.start(kind));
      await seed(started[started.length - 1].server);
    }
    const [engram, bare] = started.map(({ server }) => server);
    results[path] = {};
    for (const scenario of options.scenarios) {
      console.error(`  ${path} ${scenario}… (load avg ${loadAverage()})`);
      const [engramResult, bareResult] = await compareInRounds(
        [
          { label: `${path} ${scenario} engram`, url: engram.url, requests: () => requestsFor(scenario) },
          { label: `${path} ${scenario} bare`, url: bare.url, requests: () => requestsFor(scenario) },
        ],
        options,
      );
      assertClean(engramResult);
      assertClean(bareResult);
      results[path][scenario] = { engram: engramResult, bare: bareResult };
    }
  } finally {
    for (const { stop } of started) {
      await stop();
    }
    await setup.cleanup();
  }
}

function printPath(path: PathName, results: Results): void {
  const rows: string[][] = [];
  for (const scenario of options.scenarios) {
    const { engram, bare } = results[path]![scenario]!;
    rows.push(
      loadRow(`${scenario}  engram`, engram),
      loadRow(`${scenario}  bare`, bare),
      ratioRow(`${scenario}  engram/bare`, engram, bare),
    );
  }
  const title =
    path === 'postgres' ? 'Postgres path (Postgres + BullMQ on Redis)' : 'Embedded path (PGlite + inline queue)';
  console.log(`\n${title}\n${formatTable(LOAD_HEADERS, rows)}`);
}

async function main(): Promise<void> {
  const versions: Record<string, string> = {};
  if (options.paths.includes('postgres')) {
    versions.postgres = await postgresVersion(options.databaseUrl).catch((error: Error) => {
      throw new Error(`Postgres is not reachable at ${options.databaseUrl} (run ops/test-services): ${error.message}`);
    });
    versions.redis = await redisVersion(options.redisUrl);
  }
  if (options.paths.includes('embedded')) {
    versions.pglite = await pgliteVersion();
  }
  const machine = printMachine(versions);
  const parameters = {
    connections: options.connections,
    'duration (s)': options.duration,
    'warm-up (s)': options.warmup,
    rounds: `${options.rounds} alternating rounds per scenario (engram, bare, bare, engram, …)`,
    keys: `${options.keys} pre-seeded, requests cycle through them; upserts replace existing pins`,
    engram: 'LOG_LEVEL=warn, admin bearer token on every request, DB_POOL_MAX 10 (Postgres) / 1 (PGlite)',
    bare: 'Fastify 5 + pg, same SQL, no auth/validation/metrics/audit, same pool size',
  };
  console.log(`\n${formatBlock('Parameters', parameters)}\n`);

  const results: Results = {};
  const started = Date.now();
  for (const path of options.paths) {
    await runPath(path, results);
  }
  for (const path of options.paths) {
    printPath(path, results);
  }
  console.log(
    `\nratio = engram / bare (req/s: higher is better; latency: lower is better). ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  );
  const file = writeResults('pins', { machine, parameters, results, finished: new Date().toISOString() });
  console.log(`raw results: ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
