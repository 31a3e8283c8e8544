/**
 * Chat ingestion: POST /api/v1/conversations with 10-message exchanges (the batch path, the
 * built-in hash model inline, so no model server is involved). Starts one `engram serve` from
 * dist/ on a fresh database, then sends BENCH_EXCHANGES exchanges from BENCH_CONCURRENCY
 * clients, each a new session, and prints messages/s and the latency percentiles of one
 * exchange, with the machine and its load (the machine is shared: numbers are context, not a
 * verdict). Then it re-sends the first exchanges (retries: nothing stored) and times those too.
 *
 *   npm run bench:conversations                      # PGlite (embedded) database
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:conversations
 *   BENCH_EXCHANGES=500 BENCH_CONCURRENCY=4 BENCH_PORT=4791
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { latencyStats } from '../lib/latency';
import { loadAverage, machineInfo } from '../lib/machine';

const EXCHANGES = Number(process.env.BENCH_EXCHANGES ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const PORT = Number(process.env.BENCH_PORT ?? 4791);
const CLI = resolve(__dirname, '../../apps/cli/src/main.js');
const WORDS = 'deploy friday budget review tea coffee lisbon launch roadmap hiring release metrics'.split(' ');

async function admin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function exchange(session: string): unknown {
  return {
    namespace: 'bench',
    session_id: session,
    user_id: 'bench-user',
    messages: Array.from({ length: 10 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `${session} turn ${i}: ${Array.from({ length: 12 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ')}`,
    })),
  };
}

async function post(base: string, body: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}/api/v1/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`POST /api/v1/conversations answered ${response.status}`);
  }
  return performance.now() - started;
}

async function run(base: string, bodies: unknown[]): Promise<{ ms: number[]; seconds: number }> {
  const ms: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        ms.push(await post(base, bodies[next++]));
      }
    }),
  );
  return { ms, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const baseUrl = process.env.BENCH_DATABASE_URL;
  const name = `engram_bench_conv_${randomBytes(4).toString('hex')}`;
  let databaseUrl: string | null = null;
  let dataDir: string | null = null;
  if (baseUrl) {
    await admin(baseUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'engram-bench-conv-'));
  }
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(PORT),
      LOG_LEVEL: 'error',
      EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
      RATE_LIMIT_ENABLED: 'false',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { ENGRAM_DATA_DIR: dataDir! }),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${PORT}`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/health`)).ok) {
          break;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error('engram serve did not become healthy');
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const created = await fetch(`${base}/api/v1/namespaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', embedding_model: 'local-hash-384' }),
    });
    if (created.status !== 201) {
      throw new Error(`namespace: ${created.status} ${await created.text()}`);
    }
    const bodies = Array.from({ length: EXCHANGES }, (_, i) => exchange(`s${i}`));
    await run(
      base,
      bodies.slice(0, Math.min(20, EXCHANGES)).map((_, i) => exchange(`warm${i}`)),
    );
    const load = loadAverage();
    const fresh = await run(base, bodies);
    const retries = await run(base, bodies.slice(0, Math.min(100, EXCHANGES)));
    const stats = latencyStats(fresh.ms);
    const again = latencyStats(retries.ms);
    const round = (n: number) => Number(n.toFixed(2));
    console.log(
      JSON.stringify(
        {
          machine: machineInfo({ database: databaseUrl ? 'postgres' : 'pglite' }),
          load_before: load,
          load_after: loadAverage(),
          exchanges: EXCHANGES,
          concurrency: CONCURRENCY,
          messages_per_second: Math.round((EXCHANGES * 10) / fresh.seconds),
          exchange_ms: { p50: round(stats.p50), p99: round(stats.p99), max: round(stats.max) },
          retry_ms: { p50: round(again.p50), p99: round(again.p99), n: again.n },
        },
        null,
        2,
      ),
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (baseUrl) {
      await admin(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
