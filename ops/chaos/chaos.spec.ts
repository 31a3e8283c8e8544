import path from 'node:path';
import { runScript } from '../lib/run-script';

/**
 * The chaos experiments, as an operator runs them: `ops/chaos/run` against a deployment of its
 * own (private Redis and Postgres cluster, the built API and worker as processes; `npm test`
 * builds dist/ first) under load. Redis stall, Redis loss, worker kill and Postgres restart share
 * one deployment; CPU and memory pressure (stress-ng) run by hand (ops/chaos/README.md).
 */
const RUN = path.join(__dirname, 'run');

describe('ops/chaos/run', () => {
  it('refuses to run unless chaos is allowed, naming the switch', async () => {
    const run = await runScript(RUN, ['redis-stall'], { CHAOS_ALLOWED: 'false' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/CHAOS_ALLOWED=true/);
    expect(run.stderr).toMatch(/chaos_allowed/);
    expect(run.stdout).toBe('');
  });

  it('rejects an unknown experiment', async () => {
    const run = await runScript(RUN, ['disk-full'], { CHAOS_ALLOWED: 'true' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown experiment 'disk-full'/);
  });

  it('Redis stall, Redis loss, worker kill, Postgres restart: only the documented failures, nothing lost, recovered in bounds', async () => {
    const run = await runScript(RUN, ['redis-stall', 'redis-loss', 'worker-kill', 'postgres-restart', '--json'], {
      CHAOS_ALLOWED: 'true',
    });
    const report = run.json;
    // The whole report on failure: the summaries say which check failed and the timeline when.
    expect({
      code: run.code,
      problems: report?.experiments?.flatMap((e: any) => e.problems),
      error: report?.error,
    }).toEqual({
      code: 0,
      problems: [],
      error: undefined,
    });
    const byName = Object.fromEntries(report.experiments.map((e: any) => [e.experiment, e]));
    expect(Object.keys(byName)).toEqual(['redis-stall', 'redis-loss', 'worker-kill', 'postgres-restart']);
    for (const summary of report.experiments) {
      console.log(
        `chaos ${summary.experiment}: ${JSON.stringify({ ...summary, fault: undefined, expect: undefined })}`,
      );
      expect(summary).toMatchObject({ ok: true, lost: 0, audit_missing: 0, embeddings: { pending: 0, failed: 0 } });
      expect(summary.requests_during_fault).toBeGreaterThan(10);
      expect(summary.acknowledged.memories).toBeGreaterThan(10);
      expect(summary.embeddings.ready).toBe(summary.acknowledged.memories);
      expect(summary.max_latency_ms).toBeLessThan(10_000);
    }
    // Redis and the worker are not on the request path: nothing fails at all.
    for (const name of ['redis-stall', 'redis-loss', 'worker-kill']) {
      expect(byName[name].failed).toEqual({});
    }
    // Postgres away: 503 database_unavailable (with Retry-After, checked by the run), nothing else.
    expect(Object.keys(byName['postgres-restart'].failed)).toEqual(['503 database_unavailable']);
  }, 150_000);
});
