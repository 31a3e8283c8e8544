import { SqlMigration } from './migration';

/**
 * Drift comparisons (libs/drift): one row per baseline/augmented pair a client sent, with the
 * score, its components, the path counts and a bounded per-path diff. The outputs themselves
 * are not kept, only the SHA-256 of their canonical JSON (the side's `hash`), so a row stays
 * small whatever the outputs weighed. Listed per workflow, newest first, by the
 * (tenant_id, workflow_id, created_at DESC, id DESC) index.
 */
export class DriftComparisons1763800000027 extends SqlMigration {
  readonly name = 'DriftComparisons1763800000027';
  readonly previous = 'RuleApplications1763800000026';
  protected readonly upSql = `
    CREATE TABLE drift_comparisons (
      tenant_id        text NOT NULL,
      id               uuid NOT NULL DEFAULT gen_random_uuid(),
      workflow_id      text COLLATE "C" NOT NULL,
      run_id           text,
      score            double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
      severity         text NOT NULL CHECK (severity IN ('none', 'low', 'medium', 'high')),
      structural       double precision NOT NULL CHECK (structural BETWEEN 0 AND 1),
      text_score       double precision CHECK (text_score BETWEEN 0 AND 1),
      embedding_model  text,
      paths            jsonb NOT NULL,
      diff             jsonb NOT NULL,
      diff_truncated   boolean NOT NULL,
      settings         jsonb NOT NULL,
      baseline         jsonb NOT NULL,
      augmented        jsonb NOT NULL,
      created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (tenant_id, id)
    );
    CREATE INDEX drift_comparisons_workflow_idx ON drift_comparisons (tenant_id, workflow_id, created_at DESC, id DESC);
    SELECT engram_enable_tenant_rls('drift_comparisons');
  `;
  protected readonly downSql = `DROP TABLE drift_comparisons;`;
}
