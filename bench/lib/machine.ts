import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '@engram/db';

export interface MachineInfo {
  os: string;
  cpu: string;
  memory: string;
  node: string;
  /** Extra lines a bench adds, such as database server versions. */
  [extra: string]: string;
}

const GIB = 1024 ** 3;

/** The machine a result was measured on; `extra` adds bench-specific lines (database versions). */
export function machineInfo(extra: Record<string, string> = {}): MachineInfo {
  const cores = cpus();
  return {
    os: `${type()} ${release()} (${process.arch})`,
    cpu: `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown'}`,
    memory: `${(totalmem() / GIB).toFixed(1)} GiB total, ${(freemem() / GIB).toFixed(1)} GiB free`,
    node: process.version,
    ...extra,
  };
}

/** Load averages (1, 5, 15 min): on a shared machine, the context a number needs. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** `SELECT version()` of the server behind `url` (Postgres or PGlite through its socket). */
export async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string; vector: string | null }>(
      `SELECT current_setting('server_version') AS version,
              (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector`,
    );
    return `PostgreSQL ${rows[0].version}${rows[0].vector ? `, pgvector ${rows[0].vector}` : ''}`;
  } finally {
    await client.end();
  }
}

/** PGlite's package and server versions, from a throw-away in-memory instance. */
export async function pgliteVersion(): Promise<string> {
  const embedded = await startEmbeddedPostgres(null);
  try {
    const version = await postgresVersion(embedded.url);
    return `PGlite ${packageVersion('@electric-sql/pglite')} (${version})`;
  } finally {
    await embedded.stop();
  }
}

/** The installed version of a package whose exports hide its package.json. */
export function packageVersion(name: string): string {
  const entry = require.resolve(name);
  const root = entry.slice(0, entry.lastIndexOf(`node_modules/${name}/`) + `node_modules/${name}/`.length);
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

export function formatBlock(title: string, fields: Record<string, string | number>): string {
  const width = Math.max(...Object.keys(fields).map((key) => key.length));
  const lines = Object.entries(fields).map(([key, value]) => `  ${key.padEnd(width)}  ${value}`);
  return [`${title}`, ...lines].join('\n');
}

export function printMachine(extra: Record<string, string> = {}): MachineInfo {
  const info = machineInfo(extra);
  console.log(formatBlock('Machine', { ...info, 'load avg': loadAverage() }));
  return info;
}
