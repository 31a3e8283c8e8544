import { SqlMigration } from './migration';

/**
 * Finished workflow runs, one per (tenant, run_id): the input of post-run memory updates.
 * body_hash is the hash of the run as recorded (canonical JSON), so a retried POST with the same
 * body is recognised and a different body under the same run_id is refused. seq orders the list
 * (newest first) and is its cursor.
 */
export class WorkflowRuns1763800000025 extends SqlMigration {
  readonly name = 'WorkflowRuns1763800000025';
  readonly previous = 'TenantFeatureFlags1763800000024';
  protected readonly upSql = `
    CREATE TABLE workflow_runs (
      tenant_id    text NOT NULL,
      run_id       text COLLATE "C" NOT NULL,
      seq          bigint GENERATED ALWAYS AS IDENTITY,
      workflow_id  text COLLATE "C" NOT NULL,
      status       text NOT NULL CHECK (status IN ('succeeded', 'failed', 'cancelled', 'timed_out')),
      inputs       jsonb,
      outputs      jsonb,
      metrics      jsonb,
      started_at   timestamptz NOT NULL,
      finished_at  timestamptz NOT NULL CHECK (finished_at >= started_at),
      body_hash    text NOT NULL,
      recorded_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, run_id),
      UNIQUE (tenant_id, seq)
    );
    CREATE INDEX workflow_runs_list_idx ON workflow_runs (tenant_id, seq DESC);
    CREATE INDEX workflow_runs_workflow_idx ON workflow_runs (tenant_id, workflow_id, seq DESC);
    SELECT engram_enable_tenant_rls('workflow_runs');
  `;
  protected readonly downSql = `DROP TABLE workflow_runs;`;
}
