import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import IORedis from 'ioredis';
import { freePort } from './net';

/** A Redis server of the test's own, so a test can stop and restart it without disturbing others. */
export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing until resume(). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

function redisServerBinary(): string {
  return execFileSync('bash', ['-lc', 'command -v redis-server || ls /usr/bin/redis-server'], {
    encoding: 'utf8',
  }).trim();
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const binary = redisServerBinary();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  async function waitForPing(): Promise<void> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
        await client.ping();
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new Error(`private redis on ${port} did not start`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        client.disconnect();
      }
    }
  }

  const redis: PrivateRedis = {
    url,
    async start() {
      child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      await waitForPing();
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      const running = child;
      child = null;
      if (running && running.exitCode === null) {
        await new Promise<void>((resolve) => {
          running.once('exit', () => resolve());
          running.kill('SIGKILL');
        });
      }
    },
  };
  await redis.start();
  return redis;
}
