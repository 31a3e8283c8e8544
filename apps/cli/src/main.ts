#!/usr/bin/env node
import 'reflect-metadata';
import { constants } from 'node:os';
import { Command, CommanderError } from 'commander';
import { ConfigValidationError, EngramConfig, isLoopbackHost, parseConfig } from '@engram/config';
import { registerBackupCommands } from './backup-commands';
import { registerDataCommands } from './data-commands';
import { registerFlagsCommands } from './flags-commands';
import { registerTransferCommands } from './transfer-commands';

/**
 * The server side (Nest, the database, the model) is loaded only by the commands that run it:
 * a data command is an HTTP client, and loading the server first would cost it ~1.5 s per call.
 */
const serverSide = () => import('./runtime');
const apiSide = () => import('../../api/src/bootstrap');
const workerSide = () => import('../../worker/src/worker.module');
const migrations = () => import('@engram/migrations');
/** Loaded before the server side: the instrumentation must see `http` and `pg` being loaded. */
const tracingSide = () => import('@engram/tracing');

/**
 * Exit codes: 0 ok, 1 runtime failure, 2 bad configuration or usage (or a port or data directory
 * in use); the data commands add 3 (the API answered with an error) and 4 (no server).
 */
const EXIT_CONFIG = 2;
/** A shutdown that takes longer is cut short; the data directory's lock goes with the process. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

/** A start that fails for a reason the operator fixes (a port in use): one line, exit 2. */
class StartupError extends Error {}

/** Why the server cannot listen, in the operator's terms; undefined for anything unexpected. */
function listenProblem(error: unknown, host: string, port: number): string | undefined {
  const where = `${host}:${port}`;
  const code: string = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is already in use (set PORT, or stop what holds it)`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges; set PORT)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: HOST is not an address of this machine (set HOST)`;
    default:
      return undefined;
  }
}

function loadConfig(): EngramConfig {
  const config = parseConfig(process.env);
  if (!config.ENGRAM_ADMIN_TOKEN && !isLoopbackHost(config.HOST)) {
    throw new ConfigValidationError([
      `ENGRAM_ADMIN_TOKEN: required when HOST (${config.HOST}) is reachable from other machines`,
    ]);
  }
  return config;
}

/**
 * What SIGINT/SIGTERM close, newest first: the apps, then storage, which releases the data
 * directory's lock once PGlite has closed its files. Signals are handled here, not by Nest's
 * shutdown hooks, so everything closes in order, from the first moment of the process: a
 * signal during startup or in the middle of `migrate` still leaves no lock behind.
 * A server stopped so exits 0 (a clean shutdown); an interrupted command exits 128 + signal.
 * A second signal exits at once.
 */
const closers: (() => Promise<void>)[] = [];
let serving = false;
let stopping = false;

function onSignal(signal: NodeJS.Signals): void {
  const code = serving ? 0 : 128 + constants.signals[signal];
  if (stopping) {
    process.exit(code);
  }
  stopping = true;
  setTimeout(() => process.exit(code), SHUTDOWN_TIMEOUT_MS).unref();
  void (async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => console.error(error));
    }
    process.exit(code);
  })();
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

async function runServer(options: { api: boolean; worker: boolean }): Promise<void> {
  const config = loadConfig();
  const { startTracing } = await tracingSide();
  const tracing = await startTracing(config, { serviceName: options.api ? 'engram-api' : 'engram-worker' });
  // The first closer runs last: spans of the shutdown itself are exported too.
  closers.push(() => tracing.shutdown());
  const { serverMigrates, startStorage } = await serverSide();
  const storage = await startStorage(config, serverMigrates(config));
  closers.push(() => storage.stop());
  const runtime = { databaseUrl: storage.databaseUrl, embeddedDatabase: storage.embedded !== null };
  if (options.api) {
    const { createApi } = await apiSide();
    const api = await createApi(config, { ...runtime, worker: options.worker });
    try {
      // Fastify's own listen: Nest's would log the error as well, and the operator needs one line.
      await api.getHttpAdapter().getInstance().listen({ port: config.PORT, host: config.HOST });
    } catch (error) {
      await api.close();
      await storage.stop();
      const problem = listenProblem(error, config.HOST, config.PORT);
      throw problem ? new StartupError(problem) : error;
    }
    closers.push(() => api.close());
    api
      .getHttpAdapter()
      .getInstance()
      .log.info(
        {
          port: config.PORT,
          host: config.HOST,
          database: storage.embedded ? 'pglite' : 'postgres',
          queue: config.REDIS_URL ? 'bullmq' : 'inline',
        },
        `engram listening on http://${config.HOST}:${config.PORT}`,
      );
  } else {
    const { createWorker } = await workerSide();
    const worker = await createWorker(config, runtime);
    closers.push(() => worker.close());
  }
  serving = true;
}

async function withMigrationUrl<T>(work: (url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { startStorage } = await serverSide();
  const storage = await startStorage(config, false);
  closers.push(() => storage.stop());
  try {
    return await work(storage.migrationUrl);
  } finally {
    await storage.stop();
  }
}

const program = new Command()
  .name('engram')
  .description('Engram: a multi-tenant memory service for AI agents')
  .exitOverride();

program
  .command('serve')
  .description('run the API and the worker in one process (the default for `npm start`)')
  .action(() => runServer({ api: true, worker: true }));
program
  .command('api')
  .description('run the HTTP API only (jobs are processed by `engram worker`)')
  .action(() => runServer({ api: true, worker: false }));
program
  .command('worker')
  .description('run the job worker only')
  .action(() => runServer({ api: false, worker: true }));

program
  .command('mcp')
  .description('serve MCP on stdio: to ENGRAM_URL with ENGRAM_TOKEN, or on the embedded database (docs/mcp.md)')
  .action(async () => (await import('./mcp')).runMcp(closers));

const migrate = program.command('migrate').description('database migrations');
migrate
  .command('up')
  .description('apply every pending migration')
  .action(() =>
    withMigrationUrl(async (url) => {
      const applied = await (await migrations()).migrateUp(url);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
    }),
  );
migrate
  .command('down')
  .description('revert the newest migrations')
  .option('--steps <n>', 'how many to revert', '1')
  .action((options: { steps: string }) =>
    withMigrationUrl(async (url) => {
      const steps = Number(options.steps);
      if (!Number.isInteger(steps) || steps < 1) {
        throw new ConfigValidationError(['--steps: must be a whole number ≥ 1']);
      }
      const reverted = await (await migrations()).migrateDown(url, steps);
      console.log(reverted.length ? `reverted: ${reverted.join(', ')}` : 'nothing to revert');
    }),
  );
migrate
  .command('status')
  .description('list migrations and whether each is applied')
  .action(() =>
    withMigrationUrl(async (url) => {
      for (const { name, applied } of await (await migrations()).migrationStatus(url)) {
        console.log(`${applied ? '[x]' : '[ ]'} ${name}`);
      }
    }),
  );

registerDataCommands(program);
registerTransferCommands(program, closers);
registerBackupCommands(program);
registerFlagsCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : EXIT_CONFIG);
  }
  if (error instanceof ConfigValidationError) {
    console.error(error.message);
    process.exit(EXIT_CONFIG);
  }
  // By name: the lock's module is loaded only with the server side.
  if (error instanceof StartupError || (error instanceof Error && error.name === 'DataDirLockedError')) {
    console.error(`engram: ${error.message}`);
    process.exit(EXIT_CONFIG);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
