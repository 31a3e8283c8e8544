import { Injectable } from '@nestjs/common';
import type { JsonValue } from '@engram/common';
import { Database, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import type { DiffEntry, PathCounts, Severity, Thresholds, Weights } from './drift-score';

export interface SideRecord {
  run_id: string | null;
  hash: string;
  metadata: Record<string, JsonValue> | null;
}

export interface ComparisonRow {
  id: string;
  tenant_id: string;
  workflow_id: string;
  run_id: string | null;
  score: number;
  severity: Severity;
  structural: number;
  text_score: number | null;
  embedding_model: string | null;
  paths: PathCounts;
  diff: DiffEntry[];
  diff_truncated: boolean;
  settings: { weights: Weights; thresholds: Thresholds };
  baseline: SideRecord;
  augmented: SideRecord;
  created_at: Date;
  /** created_at as Postgres prints it: the list cursor carries it back unchanged (µs precision). */
  created_at_text: string;
}

export type NewComparison = Omit<ComparisonRow, 'id' | 'tenant_id' | 'created_at' | 'created_at_text'>;

export interface SummaryRow {
  comparisons: number;
  none: number;
  low: number;
  medium: number;
  high: number;
  mean_score: number | null;
  max_score: number | null;
}

const COLUMNS = `id, tenant_id, workflow_id, run_id, score, severity, structural, text_score, embedding_model,
  paths, diff, diff_truncated, settings, baseline, augmented, created_at, created_at::text AS created_at_text`;

/**
 * The drift_comparisons table. Tenant first in every method; every statement filters on it and
 * runs in the tenant's transaction (RepositoryScope.tenant), so row-level security backs it up.
 */
@Injectable()
export class DriftRepository {
  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'drift');
  }

  /** One statement: the row is stored whole or not at all. */
  insert(tenantId: string, row: NewComparison): Promise<ComparisonRow> {
    return this.scope.tenant(tenantId, 'insert', async (tx) => {
      const rows = await tx.query<ComparisonRow>(
        `INSERT INTO drift_comparisons (tenant_id, workflow_id, run_id, score, severity, structural, text_score,
           embedding_model, paths, diff, diff_truncated, settings, baseline, augmented)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12::jsonb, $13::jsonb, $14::jsonb)
         RETURNING ${COLUMNS}`,
        [
          tenantId,
          row.workflow_id,
          row.run_id,
          row.score,
          row.severity,
          row.structural,
          row.text_score,
          row.embedding_model,
          JSON.stringify(row.paths),
          JSON.stringify(row.diff),
          row.diff_truncated,
          JSON.stringify(row.settings),
          JSON.stringify(row.baseline),
          JSON.stringify(row.augmented),
        ],
      );
      return rows[0];
    });
  }

  get(tenantId: string, id: string): Promise<ComparisonRow | null> {
    return this.scope.tenant(tenantId, 'get', async (tx) => {
      const rows = await tx.query<ComparisonRow>(
        `SELECT ${COLUMNS} FROM drift_comparisons WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      );
      return rows[0] ?? null;
    });
  }

  /**
   * A workflow's comparisons newest first (ties on created_at by id), after the cursor's row;
   * up to `limit` + 1 so the caller can tell if more follow.
   */
  list(
    tenantId: string,
    options: {
      workflowId: string;
      severity: Severity | null;
      after: { createdAt: string; id: string } | null;
      limit: number;
    },
  ): Promise<ComparisonRow[]> {
    return this.scope.tenant(tenantId, 'list', (tx) =>
      tx.query<ComparisonRow>(
        `SELECT ${COLUMNS} FROM drift_comparisons
         WHERE tenant_id = $1 AND workflow_id = $2
           AND ($3::text IS NULL OR severity = $3)
           AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
         ORDER BY created_at DESC, id DESC
         LIMIT $6`,
        [
          tenantId,
          options.workflowId,
          options.severity,
          options.after?.createdAt ?? null,
          options.after?.id ?? null,
          options.limit + 1,
        ],
      ),
    );
  }

  /** Counts by severity and the mean and highest score of a workflow, and its latest comparison. */
  summary(tenantId: string, workflowId: string): Promise<{ totals: SummaryRow; latest: ComparisonRow | null }> {
    return this.scope.tenant(tenantId, 'summary', async (tx) => {
      const [totals] = await tx.query<SummaryRow>(
        `SELECT count(*)::int AS comparisons,
                (count(*) FILTER (WHERE severity = 'none'))::int AS none,
                (count(*) FILTER (WHERE severity = 'low'))::int AS low,
                (count(*) FILTER (WHERE severity = 'medium'))::int AS medium,
                (count(*) FILTER (WHERE severity = 'high'))::int AS high,
                avg(score)::float8 AS mean_score, max(score)::float8 AS max_score
         FROM drift_comparisons WHERE tenant_id = $1 AND workflow_id = $2`,
        [tenantId, workflowId],
      );
      const latest = await tx.query<ComparisonRow>(
        `SELECT ${COLUMNS} FROM drift_comparisons WHERE tenant_id = $1 AND workflow_id = $2
         ORDER BY created_at DESC, id DESC LIMIT 1`,
        [tenantId, workflowId],
      );
      return { totals, latest: latest[0] ?? null };
    });
  }
}
