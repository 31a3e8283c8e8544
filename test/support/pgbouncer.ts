import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from './app';
import { ADMIN_DATABASE_URL } from './env';
import { freePort } from './net';

const INSTALLER = join(__dirname, '../../ops/install-pgbouncer');

/** The pgbouncer binary `ops/install-pgbouncer` provides (installed into .tmp/tools on first use). */
export function pgbouncerBinary(): string {
  return execFileSync(INSTALLER, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 }).trim();
}

export interface PgBouncerOptions {
  /** default_pool_size: server connections per (database, user) pool. */
  poolSize?: number;
  /** Extra pooler database names: `alias` reaches Postgres database `dbname` with its own pool size. */
  aliases?: Record<string, { dbname: string; poolSize: number }>;
  /** Extra [pgbouncer] settings. */
  settings?: Record<string, string | number>;
  /**
   * Start from the [pgbouncer] section of this ini file (the documented ops/pgbouncer config);
   * the test's own listen address, port, auth and pool size override it.
   */
  baseIni?: string;
}

/** The `key = value` lines of an ini file's [pgbouncer] section, comments dropped. */
export function pgbouncerSection(path: string): Record<string, string> {
  const settings: Record<string, string> = {};
  let section = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/^\s*[;#].*$/, '').trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
    } else if (section === 'pgbouncer' && line.includes('=')) {
      const at = line.indexOf('=');
      settings[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return settings;
}

export interface PgBouncer {
  port: number;
  /** A client URL through the pooler to `database` (as the test server's superuser). */
  url(database: string): string;
  /** The admin console (SHOW POOLS, …) as an admin user. */
  adminUrl: string;
  /** The admin console as the stats-only user the health check uses. */
  statsUrl: string;
  /** What pgbouncer logged so far. */
  log(): string;
  /** SHOW POOLS rows for `database`. */
  pools(database: string): Promise<Record<string, string>[]>;
  stop(): Promise<void>;
}

/** The admin console speaks the simple protocol only: a query without parameters. */
export async function adminQuery(url: string, sql: string): Promise<Record<string, string>[]> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, string>[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts Debian's pgbouncer in transaction pooling mode on a free loopback port, in front of the
 * test Postgres, with trust auth and its own config in a temporary directory. PgBouncer refuses
 * to run as root: started by root, it drops to `nobody`.
 */
export async function startPgBouncer(options: PgBouncerOptions = {}): Promise<PgBouncer> {
  const binary = pgbouncerBinary();
  const server = new URL(ADMIN_DATABASE_URL);
  const superuser = decodeURIComponent(server.username || 'postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'engram-pgbouncer-'));
  chmodSync(dir, 0o755);
  const settings: Record<string, string | number> = {
    ...(options.baseIni ? pgbouncerSection(options.baseIni) : {}),
    listen_addr: '127.0.0.1',
    listen_port: port,
    unix_socket_dir: '',
    auth_type: 'trust',
    auth_file: join(dir, 'userlist.txt'),
    admin_users: superuser,
    stats_users: 'engram_health',
    pool_mode: 'transaction',
    default_pool_size: options.poolSize ?? 2,
    max_client_conn: 500,
    ...options.settings,
  };
  const ini = [
    '[databases]',
    ...Object.entries(options.aliases ?? {}).map(
      ([alias, { dbname, poolSize }]) =>
        `${alias} = host=${server.hostname} port=${server.port || 5432} dbname=${dbname} pool_size=${poolSize}`,
    ),
    `* = host=${server.hostname} port=${server.port || 5432}`,
    '',
    '[pgbouncer]',
    ...Object.entries(settings).map(([key, value]) => `${key} = ${value}`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'pgbouncer.ini'), ini, { mode: 0o644 });
  writeFileSync(join(dir, 'userlist.txt'), `"${superuser}" ""\n"engram_health" ""\n`, { mode: 0o644 });

  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), join(dir, 'pgbouncer.ini')];
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = (database: string) => `postgres://${encodeURIComponent(superuser)}@127.0.0.1:${port}/${database}`;
  const adminUrl = url('pgbouncer');
  const statsUrl = `postgres://engram_health@127.0.0.1:${port}/pgbouncer`;
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`pgbouncer exited: ${output}`);
        }
        return (await adminQuery(adminUrl, 'SHOW VERSION')).length > 0;
      },
      10_000,
      50,
    );
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url,
    adminUrl,
    statsUrl,
    log: () => output,
    pools: async (database) => (await adminQuery(adminUrl, 'SHOW POOLS')).filter((row) => row.database === database),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // SIGTERM: immediate shutdown (SIGINT would wait for every client to leave).
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
