import { exportedFromScrape, parsePromql, unexportedNames } from '@engram/test-support/promql';

const SCRAPE = `# HELP req_total Requests
# TYPE req_total counter
req_total{route="/a",status="ok"} 3
# HELP lat_seconds Latency
# TYPE lat_seconds histogram
lat_seconds_bucket{le="0.1",operation="get"} 1
lat_seconds_bucket{le="+Inf",operation="get"} 1
lat_seconds_sum{operation="get"} 0.05
lat_seconds_count{operation="get"} 1
# HELP idle_total Never incremented yet
# TYPE idle_total counter
# HELP up_gauge A gauge
# TYPE up_gauge gauge
up_gauge 1
`;
const exported = exportedFromScrape(SCRAPE);

describe('PromQL names', () => {
  it('finds metrics, matcher labels and clause labels, not functions or keywords', () => {
    const parsed = parsePromql(
      'histogram_quantile(0.99, sum by (le, operation) (rate(lat_seconds_bucket{operation=~"g.*"}[5m]))) > 1 and on (operation) req_total offset 5m',
    );
    expect(parsed.selectors.map((s) => [s.metric, s.labels])).toEqual([
      ['lat_seconds_bucket', ['operation']],
      ['req_total', []],
    ]);
    expect(parsed.clauses.map((c) => [c.keyword, c.labels])).toEqual([
      ['by', ['le', 'operation']],
      ['on', ['operation']],
    ]);
    expect(parsed.functions).toEqual(['histogram_quantile', 'sum', 'rate']);
  });

  it('reads histogram families as their _bucket, _sum and _count series, with le on buckets only', () => {
    expect(exported.get('lat_seconds_bucket')).toEqual(new Set(['job', 'instance', 'le', 'operation']));
    expect(exported.get('lat_seconds_count')).toEqual(new Set(['job', 'instance', 'operation']));
    expect(exported.has('lat_seconds')).toBe(false);
    expect(exported.has('idle_total')).toBe(true);
  });

  it('accepts expressions over exported names, with Grafana variables', () => {
    for (const expr of [
      'sum by (route) (rate(req_total{instance=~"$instance", status!="ok"}[$__rate_interval]))',
      'histogram_quantile(0.9, sum(rate(lat_seconds_bucket[5m])) by (le))',
      'sum(rate(lat_seconds_count[5m])) without (operation) / ignoring (job) group_left up_gauge',
      'count(count by (status) (req_total)) > 1 or vector(0)',
      'label_replace(req_total, "path", "$1", "route", "(.*)")',
      'sum by (path) (label_replace(req_total, "path", "$1", "route", "(.*)"))',
      'count_values("value", up_gauge)',
      '{__name__="req_total", route="/a"}',
    ]) {
      expect([expr, unexportedNames(expr, exported)]).toEqual([expr, []]);
    }
  });

  it('names every misspelt metric or label', () => {
    expect(unexportedNames('rate(req_totl[5m])', exported)).toEqual(['metric req_totl is not exported']);
    expect(unexportedNames('sum(rate(lat_seconds[5m]))', exported)).toEqual(['metric lat_seconds is not exported']);
    expect(unexportedNames('req_total{rout="/a"}', exported)).toEqual(['metric req_total has no label rout']);
    expect(unexportedNames('lat_seconds_count{le="1"}', exported)).toEqual([
      'metric lat_seconds_count has no label le',
    ]);
    expect(unexportedNames('sum by (rout) (rate(req_total[5m]))', exported)).toEqual([
      'by (rout): no metric it applies to has label rout',
    ]);
    // The clause sees only its own aggregation's argument, not the other side of the operator.
    expect(unexportedNames('sum by (operation) (req_total) / sum(lat_seconds_count)', exported)).toEqual([
      'by (operation): no metric it applies to has label operation',
    ]);
    expect(unexportedNames('sum(req_total) by (operation)', exported)).toEqual([
      'by (operation): no metric it applies to has label operation',
    ]);
    expect(unexportedNames('label_replace(req_total, "x", "$1", "path", "(.*)")', exported)).toEqual([
      'label path is read but no metric it applies to has it',
    ]);
    expect(unexportedNames('{route="/a"}', exported)).toEqual(['a selector without a metric name ({route})']);
    expect(unexportedNames('idle_total{status="x"}', exported)).toEqual(['metric idle_total has no label status']);
  });

  it('refuses what it cannot check', () => {
    expect(() => parsePromql('rat(req_total[5m])')).toThrow(/unknown function rat\(\)/);
    expect(() => parsePromql('{__name__=~"req_.*"}')).toThrow(/__name__ =~ cannot be checked/);
    expect(() => parsePromql('req_total{route}')).toThrow(/bad label matcher/);
    expect(() => parsePromql('sum(req_total')).toThrow(/unbalanced/);
  });
});
