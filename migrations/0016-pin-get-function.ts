import { SqlMigration } from './migration';

/**
 * Reading a pin is the hottest statement. Under row-level security it needs the tenant set in
 * its transaction; done from the client that is BEGIN + set_config, the SELECT, and COMMIT —
 * three round trips. This function sets the tenant (transaction-local, so it dies with the
 * statement's own implicit transaction) and then runs the SELECT: one round trip, same policy.
 * SECURITY INVOKER (the default): it runs as the caller, so row-level security still applies.
 * VOLATILE, since set_config changes state; the SELECT's plan is cached per session by PL/pgSQL.
 */
export class PinGetFunction1763800000016 extends SqlMigration {
  readonly name = 'PinGetFunction1763800000016';
  readonly previous = 'MemoryLexicalStats1763800000015';
  protected readonly upSql = `
    CREATE FUNCTION engram_pin_get(p_tenant text, p_key text)
      RETURNS TABLE (id uuid, tenant_id text, key text, value jsonb, source text, created_at timestamptz,
                     updated_at timestamptz, expires_at timestamptz, value_hash text)
      LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      IF p_tenant IS NULL OR p_tenant = '' THEN
        RAISE EXCEPTION 'engram_pin_get: tenant is required';
      END IF;
      PERFORM set_config('app.tenant_id', p_tenant, true);
      RETURN QUERY
        SELECT p.id, p.tenant_id, p.key::text, p.value, p.source, p.created_at, p.updated_at, p.expires_at,
               left(encode(sha256(convert_to(p.value::text, 'UTF8')), 'hex'), 16)
        FROM memory_pins p
        WHERE p.tenant_id = p_tenant AND p.key = p_key AND (p.expires_at IS NULL OR p.expires_at > now());
    END
    $fn$;
    GRANT EXECUTE ON FUNCTION engram_pin_get(text, text) TO engram_app;
  `;
  protected readonly downSql = `DROP FUNCTION engram_pin_get(text, text);`;
}
