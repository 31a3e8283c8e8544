import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built CLI (`npm run build`), as `npm start` and the image run it. */
export const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `engram ARGS` to its end with exactly `env` (nothing of the test's own environment leaks
 * in), its output collected; killed after `timeoutMs` so a hang fails the test instead of the run.
 */
export function runCli(env: NodeJS.ProcessEnv, args: string[], timeoutMs: number): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** SIGTERM, then SIGKILL if a graceful shutdown takes longer than 20 s; the exit code or signal. */
export async function stopProcess(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return child.exitCode ?? child.signalCode;
  }
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code, signal) => {
      clearTimeout(kill);
      resolve(code ?? signal);
    });
    child.kill('SIGTERM');
  });
}
