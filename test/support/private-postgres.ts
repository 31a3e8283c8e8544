import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net';

/**
 * A Postgres cluster of the test's own (the server's binaries, the same extensions, pgvector
 * included), so a test can stop it fast or immediately and start it again without disturbing
 * other tests. As root, the cluster runs as the postgres user (initdb refuses root).
 */
export interface PrivatePostgres {
  /** Superuser URL of the cluster's `postgres` database. */
  url: string;
  stop(mode: 'fast' | 'immediate'): void;
  start(): void;
  destroy(): void;
}

function binDir(): string {
  return execFileSync('bash', ['-lc', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'], {
    encoding: 'utf8',
  }).trim();
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'engram-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asOwner = (command: string, args: string[]) => {
    const [file, argv] =
      process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  // fsync off: a test cluster needs no protection from an OS crash; an immediate stop still keeps every commit.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      asOwner(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    },
    stop(mode) {
      asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
    },
    destroy() {
      try {
        cluster.stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
