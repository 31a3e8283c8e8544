'use strict';
/**
 * The experiments: each names its fault, how it is injected and always undone, which failed
 * answers the documented behaviour allows (docs/reliability.md), and its bounds. Nothing else
 * may fail: any other status, a transport error or a request past the timeout is a finding.
 */
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const { ROOT, sleep, until } = require('./deployment');

const DATABASE_UNAVAILABLE = { status: 503, code: 'database_unavailable', retryAfter: true };

/** The BullMQ list of embedding jobs being worked on right now. */
async function activeEmbeddingJobs(deployment) {
  return Number(await deployment.redis.command('LLEN', 'engram-chaos:embeddings.embed:active'));
}

function stressNgBinary() {
  if (process.env.STRESS_NG) {
    return process.env.STRESS_NG;
  }
  return execFileSync(path.join(ROOT, 'ops', 'install-stress-ng'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop();
}

/**
 * stress-ng in a process group of its own, bounded twice: by its own --timeout (it stops by
 * itself even if this process dies) and by stop(), which kills the whole group.
 */
function startStressNg(args) {
  const binary = stressNgBinary();
  const child = spawn(binary, args, { stdio: 'ignore', detached: true });
  let exited = false;
  child.once('exit', () => (exited = true));
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  return {
    binary,
    pid: child.pid,
    /** SIGTERM (stress-ng stops and reaps its workers), SIGKILL for the group after 2 s. */
    async stop() {
      if (!exited) {
        signal('SIGTERM');
        await until(() => exited, 2000, 50);
        signal('SIGKILL');
      }
    },
    stopSync() {
      signal('SIGKILL');
    },
  };
}

const STRESS_SECONDS = 12;

/**
 * @typedef {object} Experiment
 * @property {string} name
 * @property {string} fault        what is done to the deployment
 * @property {string} expect       the documented behaviour asserted
 * @property {Array<{status:number, code:string, retryAfter?:boolean}>} allowed  failed answers allowed during the fault
 * @property {number} recoveryBoundS  serving again (ready, a pin and a memory written) within this many seconds
 * @property {number} embeddingBoundS every acknowledged memory's embedding final within this many seconds after recovery
 * @property {(d: any, note: (s: string) => void) => Promise<void>} inject
 * @property {(d: any) => Promise<void>} restore  always runs, also after an error or a signal; idempotent
 * @property {(d: any) => void} [restoreSync]       for a signal handler
 */

/** @type {Experiment[]} */
const EXPERIMENTS = [
  {
    name: 'redis-stall',
    fault: 'SIGSTOP the Redis server for 4 s (connections stay open, nothing answers), then SIGCONT',
    expect:
      'every request is answered (no 5xx, none past the timeout); writes wait at most the queue timeout (2 s); jobs resume after SIGCONT',
    allowed: [],
    recoveryBoundS: 5,
    embeddingBoundS: 30,
    async inject(d, note) {
      d.redis.pause();
      note('redis SIGSTOP');
      await sleep(4000);
      d.redis.resume();
      note('redis SIGCONT');
    },
    async restore(d) {
      d.redis.resume();
    },
    restoreSync(d) {
      d.redis.resume();
    },
  },
  {
    name: 'redis-loss',
    fault: 'FLUSHALL (queued jobs and schedules gone), then SIGKILL Redis for 3 s and start it empty',
    expect:
      'every request is answered (no 5xx); no acknowledged write or audit row lost; embeddings whose jobs Redis lost still end ready (the embedding sweep)',
    allowed: [],
    recoveryBoundS: 8,
    embeddingBoundS: 30,
    async inject(d, note) {
      await d.redis.flushAll();
      note('redis FLUSHALL');
      await sleep(1500);
      await d.redis.kill();
      note('redis SIGKILL');
      await sleep(3000);
      await d.redis.start();
      note('redis started empty');
    },
    async restore(d) {
      if (!(await d.redis.command('PING').catch(() => false))) {
        await d.redis.start();
      }
    },
  },
  {
    name: 'worker-kill',
    fault: 'SIGKILL the worker while embedding jobs run, keep it down 2 s, start a new one',
    expect:
      'the API keeps answering (no 5xx); jobs wait while no worker runs; the ones the dead worker held are finished by the new one',
    allowed: [],
    recoveryBoundS: 5,
    // A new worker loads the sentence model first (3-12 s on a busy machine).
    embeddingBoundS: 40,
    async inject(d, note) {
      // Mid-load means mid-job: wait (briefly) for the worker to hold an embedding job.
      const active = await until(async () => (await activeEmbeddingJobs(d)) > 0, 3000, 20);
      await d.killWorker();
      note(`worker SIGKILL (${active ? 'with embedding jobs active' : 'no embedding job was active'})`);
      await sleep(2000);
      d.startWorker();
      note('worker started');
    },
    async restore(d) {
      if (!d.workerPid) {
        d.startWorker();
      }
    },
  },
  {
    name: 'postgres-restart',
    fault: 'pg_ctl stop -m fast on the cluster, 3 s down, start again',
    expect:
      'while it is down requests answer 503 database_unavailable with Retry-After (never another 5xx, never a hang); the API and worker reconnect without a restart',
    allowed: [DATABASE_UNAVAILABLE],
    recoveryBoundS: 10,
    embeddingBoundS: 30,
    async inject(d, note) {
      d.postgres.stop('fast');
      note('postgres stopped (-m fast)');
      await sleep(3000);
      d.postgres.start();
      note('postgres started');
    },
    async restore(d) {
      if (!d.postgres.running) {
        d.postgres.start();
      }
    },
  },
  {
    name: 'cpu-spike',
    fault: `stress-ng --cpu 0 (one hog per core) for ${STRESS_SECONDS - 2} s (--timeout ${STRESS_SECONDS}s as a backstop)`,
    expect: 'every request is answered within the timeout and succeeds (slower, not failing); jobs keep up afterwards',
    allowed: [],
    recoveryBoundS: 5,
    embeddingBoundS: 30,
    requires: 'stress-ng',
    async inject(d, note) {
      const stress = startStressNg([
        '--cpu',
        '0',
        '--cpu-method',
        'matrixprod',
        '--timeout',
        `${STRESS_SECONDS}s`,
        '--quiet',
      ]);
      d.fault = stress;
      note(`stress-ng --cpu 0 started (${stress.binary})`);
      await sleep(STRESS_SECONDS * 1000 - 2000);
      await stress.stop();
      note('stress-ng stopped');
    },
    async restore(d) {
      await d.fault?.stop();
    },
    restoreSync(d) {
      d.fault?.stopSync();
    },
  },
  {
    name: 'memory-pressure',
    fault: `stress-ng --vm 2 --vm-bytes 384M (768 MiB held and touched) for ${STRESS_SECONDS - 2} s (--timeout ${STRESS_SECONDS}s as a backstop)`,
    expect: 'every request is answered and succeeds; no process is killed; nothing lost',
    allowed: [],
    recoveryBoundS: 5,
    embeddingBoundS: 30,
    requires: 'stress-ng',
    async inject(d, note) {
      const stress = startStressNg([
        '--vm',
        '2',
        '--vm-bytes',
        '384M',
        '--vm-keep',
        '--timeout',
        `${STRESS_SECONDS}s`,
        '--quiet',
      ]);
      d.fault = stress;
      note(`stress-ng --vm 2 --vm-bytes 384M started (${stress.binary})`);
      await sleep(STRESS_SECONDS * 1000 - 2000);
      await stress.stop();
      note('stress-ng stopped');
    },
    async restore(d) {
      await d.fault?.stop();
    },
    restoreSync(d) {
      d.fault?.stopSync();
    },
  },
];

module.exports = { EXPERIMENTS, stressNgBinary };
