import { Injectable } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { CachedReading, MetricsService } from '@engram/metrics';
import { PLAN_QUOTAS } from './tenants.dto';
import { QuotaUsageSummaryRow, TenantsRepository } from './tenants.repository';
import type { CountedQuota } from './quota.service';

const COUNTED_QUOTAS: readonly CountedQuota[] = ['max_pins', 'max_memories', 'storage_bytes'];
/** The thresholds `engram_quota_tenants_at_or_above` counts tenants at: the `ratio` label's values. */
export const QUOTA_USAGE_RATIOS = [0.8, 0.9, 1] as const;

/**
 * How close tenants are to their quotas, without a tenant label (tenants are unbounded; a
 * label per tenant would grow the series with every signup). Two bounded families instead, per
 * counted quota (requests_per_minute is a rate limit, seen by rate_limited_total):
 *
 * - `engram_quota_usage_max_ratio{quota}`: the highest used/limit of any active tenant, so an
 *   alert sees the approach to exhaustion before writes are refused;
 * - `engram_quota_tenants_at_or_above{quota,ratio}`: how many tenants are at or above 0.8, 0.9
 *   and 1 of that quota, so a dashboard shows whether it is one tenant or many.
 *
 * 3 + 9 series per process. Which tenant it is: GET /api/v1/admin/tenants/{id}/usage. Read from
 * Postgres at scrape time (one aggregate over tenant_usage), at most once per
 * METRICS_DB_REFRESH_SECONDS; every replica reports the same numbers, so take max, never sum.
 */
@Injectable()
export class QuotaMetrics {
  constructor(repository: TenantsRepository, metrics: MetricsService, config: ConfigService) {
    const reading = new CachedReading<QuotaUsageSummaryRow[]>(
      () => repository.quotaUsageSummary(PLAN_QUOTAS, QUOTA_USAGE_RATIOS),
      config.get('METRICS_DB_REFRESH_SECONDS') * 1000,
    );
    const byQuota = async () => {
      const rows = await reading.get();
      return rows && new Map(rows.map((row) => [row.quota, row]));
    };
    metrics.gauge(
      'engram_quota_usage_max_ratio',
      'Highest share of its quota any active tenant uses (used / limit), per counted quota',
      ['quota'],
      async function () {
        const rows = await byQuota();
        this.reset();
        if (rows) {
          for (const quota of COUNTED_QUOTAS) {
            this.set({ quota }, rows.get(quota)?.max_ratio ?? 0);
          }
        }
      },
    );
    metrics.gauge(
      'engram_quota_tenants_at_or_above',
      'Active tenants whose usage of a quota is at or above `ratio` of its limit',
      ['quota', 'ratio'],
      async function () {
        const rows = await byQuota();
        this.reset();
        if (rows) {
          for (const quota of COUNTED_QUOTAS) {
            QUOTA_USAGE_RATIOS.forEach((ratio, i) => {
              this.set({ quota, ratio: String(ratio) }, rows.get(quota)?.at_or_above[i] ?? 0);
            });
          }
        }
      },
    );
  }
}
