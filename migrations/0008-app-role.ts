import { SqlMigration } from './migration';

/**
 * The role the application runs as (SET ROLE on every pooled connection): owns nothing, no
 * BYPASSRLS, only DML, so row-level security applies to it. Roles are cluster-wide: creation is
 * idempotent and the down migration only revokes what this database granted.
 */
export class AppRole1763800000008 extends SqlMigration {
  readonly name = 'AppRole1763800000008';
  readonly previous = 'ApiKeys1763800000007';
  protected readonly upSql = `
    DO $$
    BEGIN
      -- Several databases on one server may migrate at once: a concurrent creation is fine.
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'engram_app') THEN
          CREATE ROLE engram_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END;
      BEGIN
        IF NOT pg_has_role(current_user, 'engram_app', 'MEMBER') THEN
          EXECUTE format('GRANT engram_app TO %I', current_user);
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END;
    END $$;
    GRANT USAGE ON SCHEMA public TO engram_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO engram_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO engram_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO engram_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO engram_app;
  `;
  protected readonly downSql = `
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM engram_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM engram_app;
    REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public FROM engram_app;
    REVOKE SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM engram_app;
    REVOKE USAGE ON SCHEMA public FROM engram_app;
  `;
}
