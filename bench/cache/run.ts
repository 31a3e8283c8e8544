import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { migrateUp } from '@engram/migrations';
import { LoadResult, LOAD_HEADERS, assertClean, formatTable, loadRow, ratioRow, writeResults } from '../lib/report';
import { formatBlock, loadAverage, postgresVersion, printMachine } from '../lib/machine';
import { compareInRounds, cycle } from '../lib/load';
import { list, numberOption, readOptions } from '../lib/options';
import { createScratchDatabase } from '../lib/postgres';
import { deleteRedisKeys, redisVersion, workerListening } from '../lib/redis';
import { ServerProcess, freePort, startServer } from '../lib/processes';
import { zipfNote, zipfQuery } from '../lib/synthetic';

/**
 * The memory cache's effect (docs/cache.md): pin GET and context over HTTP, from two Engram APIs
 * on one database, one with MEMORY_CACHE_ENABLED=true (in Redis), one without, in alternating
 * rounds of the same run, with the hit rate read from the cached API's /metrics. See
 * bench/README.md.
 */
const SCENARIOS = ['pin-get', 'context'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** `cached`: the cache in Redis; `local`: in process (no REDIS_URL, inline queue); `uncached`: off. */
const KINDS = ['cached', 'local', 'uncached'] as const;
type ServerKind = (typeof KINDS)[number];

const raw = readOptions('bench:cache', {
  connections: { env: 'BENCH_CONNECTIONS', default: '10', description: 'concurrent HTTP connections' },
  duration: { env: 'BENCH_DURATION', default: '10', description: 'measured seconds per scenario and server' },
  warmup: { env: 'BENCH_WARMUP', default: '2', description: 'warm-up seconds per server (discarded)' },
  rounds: { env: 'BENCH_ROUNDS', default: '4', description: 'alternating cached/uncached rounds' },
  keys: { env: 'BENCH_KEYS', default: '1000', description: 'pins seeded' },
  'hot-keys': { env: 'BENCH_HOT_KEYS', default: '100', description: 'pins the GETs cycle through (the first ones)' },
  memories: { env: 'BENCH_MEMORIES', default: '2000', description: 'memories in the queried namespace' },
  queries: { env: 'BENCH_QUERIES', default: '50', description: 'distinct context requests the load cycles through' },
  'ttl-ms': { env: 'BENCH_CACHE_TTL_MS', default: '5000', description: 'MEMORY_CACHE_TTL_MS of the cached API' },
  scenarios: { env: 'BENCH_SCENARIOS', default: SCENARIOS.join(','), description: 'scenarios to run' },
  'database-url': {
    env: 'BENCH_DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    description: 'Postgres to create a scratch database on (needs CREATEDB)',
  },
  'redis-url': { env: 'BENCH_REDIS_URL', default: 'redis://127.0.0.1:6379', description: 'Redis (BullMQ, cache)' },
});
const options = {
  connections: numberOption('connections', raw.connections),
  duration: numberOption('duration', raw.duration),
  warmup: numberOption('warmup', raw.warmup, 0),
  rounds: Math.round(numberOption('rounds', raw.rounds, 1)),
  keys: numberOption('keys', raw.keys),
  hotKeys: numberOption('hot-keys', raw['hot-keys']),
  memories: numberOption('memories', raw.memories),
  queries: numberOption('queries', raw.queries),
  ttlMs: numberOption('ttl-ms', raw['ttl-ms']),
  scenarios: list('scenarios', raw.scenarios, SCENARIOS),
  databaseUrl: raw['database-url'],
  redisUrl: raw['redis-url'],
};

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'src', 'main.js');
const TENANT = 'bench';
const NAMESPACE = 'bench';
const PINS = '/api/v1/memory/pins';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const HEADERS = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
const KEYS = Array.from({ length: options.keys }, (_, i) => `bench:pin/${String(i).padStart(6, '0')}`);
const CONTEXT_BODIES = Array.from({ length: options.queries }, (_, i) =>
  JSON.stringify({
    tenant_id: TENANT,
    namespace: NAMESPACE,
    query: zipfQuery(i),
    token_budget: 2000,
    pin_prefixes: ['bench:pin/00000'],
  }),
);

async function post(server: ServerProcess, path: string, body: unknown): Promise<Response> {
  const response = await fetch(server.url + path, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
  if (response.status >= 300) {
    throw new Error(`${server.name}: POST ${path} answered ${response.status}: ${await response.text()}`);
  }
  return response;
}

/** Through the API (the uncached one): a tenant, pins, a namespace of memories. */
async function seed(server: ServerProcess): Promise<void> {
  await post(server, '/api/v1/admin/tenants', { id: TENANT, name: 'Bench', plan: 'premium' });
  const nextKey = cycle(KEYS);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = 0; i < Math.ceil(KEYS.length / 16); i++) {
        await post(server, PINS, { tenant_id: TENANT, key: nextKey(), value: { limit: i, tags: ['bench'] } });
      }
    }),
  );
  await post(server, '/api/v1/namespaces', { tenant_id: TENANT, name: NAMESPACE, embedding_model: 'local-hash-384' });
  for (let start = 0; start < options.memories; start += 500) {
    const memories = Array.from({ length: Math.min(500, options.memories - start) }, (_, i) => ({
      content: zipfNote(start + i),
    }));
    await post(server, '/api/v1/memories/batch', { tenant_id: TENANT, namespace: NAMESPACE, memories });
  }
}

function requestsFor(scenario: Scenario) {
  if (scenario === 'pin-get') {
    const nextKey = cycle(KEYS.slice(0, options.hotKeys));
    return [
      {
        method: 'GET' as const,
        headers: HEADERS,
        setupRequest: (request: object) => ({ ...request, path: `${PINS}/${nextKey()}?tenant_id=${TENANT}` }),
      },
    ];
  }
  const nextBody = cycle(CONTEXT_BODIES);
  return [
    {
      method: 'POST' as const,
      path: '/api/v1/context',
      headers: HEADERS,
      setupRequest: (request: object) => ({ ...request, body: nextBody() }),
    },
  ];
}

/** hits and misses of one kind, from the cached API's /metrics. */
async function cacheCounts(server: ServerProcess, kind: string): Promise<{ hits: number; misses: number }> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: HEADERS })).text();
  const read = (name: string) => Number(new RegExp(`^${name}\\{kind="${kind}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { hits: read('memory_cache_hits_total'), misses: read('memory_cache_misses_total') };
}

async function main(): Promise<void> {
  const versions = {
    postgres: await postgresVersion(options.databaseUrl),
    redis: await redisVersion(options.redisUrl),
  };
  const machine = printMachine(versions);
  const parameters = {
    connections: options.connections,
    'duration (s)': options.duration,
    'warm-up (s)': options.warmup,
    rounds: `${options.rounds} alternating rounds per scenario (cached, local, uncached, then reversed, …)`,
    data: `${options.keys} pins; ${options.memories} memories (local-hash-384) in one namespace`,
    'pin-get': `GET cycling through ${options.hotKeys} of the ${options.keys} pins`,
    context: `POST /api/v1/context cycling through ${options.queries} distinct queries, token_budget 2000, one pin prefix`,
    cached: `MEMORY_CACHE_ENABLED=true, in Redis, MEMORY_CACHE_TTL_MS=${options.ttlMs}`,
    local: 'the same, in process: no REDIS_URL (inline queue; it writes its own audit rows)',
    uncached: 'MEMORY_CACHE_ENABLED=false',
    both: 'engram api, LOG_LEVEL=warn, admin bearer token, one shared database and worker',
  };
  console.log(`\n${formatBlock('Parameters', parameters)}\n`);

  const database = await createScratchDatabase(options.databaseUrl);
  const prefix = `engram-bench-cache-${randomBytes(4).toString('hex')}`;
  const stops: (() => Promise<void>)[] = [];
  const results: Partial<
    Record<Scenario, { load: Record<ServerKind, LoadResult>; hitRate: Record<'cached' | 'local', number> }>
  > = {};
  const started = Date.now();
  try {
    await migrateUp(database.url);
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: prefix,
      ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      MIGRATE_ON_START: 'false',
      HOST: '127.0.0.1',
      EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
    };
    const worker = await startServer({
      name: 'engram worker',
      script: CLI,
      args: ['worker'],
      env,
      port: await freePort(),
      ready: () => workerListening(options.redisUrl, prefix),
    });
    stops.push(() => worker.stop());
    const servers = {} as Record<ServerKind, ServerProcess>;
    for (const kind of KINDS) {
      const { REDIS_URL: _redis, ...withoutRedis } = env;
      const server = await startServer({
        name: `engram api (${kind})`,
        script: CLI,
        args: ['api'],
        env: {
          ...(kind === 'local' ? withoutRedis : env),
          MEMORY_CACHE_ENABLED: String(kind !== 'uncached'),
          MEMORY_CACHE_TTL_MS: String(options.ttlMs),
        },
        port: await freePort(),
        readyPath: '/ready',
      });
      stops.push(() => server.stop());
      servers[kind] = server;
    }
    console.error(`  seeding… (load avg ${loadAverage()})`);
    await seed(servers.uncached);
    for (const scenario of options.scenarios) {
      console.error(`  ${scenario}… (load avg ${loadAverage()})`);
      const kind = scenario === 'pin-get' ? 'pin' : 'context';
      const before = [await cacheCounts(servers.cached, kind), await cacheCounts(servers.local, kind)];
      const measured = await compareInRounds(
        KINDS.map((server) => ({
          label: `${scenario} ${server}`,
          url: servers[server].url,
          requests: () => requestsFor(scenario),
        })),
        options,
      );
      measured.forEach(assertClean);
      const after = [await cacheCounts(servers.cached, kind), await cacheCounts(servers.local, kind)];
      const rate = (i: number) => {
        const hits = after[i].hits - before[i].hits;
        return hits / Math.max(1, hits + after[i].misses - before[i].misses);
      };
      results[scenario] = {
        load: { cached: measured[0], local: measured[1], uncached: measured[2] },
        hitRate: { cached: rate(0), local: rate(1) },
      };
    }
  } finally {
    for (const stop of stops.reverse()) {
      await stop();
    }
    await database.drop();
    await deleteRedisKeys(options.redisUrl, prefix);
  }

  const rows: string[][] = [];
  for (const scenario of options.scenarios) {
    const { load, hitRate } = results[scenario]!;
    rows.push(
      loadRow(`${scenario}  cached (redis)`, load.cached),
      loadRow(`${scenario}  cached (local)`, load.local),
      loadRow(`${scenario}  uncached`, load.uncached),
      ratioRow(`${scenario}  redis/uncached`, load.cached, load.uncached),
      ratioRow(`${scenario}  local/uncached`, load.local, load.uncached),
    );
    console.log(
      `${scenario}: hit rate ${(hitRate.cached * 100).toFixed(1)}% (redis), ${(hitRate.local * 100).toFixed(1)}% (local), warm-up included`,
    );
  }
  console.log(`\nPostgres (+ Redis for the redis-cached and uncached APIs)\n${formatTable(LOAD_HEADERS, rows)}`);
  console.log(
    `\nratio = cached / uncached (req/s: higher is better; latency: lower is better). load avg at end ${loadAverage()}. ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  );
  const file = writeResults('cache', { machine, parameters, results, finished: new Date().toISOString() });
  console.log(`raw results: ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
