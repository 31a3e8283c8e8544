import { MetricsService } from '@engram/metrics';

/**
 * Decisions by where their audit row went: queued, direct (queue refused, written to Postgres
 * by the API), written (by the worker), failed, retry, dropped.
 */
export const rbacAuditWrites = (metrics: MetricsService) =>
  metrics.counter('rbac_audit_writes_total', 'RBAC audit rows by where they went', ['status']);
