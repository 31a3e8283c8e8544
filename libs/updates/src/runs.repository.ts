import { Injectable } from '@nestjs/common';
import { Database, Queryable, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { RunStatus } from './runs.dto';

export interface RunRow {
  tenant_id: string;
  run_id: string;
  seq: string;
  workflow_id: string;
  status: RunStatus;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  metrics: Record<string, number> | null;
  started_at: Date;
  finished_at: Date;
  body_hash: string;
  recorded_at: Date;
}

export interface NewRun {
  runId: string;
  workflowId: string;
  status: RunStatus;
  inputs: unknown;
  outputs: unknown;
  metrics: unknown;
  startedAt: string;
  finishedAt: string;
  bodyHash: string;
}

export interface ApplicationRow {
  rule_id: string;
  status: 'applied' | 'failed';
  rules_version: string;
  rules_hash: string;
  changes: Record<string, unknown>[];
  error_code: string | null;
  error_message: string | null;
  applied_at: Date;
}

const RUN_COLUMNS = `tenant_id, run_id, seq, workflow_id, status, inputs, outputs, metrics, started_at, finished_at,
  body_hash, recorded_at`;

/**
 * The workflow_runs and rule_applications tables. Tenant first in every method; every statement
 * filters on it and runs in the tenant's transaction (row-level security backs it up).
 */
@Injectable()
export class RunsRepository {
  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'runs');
  }

  /** Inserts the run unless its run_id exists; returns the stored row and whether this call created it. */
  insert(tenantId: string, run: NewRun): Promise<{ row: RunRow; created: boolean }> {
    return this.scope.tenant(tenantId, 'insert', async (tx) => {
      const inserted = await tx.query<RunRow>(
        `INSERT INTO workflow_runs (tenant_id, run_id, workflow_id, status, inputs, outputs, metrics, started_at,
           finished_at, body_hash)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::timestamptz, $9::timestamptz, $10)
         ON CONFLICT (tenant_id, run_id) DO NOTHING
         RETURNING ${RUN_COLUMNS}`,
        [
          tenantId,
          run.runId,
          run.workflowId,
          run.status,
          run.inputs === undefined ? null : JSON.stringify(run.inputs),
          run.outputs === undefined ? null : JSON.stringify(run.outputs),
          run.metrics === undefined ? null : JSON.stringify(run.metrics),
          run.startedAt,
          run.finishedAt,
          run.bodyHash,
        ],
        'runs_insert',
      );
      if (inserted.length > 0) {
        return { row: inserted[0], created: true };
      }
      // ON CONFLICT saw a committed row (or waited for a concurrent insert to commit).
      const [existing] = await tx.query<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM workflow_runs WHERE tenant_id = $1 AND run_id = $2`,
        [tenantId, run.runId],
        'runs_get',
      );
      return { row: existing, created: false };
    });
  }

  get(tenantId: string, runId: string, tx?: Queryable): Promise<RunRow | null> {
    return this.scope.tenant(
      tenantId,
      'get',
      async (q) =>
        (
          await q.query<RunRow>(
            `SELECT ${RUN_COLUMNS} FROM workflow_runs WHERE tenant_id = $1 AND run_id = $2`,
            [tenantId, runId],
            'runs_get',
          )
        )[0] ?? null,
      { tx },
    );
  }

  /** Newest first, after `beforeSeq`; up to `limit` + 1 rows so the caller can tell if more follow. */
  list(
    tenantId: string,
    options: { workflowId?: string; status?: RunStatus; beforeSeq: string | null; limit: number },
  ): Promise<RunRow[]> {
    return this.scope.tenant(tenantId, 'list', (tx) =>
      tx.query<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM workflow_runs
         WHERE tenant_id = $1 AND ($2::text IS NULL OR workflow_id = $2) AND ($3::text IS NULL OR status = $3)
           AND ($4::bigint IS NULL OR seq < $4::bigint)
         ORDER BY seq DESC
         LIMIT $5`,
        [tenantId, options.workflowId ?? null, options.status ?? null, options.beforeSeq, options.limit + 1],
        'runs_list',
      ),
    );
  }

  applications(tenantId: string, runId: string): Promise<ApplicationRow[]> {
    return this.scope.tenant(tenantId, 'applications', (tx) =>
      tx.query<ApplicationRow>(
        `SELECT rule_id, status, rules_version, rules_hash, changes, error_code, error_message, applied_at
         FROM rule_applications WHERE tenant_id = $1 AND run_id = $2 ORDER BY rule_id`,
        [tenantId, runId],
        'runs_applications',
      ),
    );
  }

  /**
   * Claims (run, rule) for an application in the caller's transaction `tx`: true when this
   * transaction may apply it, false when it was applied already (a retried job). A concurrent
   * claim waits on the row's key until the first transaction ends, then sees it applied.
   */
  async claim(
    tenantId: string,
    runId: string,
    ruleId: string,
    rules: { version: string; hash: string },
    tx: Queryable,
  ): Promise<boolean> {
    const rows = await this.scope.tenant(
      tenantId,
      'claim',
      (q) =>
        q.query(
          `INSERT INTO rule_applications AS a (tenant_id, run_id, rule_id, status, rules_version, rules_hash)
           VALUES ($1, $2, $3, 'applied', $4, $5)
           ON CONFLICT (tenant_id, run_id, rule_id) DO UPDATE SET
             status = 'applied', rules_version = EXCLUDED.rules_version, rules_hash = EXCLUDED.rules_hash,
             changes = '[]'::jsonb, error_code = NULL, error_message = NULL, applied_at = now()
           WHERE a.status <> 'applied'
           RETURNING 1`,
          [tenantId, runId, ruleId, rules.version, rules.hash],
          'runs_claim',
        ),
      { tx },
    );
    return rows.length > 0;
  }

  /** Records what a claimed application changed, in the same transaction `tx`. */
  async recordChanges(
    tenantId: string,
    runId: string,
    ruleId: string,
    changes: Record<string, unknown>[],
    tx: Queryable,
  ): Promise<void> {
    await this.scope.tenant(
      tenantId,
      'recordChanges',
      (q) =>
        q.query(
          `UPDATE rule_applications SET changes = $4::jsonb WHERE tenant_id = $1 AND run_id = $2 AND rule_id = $3`,
          [tenantId, runId, ruleId, JSON.stringify(changes)],
        ),
      { tx },
    );
  }

  /** Records a failed application (its changes were rolled back); never overwrites an applied one. */
  async recordFailure(
    tenantId: string,
    runId: string,
    ruleId: string,
    rules: { version: string; hash: string },
    error: { code: string; message: string },
  ): Promise<void> {
    await this.scope.tenant(tenantId, 'recordFailure', (q) =>
      q.query(
        `INSERT INTO rule_applications AS a (tenant_id, run_id, rule_id, status, rules_version, rules_hash,
           error_code, error_message)
         VALUES ($1, $2, $3, 'failed', $4, $5, $6, $7)
         ON CONFLICT (tenant_id, run_id, rule_id) DO UPDATE SET
           status = 'failed', rules_version = EXCLUDED.rules_version, rules_hash = EXCLUDED.rules_hash,
           changes = '[]'::jsonb, error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
           applied_at = now()
         WHERE a.status <> 'applied'`,
        [tenantId, runId, ruleId, rules.version, rules.hash, error.code, error.message.slice(0, 2000)],
      ),
    );
  }
}
