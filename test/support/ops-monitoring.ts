import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '../..');
export const RULES_DIR = join(ROOT, 'ops/prometheus/rules');
export const RULE_TESTS_DIR = join(ROOT, 'ops/prometheus/tests');
export const DASHBOARDS_DIR = join(ROOT, 'ops/grafana/dashboards');

export interface AlertRule {
  file: string;
  group: string;
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface RuleFile {
  groups: { name: string; rules: ({ alert?: string; record?: string; expr: string } & Partial<AlertRule>)[] }[];
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => join(dir, name));
}

export function ruleFiles(): string[] {
  return yamlFiles(RULES_DIR);
}

export function ruleTestFiles(): string[] {
  return yamlFiles(RULE_TESTS_DIR);
}

/** Every alerting rule; a recording rule would name a series the service does not export, so none may exist. */
export function alertRules(): AlertRule[] {
  return ruleFiles().flatMap((file) =>
    (parse(readFileSync(file, 'utf8')) as RuleFile).groups.flatMap((group) =>
      group.rules.map((rule) => {
        if (!rule.alert) {
          throw new Error(`${file}: group ${group.name} has a rule that is not an alert (${rule.record ?? rule.expr})`);
        }
        return {
          file,
          group: group.name,
          alert: rule.alert,
          expr: rule.expr,
          labels: rule.labels ?? {},
          annotations: rule.annotations ?? {},
        };
      }),
    ),
  );
}

export interface DashboardQuery {
  dashboard: string;
  /** The panel title, or `variable NAME`. */
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: { expr?: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

export interface Dashboard {
  file: string;
  uid: string;
  title: string;
  panels: Panel[];
  templating?: {
    list: { name: string; type: string; query?: string | { query: string }; datasource?: { uid: string } }[];
  };
}

export function dashboards(): Dashboard[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({
      file: join(DASHBOARDS_DIR, name),
      ...JSON.parse(readFileSync(join(DASHBOARDS_DIR, name), 'utf8')),
    }));
}

export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * Every PromQL expression of every dashboard: panel targets, and query variables. Grafana's
 * `label_values(selector, label)` becomes `count by (label) (selector)`, which names the same
 * metric and label; `query_result(expr)` becomes `expr`.
 */
export function dashboardQueries(): DashboardQuery[] {
  return dashboards().flatMap((dashboard) => {
    const name = dashboard.uid;
    const fromPanels = panelsOf(dashboard).flatMap((panel) =>
      (panel.targets ?? [])
        .filter((target) => target.expr !== undefined)
        .map((target) => ({ dashboard: name, where: panel.title ?? panel.type, expr: target.expr! })),
    );
    const fromVariables = (dashboard.templating?.list ?? [])
      .filter((variable) => variable.type === 'query')
      .map((variable) => {
        const raw = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
        const labelValues = /^label_values\((.*),\s*([a-zA-Z_]\w*)\)$/.exec(raw.trim());
        const queryResult = /^query_result\((.*)\)$/.exec(raw.trim());
        const expr = labelValues
          ? `count by (${labelValues[2]}) (${labelValues[1]})`
          : queryResult
            ? queryResult[1]
            : raw;
        return { dashboard: name, where: `variable ${variable.name}`, expr };
      });
    return [...fromPanels, ...fromVariables];
  });
}

/**
 * Series Prometheus itself or the blackbox exporter produces, not the service: `up` and the
 * scrape_* series for every target, probe_* for the /ready probe (job engram-ready).
 */
export const PROMETHEUS_SERIES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  [
    'up',
    'scrape_duration_seconds',
    'scrape_samples_scraped',
    'scrape_series_added',
    'probe_success',
    'probe_duration_seconds',
    'probe_http_status_code',
  ].map((name) => [name, new Set(['job', 'instance'])]),
);
