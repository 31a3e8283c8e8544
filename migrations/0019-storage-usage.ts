import { SqlMigration } from './migration';

/**
 * storage_bytes counted exactly, by the database, on every path that writes or deletes pins and
 * memories (API, batches, patches, upserts, expiry, namespace cascade, erasure, SQL scripts):
 * statement triggers sum the size of the rows each statement adds and removes (transition
 * tables) and add the difference to tenant_usage, in the writer's transaction. The UPDATE takes
 * the counter row's lock, so concurrent writers queue on it and each sees the committed total.
 *
 * A byte is defined once, in engram_pin_bytes / engram_memory_bytes: the octet length (UTF-8) of
 * what the caller stored: a pin's key, value as JSON text and source; a memory's content,
 * metadata as JSON text, tags and source. JSON text is Postgres's canonical jsonb output.
 *
 * Enforcement: a writer that sets engram.storage_bytes_limit in its transaction (QuotaService)
 * is refused with SQLSTATE EQ001 when its statement grows the tenant's total past the limit.
 * Shrinking is always allowed, even over the limit. Without the setting (jobs, scripts, deletes)
 * the triggers only count.
 */
export class StorageUsage1763800000019 extends SqlMigration {
  readonly name = 'StorageUsage1763800000019';
  readonly previous = 'AuthState1763800000018';
  protected readonly upSql = `
    CREATE FUNCTION engram_pin_bytes(key text, value jsonb, source text) RETURNS bigint
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT octet_length(key)::bigint + octet_length(value::text) + coalesce(octet_length(source), 0) $$;
    CREATE FUNCTION engram_memory_bytes(content text, metadata jsonb, tags text[], source text) RETURNS bigint
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT octet_length(content)::bigint + octet_length(metadata::text)
                   + coalesce(octet_length(array_to_string(tags, '')), 0) + coalesce(octet_length(source), 0) $$;

    CREATE FUNCTION engram_count_storage(p_tenant text, p_delta bigint) RETURNS void LANGUAGE plpgsql AS $fn$
    DECLARE
      used bigint;
      lim bigint;
    BEGIN
      IF p_delta = 0 THEN
        RETURN;
      END IF;
      UPDATE tenant_usage SET storage_bytes = GREATEST(storage_bytes + p_delta, 0), updated_at = now()
        WHERE tenant_id = p_tenant RETURNING storage_bytes INTO used;
      lim := nullif(current_setting('engram.storage_bytes_limit', true), '')::bigint;
      IF p_delta > 0 AND lim IS NOT NULL AND used > lim
         AND p_tenant = nullif(current_setting('app.tenant_id', true), '') THEN
        RAISE EXCEPTION 'storage_bytes quota (%) reached', lim USING ERRCODE = 'EQ001';
      END IF;
    END $fn$;

    -- Tenants in id order, so two cross-tenant statements lock counter rows in the same order.
    CREATE FUNCTION engram_pins_storage() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE r record;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        FOR r IN SELECT tenant_id, sum(engram_pin_bytes(key, value, source))::bigint AS n
                 FROM added GROUP BY tenant_id ORDER BY tenant_id LOOP
          PERFORM engram_count_storage(r.tenant_id, r.n);
        END LOOP;
      ELSIF TG_OP = 'DELETE' THEN
        FOR r IN SELECT tenant_id, -sum(engram_pin_bytes(key, value, source))::bigint AS n
                 FROM gone GROUP BY tenant_id ORDER BY tenant_id LOOP
          PERFORM engram_count_storage(r.tenant_id, r.n);
        END LOOP;
      ELSE
        FOR r IN SELECT tenant_id, sum(n)::bigint AS n FROM (
                   SELECT tenant_id, engram_pin_bytes(key, value, source) AS n FROM added
                   UNION ALL
                   SELECT tenant_id, -engram_pin_bytes(key, value, source) FROM gone) c
                 GROUP BY tenant_id ORDER BY tenant_id LOOP
          PERFORM engram_count_storage(r.tenant_id, r.n);
        END LOOP;
      END IF;
      RETURN NULL;
    END $fn$;

    CREATE FUNCTION engram_memories_storage() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE r record;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        FOR r IN SELECT tenant_id, sum(engram_memory_bytes(content, metadata, tags, source))::bigint AS n
                 FROM added GROUP BY tenant_id ORDER BY tenant_id LOOP
          PERFORM engram_count_storage(r.tenant_id, r.n);
        END LOOP;
      ELSIF TG_OP = 'DELETE' THEN
        FOR r IN SELECT tenant_id, -sum(engram_memory_bytes(content, metadata, tags, source))::bigint AS n
                 FROM gone GROUP BY tenant_id ORDER BY tenant_id LOOP
          PERFORM engram_count_storage(r.tenant_id, r.n);
        END LOOP;
      ELSE
        FOR r IN SELECT tenant_id, sum(n)::bigint AS n FROM (
                   SELECT tenant_id, engram_memory_bytes(content, metadata, tags, source) AS n FROM added
                   UNION ALL
                   SELECT tenant_id, -engram_memory_bytes(content, metadata, tags, source) FROM gone) c
                 GROUP BY tenant_id ORDER BY tenant_id LOOP
          PERFORM engram_count_storage(r.tenant_id, r.n);
        END LOOP;
      END IF;
      RETURN NULL;
    END $fn$;

    CREATE TRIGGER memory_pins_storage_insert AFTER INSERT ON memory_pins
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION engram_pins_storage();
    CREATE TRIGGER memory_pins_storage_update AFTER UPDATE ON memory_pins
      REFERENCING OLD TABLE AS gone NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION engram_pins_storage();
    CREATE TRIGGER memory_pins_storage_delete AFTER DELETE ON memory_pins
      REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION engram_pins_storage();
    CREATE TRIGGER memories_storage_insert AFTER INSERT ON memories
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION engram_memories_storage();
    CREATE TRIGGER memories_storage_update AFTER UPDATE ON memories
      REFERENCING OLD TABLE AS gone NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION engram_memories_storage();
    CREATE TRIGGER memories_storage_delete AFTER DELETE ON memories
      REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION engram_memories_storage();

    -- Backfill: what is stored now.
    UPDATE tenant_usage u SET storage_bytes =
        coalesce((SELECT sum(engram_pin_bytes(p.key, p.value, p.source)) FROM memory_pins p WHERE p.tenant_id = u.tenant_id), 0)
      + coalesce((SELECT sum(engram_memory_bytes(m.content, m.metadata, m.tags, m.source)) FROM memories m
                  WHERE m.tenant_id = u.tenant_id), 0),
      updated_at = now();
  `;
  protected readonly downSql = `
    DROP TRIGGER memories_storage_delete ON memories;
    DROP TRIGGER memories_storage_update ON memories;
    DROP TRIGGER memories_storage_insert ON memories;
    DROP TRIGGER memory_pins_storage_delete ON memory_pins;
    DROP TRIGGER memory_pins_storage_update ON memory_pins;
    DROP TRIGGER memory_pins_storage_insert ON memory_pins;
    DROP FUNCTION engram_memories_storage();
    DROP FUNCTION engram_pins_storage();
    DROP FUNCTION engram_count_storage(text, bigint);
    DROP FUNCTION engram_memory_bytes(text, jsonb, text[], text);
    DROP FUNCTION engram_pin_bytes(text, jsonb, text);
    UPDATE tenant_usage SET storage_bytes = 0;
  `;
}
