import { SqlMigration } from './migration';

export class Namespaces1763800000011 extends SqlMigration {
  readonly name = 'Namespaces1763800000011';
  readonly previous = 'RbacAudit1763800000010';
  // pending_embedding_model is set while a re-embed job fills vectors for the next model; search
  // keeps using embedding_model until the job swaps them.
  protected readonly upSql = `
    CREATE TABLE namespaces (
      tenant_id                text NOT NULL,
      name                     text COLLATE "C" NOT NULL,
      id                       uuid NOT NULL DEFAULT gen_random_uuid(),
      description              text,
      default_token_budget     integer NOT NULL DEFAULT 4000 CHECK (default_token_budget BETWEEN 64 AND 1000000),
      embedding_model          text NOT NULL,
      pending_embedding_model  text,
      retention_days           integer CHECK (retention_days > 0),
      created_at               timestamptz NOT NULL DEFAULT now(),
      updated_at               timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, name),
      UNIQUE (tenant_id, id)
    );
    SELECT engram_enable_tenant_rls('namespaces');
  `;
  protected readonly downSql = `DROP TABLE namespaces;`;
}
