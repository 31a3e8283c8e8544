import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { EngramConfig } from '@engram/config';
import type { Database } from '@engram/db';
import type { ImportEmbedder, ImportResult } from '@engram/transfer';

/**
 * `engram export` and `engram import` (docs/export.md): operator commands on the database itself
 * (DATABASE_URL, or the embedded data directory like `engram migrate`), not HTTP calls. Every
 * tenant-scoped statement runs as the app role under the tenant's row-level security context, as
 * the API's do. Exit codes: 0 done, 1 unexpected failure, 2 bad usage or input (a bad line, an
 * unknown tenant or namespace; stderr says which line and what was kept).
 */
const EXIT_INPUT = 2;

function batchSize(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 100_000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 100000');
  }
  return number;
}

function names(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/** The version in the package.json this build came from (dist/apps/cli/src → the repository). */
function engramVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'engram' && pkg.version) {
        return pkg.version;
      }
    }
  }
  return 'unknown';
}

/** The database as the app sees it: the app role (row-level security applies), checked like at boot. */
async function withDatabase<T>(
  closers: (() => Promise<void>)[],
  work: (db: Database, config: EngramConfig) => Promise<T>,
): Promise<T> {
  const { parseConfig } = await import('@engram/config');
  const { Database } = await import('@engram/db');
  const { startStorage } = await import('./runtime');
  const config = parseConfig(process.env);
  const storage = await startStorage(config, false);
  closers.push(() => storage.stop());
  const embedded = storage.embedded !== null;
  try {
    await assertSchema(storage.databaseUrl);
  } catch (error) {
    await storage.stop();
    throw error;
  }
  const db = new Database({
    url: storage.databaseUrl,
    poolMax: embedded ? 1 : 2,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    preparedStatements: false,
    embedded,
    appRole: config.DATABASE_APP_ROLE,
    applicationName: 'engram-transfer',
  });
  try {
    await db.assertRowSecurityApplies();
    return await work(db, config);
  } finally {
    await db.close();
    await storage.stop();
  }
}

/** Before the pool switches to the app role: an unmigrated database has neither it nor the tables. */
async function assertSchema(url: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>(`SELECT to_regclass('memories') IS NOT NULL AS present`);
    if (!rows[0].present) {
      throw new (await import('@engram/transfer')).TransferInputError(
        'the database has no Engram schema: run `engram migrate up` first',
      );
    }
  } finally {
    await client.end();
  }
}

/** Failures the operator fixes: one line on stderr and exit 2; anything else goes to main's handler. */
async function reported(work: () => Promise<void>): Promise<void> {
  const { TransferInputError, TransferTenantError } = await import('@engram/transfer');
  try {
    await work();
  } catch (error) {
    if (error instanceof TransferInputError || error instanceof TransferTenantError) {
      process.stderr.write(`engram: ${error.message}\n`);
      process.exitCode = EXIT_INPUT;
      return;
    }
    throw error;
  }
}

/**
 * Memories imported without a vector of their namespace's model: the local hash model embeds in
 * this process (as the API does for a new write); other models get the worker's embedding job,
 * queued on BullMQ when REDIS_URL is set. Without Redis they stay pending, and the worker's start
 * finds them (the embedding handler's start-up pass).
 */
async function embedderFor(config: EngramConfig): Promise<{ embedder: ImportEmbedder; close(): Promise<void> }> {
  const { LOCAL_HASH_MODEL, LocalHashEmbeddingProvider } = await import('@engram/embeddings');
  // The job's declaration (retry policy) lives with its handler.
  await import('@engram/memories');
  const local = new LocalHashEmbeddingProvider();
  const queue = config.REDIS_URL
    ? new (await import('@engram/jobs')).BullMqJobQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX })
    : null;
  await queue?.connect();
  return {
    embedder: {
      inline: (model) => (model === LOCAL_HASH_MODEL ? (texts) => local.embed(texts) : null),
      async queue(tenantId, model, memoryIds) {
        if (queue === null) {
          return;
        }
        // The job id EmbeddingJobs.embedLater gives the same memories: a repeat is a no-op.
        const digest = createHash('sha256')
          .update([tenantId, model, ...memoryIds].join('\u0000'))
          .digest('hex')
          .slice(0, 32);
        await queue.add(
          'embeddings.embed',
          { tenant_id: tenantId, memory_ids: memoryIds, model },
          { jobId: `embed-${digest}` },
        );
      },
    },
    close: async () => queue?.close(),
  };
}

function summary(result: ImportResult, tenantId: string): string {
  const plural = { namespace: 'namespaces', pin: 'pins', memory: 'memories', relation: 'relations' } as const;
  const part = (counts: ImportResult['records']) =>
    (Object.keys(plural) as (keyof typeof plural)[]).map((kind) => `${counts[kind]} ${plural[kind]}`).join(', ');
  const pending = Object.entries(result.pendingEmbedding)
    .map(([model, n]) => `${n} with ${model}`)
    .join(', ');
  return [
    `imported into ${tenantId}: read ${part(result.records)} in ${result.batches} batches`,
    `  new: ${part(result.inserted)}`,
    `  changed: ${part(result.updated)}`,
    `  vectors kept: ${result.vectorsKept}${pending ? `; waiting for embedding: ${pending}` : ''}`,
    ...(result.trailer ? [] : ['  note: the file has no trailer line, so its completeness could not be checked']),
  ].join('\n');
}

export function registerTransferCommands(program: Command, closers: (() => Promise<void>)[]): void {
  program
    .command('export')
    .description("write a tenant's namespaces, pins, memories and relations as JSON Lines (docs/export.md)")
    .requiredOption('--tenant <id>', 'the tenant to export')
    .option('-n, --namespace <names>', 'only these namespaces (comma-separated); pins then only with --pins', names)
    .option('--pins', 'include pins (the default without --namespace)')
    .option('--no-pins', 'leave pins out')
    .option('--vectors', "include each memory's vectors, with their model")
    .option('-o, --output <file>', 'write here instead of stdout')
    .addOption(new Option('--batch-size <n>', 'rows per read').default(1000).argParser(batchSize))
    .action(
      (options: {
        tenant: string;
        namespace?: string[];
        pins?: boolean;
        vectors?: boolean;
        output?: string;
        batchSize: number;
      }) =>
        reported(() =>
          withDatabase(closers, async (db) => {
            const { exportTenant } = await import('@engram/transfer');
            const out: Writable = options.output ? createWriteStream(options.output) : process.stdout;
            try {
              const counts = await exportTenant(
                db,
                {
                  tenantId: options.tenant,
                  namespaces: options.namespace?.length ? options.namespace : null,
                  pins: options.pins ?? !options.namespace?.length,
                  vectors: options.vectors === true,
                  engramVersion: engramVersion(),
                  batchSize: options.batchSize,
                },
                out,
              );
              if (options.output) {
                out.end();
                await finished(out);
              }
              process.stderr.write(
                `exported ${options.tenant}: ${counts.namespace} namespaces, ${counts.pin} pins, ${counts.memory} memories, ${counts.relation} relations\n`,
              );
            } catch (error) {
              if (options.output) {
                // A partial file must not pass for an export.
                out.destroy();
                rmSync(options.output, { force: true });
              }
              throw error;
            }
          }),
        ),
    );

  program
    .command('import')
    .description('read an export (a file, or - for stdin) into a tenant, in all-or-nothing batches (docs/export.md)')
    .argument('<file>', 'the export file, or - for stdin')
    .requiredOption('--tenant <id>', 'the tenant to import into')
    .option('--create-tenant', 'create the tenant if it does not exist (plan and quotas from the file)')
    .option('--embedding-model <model>', 'the model of namespaces the import creates (default: as in the file)')
    .addOption(new Option('--batch-size <n>', 'records per transaction').default(1000).argParser(batchSize))
    .action(
      (file: string, options: { tenant: string; createTenant?: boolean; embeddingModel?: string; batchSize: number }) =>
        reported(async () => {
          const { TENANT_ID_PATTERN } = await import('@engram/common');
          const { TransferInputError, importTenant } = await import('@engram/transfer');
          if (!TENANT_ID_PATTERN.test(options.tenant)) {
            throw new TransferInputError(`--tenant ${options.tenant}: not a tenant id (a-z, 0-9, _ and -)`);
          }
          if (file !== '-' && !existsSync(file)) {
            throw new TransferInputError(`no file ${file}`);
          }
          await withDatabase(closers, async (db, config) => {
            const { embedder, close } = await embedderFor(config);
            const input: Readable = file === '-' ? process.stdin : createReadStream(file);
            let committed = { records: 0, batches: 0 };
            try {
              const result = await importTenant(
                db,
                {
                  tenantId: options.tenant,
                  createTenant: options.createTenant === true,
                  batchSize: options.batchSize,
                  embeddingModel: options.embeddingModel ?? null,
                  embedder,
                  onBatch: (progress) => {
                    // Called once a batch committed: every record read so far is in.
                    committed = {
                      records: Object.values(progress.records).reduce((a, b) => a + b, 0),
                      batches: progress.batches,
                    };
                    if (process.stderr.isTTY) {
                      process.stderr.write(`\r${committed.records} records…`);
                    }
                  },
                },
                input,
              );
              process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${summary(result, options.tenant)}\n`);
            } catch (error) {
              if (error instanceof TransferInputError) {
                throw new TransferInputError(
                  committed.batches === 0
                    ? `${error.message}\n  nothing was imported`
                    : `${error.message}\n  the ${committed.records} records before it were imported (${committed.batches} batches); ` +
                        'fix the input and run the same command again to resume (imported records are not written twice)',
                );
              }
              throw error;
            } finally {
              input.destroy();
              await close();
              // Whatever committed, the running servers' cached pins and contexts of the tenant go
              // (in Redis; an in-process cache of another process keeps them up to its TTL).
              await invalidateCache(config, options.tenant);
            }
          });
        }),
    );
}

/** Bumps the tenant's cache generations the way a server's write does (docs/cache.md). */
async function invalidateCache(config: EngramConfig, tenantId: string): Promise<void> {
  const { MemoryCache } = await import('@engram/cache');
  const { ConfigService } = await import('@engram/config');
  const { MetricsService } = await import('@engram/metrics');
  if (config.REDIS_URL === undefined) {
    // Nothing shared to reach: an in-process cache lives in the server's own process.
    return;
  }
  // Enabled here whatever this process's own setting: the servers may read the cache, and a
  // process with it on waits for its invalidation (one with it off only sends it, then exits).
  const cache = new MemoryCache(new ConfigService({ ...config, MEMORY_CACHE_ENABLED: true }), new MetricsService());
  try {
    await cache.readyWithin(2000);
    await cache.invalidate(tenantId, ['pins', 'memories']);
  } finally {
    cache.onApplicationShutdown();
  }
}
