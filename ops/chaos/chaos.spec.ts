import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  describe('gates on the feature flag chaos_allowed, read as the server reads it', () => {
    let dir: string;
    const flagsFile = (chaosAllowed: boolean): string => {
      const file = path.join(dir, `flags-${chaosAllowed}.json`);
      writeFileSync(file, JSON.stringify({ version: 1, flags: { chaos_allowed: chaosAllowed } }));
      return file;
    };
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'engram-chaos-flags-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // Allowed runs stop at the next check (no experiment named), before any deployment starts.
    const allowed = /name an experiment, or all/;
    const refused = /refusing to run: chaos is not allowed here/;

    it('the flags file saying true allows it', async () => {
      const run = await runScript(RUN, [], { FEATURE_FLAGS_FILE: flagsFile(true) });
      expect({ code: run.code, allowed: allowed.test(run.stderr), refused: refused.test(run.stderr) }).toEqual({
        code: 2,
        allowed: true,
        refused: false,
      });
    });

    it('the default (the committed file, the flag off) refuses it', async () => {
      const run = await runScript(RUN, []);
      expect(run.stderr).toMatch(refused);
      expect(run.stderr).not.toMatch(allowed);
    });

    it('CHAOS_ALLOWED=false, the environment override, wins over a file saying true', async () => {
      const run = await runScript(RUN, [], { FEATURE_FLAGS_FILE: flagsFile(true), CHAOS_ALLOWED: 'false' });
      expect(run.stderr).toMatch(refused);
    });

    it('CHAOS_ALLOWED=true wins over a file saying false; an invalid flags file refuses, saying why', async () => {
      const run = await runScript(RUN, [], { FEATURE_FLAGS_FILE: flagsFile(false), CHAOS_ALLOWED: 'true' });
      expect(run.stderr).toMatch(allowed);
      const bad = path.join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ version: 1, flags: { chaos: true } }));
      const invalid = await runScript(RUN, [], { FEATURE_FLAGS_FILE: bad, CHAOS_ALLOWED: 'true' });
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toMatch(refused);
      expect(invalid.stderr).toMatch(/chaos/);
    });
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
