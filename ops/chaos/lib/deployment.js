'use strict';
/**
 * A local Engram deployment of the experiment's own: a private Redis, a private Postgres cluster
 * (its own initdb, so stopping it disturbs nobody), and the API and the worker as separate
 * processes of the built CLI, as production runs them. Every process it starts is tracked, so
 * `destroy()` (called from a finally and from the signal handlers) leaves nothing behind.
 */
const { spawn, execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { chmodSync, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const STARTUP_TIMEOUT_MS = 90_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class SetupError extends Error {}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(address.port));
    });
  });
}

/** Polls `check` until it returns a truthy value; always sleeps between tries, gives up at the deadline. */
async function until(check, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      return undefined;
    }
    await sleep(everyMs);
  }
}

function which(name, fallbacks = []) {
  for (const dir of (process.env.PATH || '').split(':').filter(Boolean)) {
    if (existsSync(path.join(dir, name))) {
      return path.join(dir, name);
    }
  }
  return fallbacks.find((candidate) => existsSync(candidate));
}

function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? readdirSync(base).filter((name) => /^\d+$/.test(name)) : [];
  majors.sort((a, b) => Number(a) - Number(b));
  const dir = majors.length ? path.join(base, majors[majors.length - 1], 'bin') : undefined;
  if (!dir || !existsSync(path.join(dir, 'initdb'))) {
    throw new SetupError(
      'no Postgres server binaries under /usr/lib/postgresql/*/bin (ops/test-services installs them)',
    );
  }
  return dir;
}

/** A process the deployment started: kill() waits for it to be gone. */
function tracked(child, label) {
  const entry = {
    child,
    label,
    exited: false,
    kill(signal = 'SIGKILL') {
      if (entry.exited) {
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
  child.once('exit', () => (entry.exited = true));
  return entry;
}

/**
 * @param {{ logDir?: string, env?: Record<string, string> }} options
 *   env: extra environment for the API and the worker (e.g. shorter sweep intervals).
 */
async function startDeployment(options = {}) {
  if (!existsSync(CLI)) {
    throw new SetupError(`${path.relative(process.cwd(), CLI)} is missing: run npm run build first`);
  }
  const redisBinary = which('redis-server', ['/usr/bin/redis-server']);
  if (!redisBinary) {
    throw new SetupError('redis-server is not installed (ops/test-services installs it)');
  }
  const pgBin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-chaos-'));
  chmodSync(dir, 0o777);
  const logDir = options.logDir || dir;
  const processes = new Set();
  const adminToken = `chaos-admin-${randomBytes(12).toString('hex')}`;
  const [redisPort, pgPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;
  const base = `http://127.0.0.1:${apiPort}`;
  const log = (name) => createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });

  // --- Redis -----------------------------------------------------------------------------
  let redis = null;
  const redisControl = {
    url: redisUrl,
    async start() {
      const child = spawn(
        redisBinary,
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      redis = tracked(child, 'redis');
      processes.add(redis);
      const up = await until(() => redisCommand('PING').then((reply) => reply === 'PONG'), 10_000, 50);
      if (!up) {
        throw new SetupError(`the private redis on port ${redisPort} did not start`);
      }
    },
    /** SIGKILL: everything in it is gone (no persistence). */
    async kill() {
      if (redis) {
        await redis.kill('SIGKILL');
        processes.delete(redis);
        redis = null;
      }
    },
    /** SIGSTOP: connections stay open, nothing is answered until resume(). */
    pause() {
      redis?.child.kill('SIGSTOP');
    },
    resume() {
      redis?.child.kill('SIGCONT');
    },
    flushAll() {
      return redisCommand('FLUSHALL');
    },
    command: (...args) => redisCommand(...args),
  };

  /** One command over a fresh connection (ioredis), so a stalled server cannot wedge the harness. */
  async function redisCommand(...args) {
    const IORedis = require('ioredis');
    const client = new IORedis(redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
      commandTimeout: 1000,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      return await client.call(...args);
    } finally {
      client.disconnect();
    }
  }

  // --- Postgres --------------------------------------------------------------------------
  const data = path.join(dir, 'pgdata');
  const asOwner = (command, args) => {
    const [file, argv] =
      process.getuid && process.getuid() === 0
        ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
        : [command, args];
    execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  let postgresRunning = false;
  const pgOptions = `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const postgres = {
    url: databaseUrl,
    start() {
      asOwner(path.join(pgBin, 'pg_ctl'), [
        '-D',
        data,
        '-o',
        pgOptions,
        '-l',
        path.join(dir, 'postgres.log'),
        '-w',
        'start',
      ]);
      postgresRunning = true;
    },
    /** pg_ctl stop -m fast|immediate, waiting until the server is gone. */
    stop(mode = 'fast') {
      asOwner(path.join(pgBin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
      postgresRunning = false;
    },
    get running() {
      return postgresRunning;
    },
    /** One query as the superuser, past row-level security (assertions read every tenant's rows). */
    async query(sql, params = []) {
      const { Client } = require('pg');
      const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
      client.on('error', () => {});
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
  };

  // --- Engram processes ------------------------------------------------------------------
  const env = {
    PATH: process.env.PATH,
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: 'engram-chaos',
    ENGRAM_ADMIN_TOKEN: adminToken,
    MIGRATE_ON_START: 'false',
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '4',
    ...(options.env || {}),
  };
  const roles = { api: null, worker: null };
  function startProcess(role) {
    const child = spawn(process.execPath, [CLI, role], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = log(role);
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const entry = tracked(child, role);
    processes.add(entry);
    roles[role] = entry;
    return entry;
  }

  const deployment = {
    dir,
    logDir,
    base,
    adminToken,
    redis: redisControl,
    postgres,
    /** Milliseconds the start took, for the summary. */
    startedInMs: 0,
    async startApi() {
      startProcess('api');
      const ready = await until(async () => {
        if (roles.api.exited) {
          throw new SetupError(`the API exited during start (see ${path.join(logDir, 'api.log')})`);
        }
        const response = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2000) });
        return response.ok;
      }, STARTUP_TIMEOUT_MS);
      if (!ready) {
        throw new SetupError(
          `the API did not become ready within ${STARTUP_TIMEOUT_MS / 1000} s (see ${logDir}/api.log)`,
        );
      }
    },
    startWorker() {
      return startProcess('worker');
    },
    /** SIGKILL the worker (no shutdown hook runs: its active jobs are left mid-flight in Redis). */
    async killWorker() {
      if (roles.worker) {
        const worker = roles.worker;
        await worker.kill('SIGKILL');
        processes.delete(worker);
        roles.worker = null;
      }
    },
    get apiPid() {
      return roles.api && roles.api.child.pid;
    },
    get workerPid() {
      return roles.worker && roles.worker.child.pid;
    },
    /** Whether the API or the worker died by itself (a crash is always a finding). */
    crashed() {
      return Object.entries(roles)
        .filter(([, entry]) => entry && entry.exited)
        .map(([role, entry]) => `${role} exited (${entry.child.exitCode ?? entry.child.signalCode})`);
    },
    async destroy() {
      for (const entry of [...processes].reverse()) {
        if (entry.label === 'redis') {
          entry.child.kill('SIGCONT');
        }
        await entry.kill('SIGKILL');
      }
      processes.clear();
      if (postgresRunning || existsSync(path.join(data, 'postmaster.pid'))) {
        try {
          postgres.stop('immediate');
        } catch {
          // already stopped
        }
      }
      if (!options.keep) {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    /** Synchronous last resort for process exit: signal everything, stop the cluster. */
    destroySync() {
      for (const entry of processes) {
        try {
          entry.child.kill('SIGCONT');
          entry.child.kill('SIGKILL');
        } catch {
          // gone
        }
      }
      try {
        postgres.stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const started = Date.now();
  try {
    asOwner(path.join(pgBin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    postgres.start();
    await redisControl.start();
    execFileSync(process.execPath, [CLI, 'migrate', 'up'], {
      env: { ...env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // The worker starts while the API loads; both load the sentence model.
    startProcess('worker');
    await deployment.startApi();
  } catch (error) {
    await deployment.destroy();
    throw error instanceof SetupError ? error : new SetupError(`could not start the deployment: ${error.message}`);
  }
  deployment.startedInMs = Date.now() - started;
  return deployment;
}

module.exports = { startDeployment, SetupError, until, sleep, freePort, ROOT };
