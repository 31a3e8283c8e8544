import { SqlMigration } from './migration';

/**
 * One row per (run, update rule) that was applied to it, or that failed: the idempotency key of
 * the post-update job (a retried job finds the row and applies nothing twice) and the record of
 * what each application changed (`changes`: the ids of the pins and memories it wrote).
 */
export class RuleApplications1763800000026 extends SqlMigration {
  readonly name = 'RuleApplications1763800000026';
  readonly previous = 'WorkflowRuns1763800000025';
  protected readonly upSql = `
    CREATE TABLE rule_applications (
      tenant_id      text NOT NULL,
      run_id         text COLLATE "C" NOT NULL,
      rule_id        text COLLATE "C" NOT NULL,
      status         text NOT NULL CHECK (status IN ('applied', 'failed')),
      rules_version  text NOT NULL,
      rules_hash     text NOT NULL,
      changes        jsonb NOT NULL DEFAULT '[]'::jsonb,
      error_code     text,
      error_message  text,
      applied_at     timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, run_id, rule_id),
      FOREIGN KEY (tenant_id, run_id) REFERENCES workflow_runs (tenant_id, run_id) ON DELETE CASCADE
    );
    SELECT engram_enable_tenant_rls('rule_applications');
  `;
  protected readonly downSql = `DROP TABLE rule_applications;`;
}
