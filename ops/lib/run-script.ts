import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const SEED_SCRIPT = path.join(__dirname, '..', 'seed-memory-pins');
export const EXPIRE_SCRIPT = path.join(__dirname, '..', 'expire-memory-pins');

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The stdout of a --json run, parsed. */
  json: any;
  elapsedMs: number;
}

/** The scripts must run on Node 20 as well: OPS_TEST_NODE=/path/to/node20 runs them there. */
const NODE = process.env.OPS_TEST_NODE || process.execPath;

/**
 * Runs an ops script in a child Node, as cron would: only PATH and the given variables in its
 * environment (NODE_OPTIONS from jest would change how Node starts).
 */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [script, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json, elapsedMs: Date.now() - started });
    });
  });
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no TCP address');
  }
  return address.port;
}
