import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatencyStats, latencyStats } from '../lib/latency';
import { formatBlock, loadAverage, machineInfo } from '../lib/machine';
import { numberOption, readOptions } from '../lib/options';
import { ServerProcess, freePort, startServer } from '../lib/processes';

/**
 * Proxy overhead: the same chat completion sent to the upstream directly and through Engram's
 * /v1/chat/completions, one request at a time, the targets alternating request by request so a
 * neighbour's load falls on all alike. Through Engram twice: without memory (no namespace: auth,
 * rate limit, validation, forwarding) and with memory (context assembled from a namespace of 50
 * memories and injected; the exchange stored afterwards, off the response path). Streaming is
 * measured to the first body byte. Engram runs embedded (`engram serve`: PGlite, inline queue),
 * the upstream is bench/proxy/upstream.ts, each in its own process. See bench/README.md.
 */
const options = readOptions('bench:proxy', {
  requests: { env: 'BENCH_REQUESTS', default: '300', description: 'measured requests per target and mode' },
  warmup: { env: 'BENCH_WARMUP', default: '50', description: 'discarded requests per target first' },
});
const REQUESTS = numberOption('requests', options.requests);
const WARMUP = numberOption('warmup', options.warmup, 0);
const ADMIN_TOKEN = 'bench-proxy-admin-token-0123456789';
const CLI = join(__dirname, '../../apps/cli/src/main.js');
const UPSTREAM = join(__dirname, 'upstream.js');

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

const body = (stream: boolean) =>
  JSON.stringify({
    model: 'bench',
    stream,
    messages: [{ role: 'user', content: 'Which city does Ada live in, and what does she drink?' }],
  });

/** ms until the whole answer (JSON) or until the first body byte (stream). */
async function once(target: Target, stream: boolean): Promise<number> {
  const started = performance.now();
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: body(stream),
  });
  if (response.status !== 200) {
    throw new Error(`${target.name} answered ${response.status}: ${await response.text()}`);
  }
  if (!stream) {
    await response.arrayBuffer();
    return performance.now() - started;
  }
  const reader = response.body!.getReader();
  await reader.read();
  const elapsed = performance.now() - started;
  while (!(await reader.read()).done) {
    // drain
  }
  return elapsed;
}

async function measure(targets: Target[], stream: boolean): Promise<Map<string, LatencyStats>> {
  const samples = new Map(targets.map((target) => [target.name, [] as number[]]));
  for (let i = 0; i < WARMUP + REQUESTS; i += 1) {
    // Rotate the order too, so no target always runs right after another.
    for (let j = 0; j < targets.length; j += 1) {
      const target = targets[(i + j) % targets.length];
      const ms = await once(target, stream);
      if (i >= WARMUP) {
        samples.get(target.name)!.push(ms);
      }
    }
  }
  return new Map([...samples].map(([name, values]) => [name, latencyStats(values)]));
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'engram-bench-proxy-'));
  const servers: ServerProcess[] = [];
  try {
    const loadBefore = loadAverage();
    const upstream = await startServer({
      name: 'upstream',
      script: UPSTREAM,
      env: {},
      port: await freePort(),
      readyPath: '/health',
    });
    servers.push(upstream);
    const engram = await startServer({
      name: 'engram serve',
      script: CLI,
      args: ['serve'],
      env: {
        ENGRAM_DATA_DIR: dataDir,
        ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
        RATE_LIMIT_ENABLED: 'false',
        PROXY_UPSTREAM_URL: `${upstream.url}/v1`,
        PROXY_MEMORY_TIMEOUT_MS: '1000',
        MEMORY_CONTEXT_INJECTION: 'true',
      },
      port: await freePort(),
      readyPath: '/ready',
      readyTimeoutMs: 120_000,
    });
    servers.push(engram);
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const seeded = await fetch(`${engram.url}/api/v1/memories/batch`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        namespace: 'bench',
        create_namespace: true,
        memories: Array.from({ length: 50 }, (_, i) => ({
          content: `Ada fact ${i}: she lives in Lisbon, drinks tea number ${i} and keeps notebook ${i}.`,
        })),
      }),
    });
    if (seeded.status !== 201) {
      throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`);
    }
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const targets: Target[] = [
      { name: 'direct', url: `${upstream.url}/v1/chat/completions`, headers: {} },
      { name: 'proxy, no memory', url: `${engram.url}/v1/chat/completions`, headers: auth },
      {
        name: 'proxy + memory',
        url: `${engram.url}/v1/chat/completions`,
        headers: { ...auth, 'x-engram-namespace': 'bench', 'x-engram-token-budget': '1000' },
      },
    ];
    console.log(
      formatBlock('machine', {
        ...machineInfo({ engram: 'engram serve (PGlite 0.5.14, inline queue)' }),
        load: loadBefore,
      }),
    );
    console.log(`\n${REQUESTS} requests per target and mode (${WARMUP} warm-up), one at a time, targets interleaved\n`);
    for (const stream of [false, true]) {
      const stats = await measure(targets, stream);
      const direct = stats.get('direct')!;
      console.log(stream ? 'streaming: time to first byte (ms)' : 'non-streaming: whole response (ms)');
      console.log('  target              p50      p99      max    p50 ×direct  p99 ×direct  added p50  added p99');
      for (const [name, s] of stats) {
        console.log(
          `  ${name.padEnd(18)} ${s.p50.toFixed(2).padStart(7)}  ${s.p99.toFixed(2).padStart(7)}  ${s.max
            .toFixed(2)
            .padStart(7)}  ${(s.p50 / direct.p50).toFixed(2).padStart(11)}  ${(s.p99 / direct.p99)
            .toFixed(2)
            .padStart(
              11,
            )}  ${(s.p50 - direct.p50).toFixed(2).padStart(9)}  ${(s.p99 - direct.p99).toFixed(2).padStart(9)}`,
        );
      }
      console.log('');
    }
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    for (const server of servers.reverse()) {
      await server.stop();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
