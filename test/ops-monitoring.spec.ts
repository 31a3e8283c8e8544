import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { eventually } from '@engram/test-support/app';
import { freePort } from '@engram/test-support/net';
import {
  ROOT,
  RULES_DIR,
  alertRules,
  dashboardQueries,
  dashboards,
  panelsOf,
  ruleFiles,
  ruleTestFiles,
} from '@engram/test-support/ops-monitoring';
import { expandGrafanaVariables } from '@engram/test-support/promql';

/**
 * The Prometheus and Grafana files under ops/: rules and config pass promtool, every alert fires
 * in a promtool unit test and has a runbook section, every dashboard query is valid PromQL, and
 * the reload script keeps the last good rules on a real Prometheus.
 */
const INSTALLER = join(ROOT, 'ops/install-promtool');
const RELOAD = join(ROOT, 'ops/prometheus/reload');
let promtool: string;

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

beforeAll(() => {
  const installed = run(INSTALLER, []);
  if (installed.status !== 0) {
    throw new Error(`ops/install-promtool failed: ${installed.output}`);
  }
  promtool = installed.stdout.trim();
}, 300_000);

describe('ops/install-promtool', () => {
  it('prints a working promtool, and a second run reuses it without apt', () => {
    expect(execFileSync(promtool, ['--version'], { encoding: 'utf8' })).toMatch(/^promtool, version 2\./);
    const again = run(INSTALLER, []);
    expect(again.status).toBe(0);
    expect(again.stdout.trim()).toBe(promtool);
    expect(again.stderr).toBe('');
  });
});

describe('Prometheus rules and config', () => {
  it('promtool check rules passes on every rule file', () => {
    const checked = run(promtool, ['check', 'rules', ...ruleFiles()]);
    expect([checked.status, checked.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
    expect(checked.output).not.toMatch(/FAILED/);
  });

  it('promtool test rules passes on every test file', () => {
    const tested = run(promtool, ['test', 'rules', ...ruleTestFiles()]);
    expect([tested.status, tested.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  it('a rule that does not parse fails the check (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'engram-rules-'));
    try {
      writeFileSync(
        join(dir, 'bad.yml'),
        stringify({ groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'rate(x[5m]' }] }] }),
      );
      expect(run(promtool, ['check', 'rules', join(dir, 'bad.yml')]).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prometheus.yml passes promtool check config, rule files included', () => {
    // The scrape token is a file Compose mounts; here a stand-in at the same relative place.
    const dir = mkdtempSync(join(tmpdir(), 'engram-prom-config-'));
    try {
      const config = readFileSync(join(ROOT, 'ops/prometheus/prometheus.yml'), 'utf8');
      expect(config).toContain('credentials_file: /run/secrets/metrics_token');
      writeFileSync(join(dir, 'metrics_token'), 'sample-metrics-token-0123456789');
      writeFileSync(
        join(dir, 'prometheus.yml'),
        config.replaceAll('/run/secrets/metrics_token', join(dir, 'metrics_token')),
      );
      cpSync(RULES_DIR, join(dir, 'rules'), { recursive: true });
      const checked = run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]);
      expect([checked.status, checked.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
      expect(checked.output).toMatch(/rules\/engram-availability\.yml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every alert fires in at least one promtool test, with the labels it is routed by', () => {
    const firing = new Set<string>();
    for (const file of ruleTestFiles()) {
      const doc = parse(readFileSync(file, 'utf8')) as {
        rule_files: string[];
        tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      for (const ruleFile of doc.rule_files) {
        expect(ruleFiles()).toContain(join(dirname(file), ruleFile));
      }
      for (const test of doc.tests) {
        for (const check of test.alert_rule_test ?? []) {
          if (check.exp_alerts.length > 0) {
            firing.add(check.alertname);
          }
        }
      }
    }
    const rules = alertRules();
    expect(rules.map((rule) => rule.alert).filter((alert) => !firing.has(alert))).toEqual([]);
    for (const rule of rules) {
      expect([rule.alert, rule.labels.severity]).toEqual([
        rule.alert,
        expect.stringMatching(/^(critical|warning|info)$/),
      ]);
      expect([rule.alert, rule.annotations.summary]).toEqual([rule.alert, expect.any(String)]);
    }
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
  });
});

describe('ops/RUNBOOK.md', () => {
  const runbook = readFileSync(join(ROOT, 'ops/RUNBOOK.md'), 'utf8');
  const sections = new Map<string, string>();
  for (const part of runbook.split(/^### /m).slice(1)) {
    const [heading, ...body] = part.split('\n');
    sections.set(heading.trim(), body.join('\n').split(/^## /m)[0]);
  }

  it('has a section for every alert, each saying what it means, how to confirm, act and roll back', () => {
    const problems: string[] = [];
    for (const rule of alertRules()) {
      const section = sections.get(rule.alert);
      if (!section) {
        problems.push(`${rule.alert}: no "### ${rule.alert}" section`);
        continue;
      }
      for (const part of ['**Means**', '**Confirm**', '**Act**', '**Roll back**']) {
        if (!section.includes(part)) {
          problems.push(`${rule.alert}: no ${part}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every rule links its own section, and every alert section belongs to a rule', () => {
    const rules = alertRules();
    expect(
      rules.filter((rule) => rule.annotations.runbook_url !== `ops/RUNBOOK.md#${rule.alert.toLowerCase()}`),
    ).toEqual([]);
    const alerts = new Set(rules.map((rule) => rule.alert));
    expect([...sections.keys()].filter((heading) => /^Engram[A-Z]\w+$/.test(heading) && !alerts.has(heading))).toEqual(
      [],
    );
  });
});

describe('Grafana dashboards and provisioning', () => {
  const datasource = parse(readFileSync(join(ROOT, 'ops/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
    datasources: { uid: string; type: string; url: string }[];
  };
  const provider = parse(readFileSync(join(ROOT, 'ops/grafana/provisioning/dashboards/engram.yml'), 'utf8')) as {
    providers: { type: string; options: { path: string } }[];
  };

  it('provisions the Prometheus datasource every panel uses, and loads the dashboards folder', () => {
    expect(datasource.datasources).toHaveLength(1);
    const [{ uid, type }] = datasource.datasources;
    expect(type).toBe('prometheus');
    expect(provider.providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
    const boards = dashboards();
    expect(boards.map((board) => board.uid).sort()).toEqual([
      'engram-memories',
      'engram-overview',
      'engram-queues',
      'engram-rbac',
      'engram-tenants',
    ]);
    for (const board of boards) {
      for (const panel of panelsOf(board).filter((p) => p.targets)) {
        expect([board.uid, panel.title, panel.datasource?.uid]).toEqual([board.uid, panel.title, uid]);
        expect(panel.targets!.length).toBeGreaterThan(0);
      }
    }
  });

  it('every dashboard query is PromQL that Prometheus parses', () => {
    // promtool parses recording rules' expressions: one rule per query, Grafana variables filled in.
    const dir = mkdtempSync(join(tmpdir(), 'engram-dashboards-'));
    try {
      const rules = dashboardQueries().map((query, i) => ({
        record: `dashboard_query_${i}`,
        expr: expandGrafanaVariables(query.expr),
      }));
      expect(rules.length).toBeGreaterThan(40);
      writeFileSync(join(dir, 'queries.yml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
      const checked = run(promtool, ['check', 'rules', join(dir, 'queries.yml')]);
      expect([checked.status, checked.output]).toEqual([
        0,
        expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ops/prometheus/reload on a real Prometheus', () => {
  let dir: string;
  let live: string;
  let url: string;
  let prometheus: ChildProcess | undefined;
  let log = '';

  const groups = async (): Promise<string[]> => {
    const response = await fetch(`${url}/api/v1/rules`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { data: { groups: { name: string }[] } };
    return body.data.groups.map((group) => group.name).sort();
  };
  const reload = (args: string[]) => run(RELOAD, ['--live', live, ...args], { PROMTOOL: promtool });
  const snapshot = () =>
    readdirSync(live)
      .sort()
      .map((name) => [name, readFileSync(join(live, name), 'utf8')]);
  const candidate = (name: string, rules: object[]) => {
    const rulesDir = join(dir, name);
    mkdirSync(rulesDir);
    writeFileSync(join(rulesDir, 'rules.yml'), stringify({ groups: [{ name, rules }] }));
    return rulesDir;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engram-prom-reload-'));
    live = join(dir, 'live');
    const binary = run(INSTALLER, ['--prometheus']).stdout.trim();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({ global: { evaluation_interval: '1m' }, rule_files: ['live/*.yml'] }),
    );
    // First install, as before the first `compose up`: checked, no Prometheus to reload yet.
    const first = reload([
      '--rules',
      candidate('initial', [{ alert: 'Initial', expr: 'vector(0) > 1' }]),
      '--no-reload',
    ]);
    expect([first.status, first.output]).toEqual([0, expect.any(String)]);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      binary,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    prometheus.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await eventually(async () => (await fetch(`${url}/-/ready`)).ok, 30_000, 200).catch((error: Error) => {
      throw new Error(`${error.message}\n${log.slice(-2000)}`);
    });
    expect(await groups()).toEqual(['initial']);
  }, 300_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs checked rules and reloads: Prometheus then evaluates the project rules', async () => {
    const done = reload(['--rules', RULES_DIR, '--url', url]);
    expect([done.status, done.output]).toEqual([0, expect.stringContaining('reloaded')]);
    expect(await groups()).toEqual([
      'engram-audit',
      'engram-availability',
      'engram-embeddings',
      'engram-queues',
      'engram-rbac',
      'engram-service',
      'engram-tenants',
    ]);
  });

  it('refuses rules promtool rejects: the live rules and Prometheus stay as they were', async () => {
    const before = snapshot();
    const groupsBefore = await groups();
    const bad = reload(['--rules', candidate('broken', [{ alert: 'Broken', expr: 'sum(rate(x[5m])' }]), '--url', url]);
    expect(bad.status).toBe(1);
    expect(bad.output).toMatch(/promtool rejected/);
    expect(snapshot()).toEqual(before);
    expect(await groups()).toEqual(groupsBefore);
  });

  it('puts the last good rules back when Prometheus cannot be reloaded', async () => {
    const before = snapshot();
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const failed = reload([
      '--rules',
      candidate('unreloaded', [{ alert: 'Unreloaded', expr: 'vector(1)' }]),
      '--url',
      unreachable,
    ]);
    expect(failed.status).toBe(3);
    expect(failed.output).toMatch(/restoring the last good rules/);
    expect(snapshot()).toEqual(before);
    // And a later good reload still works from there.
    const again = reload(['--rules', RULES_DIR, '--url', url]);
    expect(again.status).toBe(0);
    expect(snapshot()).toEqual(before);
  });
});
