import { SqlMigration } from './migration';

/**
 * Per-tenant feature-flag overrides (libs/flags). `flag` is not checked against the list of
 * flags: a replica running an older release ignores a row naming a flag it does not know, and
 * the API refuses unknown names before they get here.
 */
export class TenantFeatureFlags1763800000024 extends SqlMigration {
  readonly name = 'TenantFeatureFlags1763800000024';
  readonly previous = 'MemoryEmbeddingPassages1763800000023';
  protected readonly upSql = `
    CREATE TABLE tenant_feature_flags (
      tenant_id   text NOT NULL,
      flag        text COLLATE "C" NOT NULL CHECK (flag ~ '^[a-z][a-z0-9_]{0,62}$'),
      enabled     boolean NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now(),
      updated_by  text NOT NULL,
      PRIMARY KEY (tenant_id, flag)
    );
    SELECT engram_enable_tenant_rls('tenant_feature_flags');
  `;
  protected readonly downSql = `DROP TABLE tenant_feature_flags;`;
}
