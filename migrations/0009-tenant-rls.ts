import { SqlMigration } from './migration';

/**
 * Row-level security on every table with a tenant_id column, as defence in depth behind the
 * repositories' own tenant predicates. The tenant comes from the transaction-local setting
 * app.tenant_id; unset (or '' after a transaction) matches nothing. The NULLIF sits in a
 * sub-select so it is evaluated once per statement and the tenant_id index stays usable.
 *
 * Later migrations that add a tenant-owned table call engram_enable_tenant_rls('<table>');
 * a test fails for any tenant_id table without it.
 */
export class TenantRls1763800000009 extends SqlMigration {
  readonly name = 'TenantRls1763800000009';
  readonly previous = 'AppRole1763800000008';
  protected readonly upSql = `
    CREATE FUNCTION engram_enable_tenant_rls(target regclass) RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
      EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
      EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', target);
      EXECUTE format(
        'CREATE POLICY tenant_isolation ON %s USING (tenant_id = (SELECT NULLIF(current_setting(''app.tenant_id'', true), ''''))) '
        'WITH CHECK (tenant_id = (SELECT NULLIF(current_setting(''app.tenant_id'', true), '''')))',
        target);
    END $fn$;
    DO $$
    DECLARE t record;
    BEGIN
      FOR t IN
        SELECT c.table_name FROM information_schema.columns c
        JOIN information_schema.tables tb USING (table_schema, table_name)
        WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' AND tb.table_type = 'BASE TABLE'
      LOOP
        PERFORM engram_enable_tenant_rls(format('%I', t.table_name)::regclass);
      END LOOP;
    END $$;
  `;
  protected readonly downSql = `
    DO $$
    DECLARE t record;
    BEGIN
      FOR t IN SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = 'tenant_isolation'
      LOOP
        EXECUTE format('DROP POLICY tenant_isolation ON %I', t.tablename);
        EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t.tablename);
      END LOOP;
    END $$;
    DROP FUNCTION engram_enable_tenant_rls(regclass);
  `;
}
