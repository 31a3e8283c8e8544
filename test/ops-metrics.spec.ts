import { Exported, exportedFromScrape, parsePromql, unexportedNames } from '@engram/test-support/promql';
import { MetricsWalk, walkAndScrape } from '@engram/test-support/metrics-walk';
import { PROMETHEUS_SERIES, alertRules, dashboardQueries } from '@engram/test-support/ops-monitoring';

/**
 * The dashboards and alert rules name only what Engram really exports. The API runs as in
 * production (Postgres, BullMQ, a remote embedding model), every route is called (successes and
 * refusals), then GET /metrics is scraped: every metric and label a panel, variable or alert
 * names must be in that scrape (or be one Prometheus adds: job, instance, up, probe_*).
 */
describe('dashboards and alerts against the real /metrics', () => {
  let walk: MetricsWalk;
  let exported: Exported;
  const expressions = [
    ...dashboardQueries().map((q) => ({ where: `dashboard ${q.dashboard}: ${q.where}`, expr: q.expr })),
    ...alertRules().map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ];

  beforeAll(async () => {
    walk = await walkAndScrape();
    exported = exportedFromScrape(walk.scrape);
    for (const [name, labels] of PROMETHEUS_SERIES) {
      exported.set(name, new Set(labels));
    }
  }, 120_000);

  it('called every route the API serves', () => {
    const called = new Set(walk.requests.map((request) => request.route));
    expect(walk.routes.length).toBeGreaterThan(30);
    expect(walk.routes.filter((route) => !called.has(route))).toEqual([]);
    const statuses = new Set(walk.requests.map((request) => request.status));
    expect([...statuses].filter((status) => status >= 400).sort()).toEqual(
      expect.arrayContaining([400, 401, 403, 404, 409, 422, 429]),
    );
  });

  it('reached the paths that create labelled series', () => {
    // Without a sample, a family is known by name only and a label check would have nothing to
    // compare against: the walk must reach each of these.
    const wanted: Record<string, string> = {
      memory_embedding_lag_seconds_bucket: 'model',
      memory_embedding_jobs_total: 'status',
      memory_search_lexical_only_total: 'reason',
      memory_query_embedding_cache_total: 'outcome',
      quota_rejections_total: 'quota',
      memory_audit_writes_total: 'status',
      rbac_audit_writes_total: 'status',
      rbac_policy_version_info: 'hash',
      feature_flag_enabled: 'flag',
      feature_flag_reloads_total: 'trigger',
      feature_flag_tenant_overrides: 'flag',
      engram_queue_job_outcomes_total: 'outcome',
      engram_ready: 'check',
      engram_quota_usage_max_ratio: 'quota',
      engram_quota_tenants_at_or_above: 'ratio',
      drift_comparisons_total: 'status',
      drift_detected_total: 'component',
      drift_score_current: 'workflow_id',
      drift_comparison_latency_seconds_bucket: 'le',
    };
    expect(Object.entries(wanted).filter(([name, label]) => !exported.get(name)?.has(label))).toEqual([]);
    expect(walk.scrape).toMatch(/^rbac_policy_loads_total\{status="invalid"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^feature_flag_reloads_total\{status="invalid",trigger="http"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^feature_flag_enabled\{flag="memory_pins_enabled"\} 1$/m);
    expect(walk.scrape).toMatch(/^rate_limited_total [1-9]/m);
    expect(walk.scrape).toMatch(/^engram_ready\{check="database"\} 1$/m);
    for (const gauge of [
      'audit_buffered_events',
      'audit_oldest_buffered_event_age_seconds',
      'memory_embeddings_pending',
      'memory_embedding_oldest_pending_seconds',
    ]) {
      expect([gauge, walk.scrape]).toEqual([gauge, expect.stringMatching(new RegExp(`^${gauge} \\d`, 'm'))]);
    }
  });

  it('exports the seed metric names with their types, sampled, and without tenant or key labels', () => {
    const wanted: Record<string, 'counter' | 'histogram' | 'gauge'> = {
      rbac_decisions_total: 'counter',
      rbac_latency_seconds: 'histogram',
      rbac_engine_decisions_total: 'counter',
      rbac_policy_loads_total: 'counter',
      rbac_policy_version_info: 'gauge',
      rbac_audit_writes_total: 'counter',
      memory_service_operations_total: 'counter',
      memory_service_latency_seconds: 'histogram',
      memory_cache_hits_total: 'counter',
      memory_cache_misses_total: 'counter',
      memory_value_size_bytes: 'histogram',
      memory_context_degraded_total: 'counter',
    };
    const types = new Map([...walk.scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(wanted).map((name) => [name, types.get(name)])).toEqual(Object.entries(wanted));
    for (const name of Object.keys(wanted)) {
      const series = wanted[name] === 'histogram' ? `${name}_count` : name;
      const samples = walk.scrape
        .split('\n')
        .filter((line) => line.startsWith(`${series}{`) || line.startsWith(`${series} `));
      expect([name, samples.length > 0]).toEqual([name, true]);
      expect([name, samples.filter((line) => /[{,](tenant|tenant_id|key|key_id)=/.test(line))]).toEqual([name, []]);
    }
    // The walk's reads repeat: the cache answered some; pins and memories were written and sized.
    expect(walk.scrape).toMatch(/^memory_cache_hits_total\{kind="pin"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^memory_cache_hits_total\{kind="context"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^memory_cache_misses_total\{kind="pin"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^memory_value_size_bytes_count\{kind="pin"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^memory_value_size_bytes_count\{kind="memory"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^memory_service_operations_total\{operation="pin_get",status="success"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^memory_service_operations_total\{operation="context",status="success"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^rbac_engine_decisions_total\{decision="allow"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^rbac_engine_decisions_total\{decision="deny"\} [1-9]/m);
    expect(walk.scrape).toMatch(/^memory_context_degraded_total\{reason="database_unavailable"\} 0$/m);
  });

  it('every panel, variable and alert names only exported metrics and labels', () => {
    expect(expressions.length).toBeGreaterThan(60);
    const problems = expressions.flatMap(({ where, expr }) =>
      unexportedNames(expr, exported).map((problem) => `${where}: ${problem}\n    ${expr}`),
    );
    expect(problems).toEqual([]);
  });

  it('would notice a misspelt metric or label in any of them', () => {
    const unnoticed: string[] = [];
    for (const { where, expr } of expressions) {
      const { selectors, clauses } = parsePromql(expr);
      const metric = selectors.find((selector) => selector.metric)!.metric!;
      const misspelt = expr.replace(new RegExp(`\\b${metric}\\b`), `${metric.slice(0, -1)}x`);
      if (unexportedNames(misspelt, exported).length === 0) {
        unnoticed.push(`${where}: metric ${metric}`);
      }
      const label = [...selectors.flatMap((selector) => selector.labels), ...clauses.flatMap((c) => c.labels)].find(
        (name) => name !== 'le',
      );
      if (label) {
        const wrong = expr.replace(new RegExp(`\\b${label}\\b(?=\\s*(=|!=|=~|!~|,|\\)))`), `${label}x`);
        if (wrong === expr || unexportedNames(wrong, exported).length === 0) {
          unnoticed.push(`${where}: label ${label}`);
        }
      }
    }
    expect(unnoticed).toEqual([]);
  });
});
