import { Injectable } from '@nestjs/common';
import type { JsonValue } from '@engram/common';
import { Database, Queryable, RepositoryScope, assertTenant } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { QuotaService } from '@engram/tenants';

export interface PinRow {
  id: string;
  tenant_id: string;
  key: string;
  value: JsonValue;
  source: string | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
  value_hash: string;
}

export interface UpsertPinRow extends PinRow {
  created: boolean;
  /** A new row (not a replacement): it counts against max_pins. */
  inserted: boolean;
}

const LIVE = '(expires_at IS NULL OR expires_at > now())';
const PIN_COLUMNS = `id, tenant_id, key, value, source, created_at, updated_at, expires_at,
  left(encode(sha256(convert_to(value::text, 'UTF8')), 'hex'), 16) AS value_hash`;

/**
 * The hot statements, exported so the pins bench runs exactly the same SQL on a bare handler.
 * Both filter on tenant_id first; the primary key (tenant_id, key) serves them.
 */
export const PIN_SQL = {
  upsert: `INSERT INTO memory_pins AS p (tenant_id, key, value, source, expires_at)
    VALUES ($1, $2, $3::jsonb, $4, CASE WHEN $5::int > 0 THEN now() + make_interval(secs => $5::int) END)
    ON CONFLICT (tenant_id, key) DO UPDATE SET
      id = CASE WHEN p.expires_at <= now() THEN gen_random_uuid() ELSE p.id END,
      created_at = CASE WHEN p.expires_at <= now() THEN now() ELSE p.created_at END,
      value = EXCLUDED.value,
      source = EXCLUDED.source,
      updated_at = now(),
      expires_at = EXCLUDED.expires_at
    RETURNING ${PIN_COLUMNS}, created_at = updated_at AS created, (xmax = 0) AS inserted`,
  get: `SELECT ${PIN_COLUMNS} FROM memory_pins WHERE tenant_id = $1 AND key = $2 AND ${LIVE}`,
};

/**
 * Every pin key is below this in byte order (keys are ASCII < 0x7f, the column is COLLATE "C"),
 * so `key >= prefix AND key < prefix || DEL` is a prefix match the primary key can range-scan.
 */
const PREFIX_UPPER_BOUND = '\u007f';

/**
 * The memory_pins table. Tenant first in every method; every statement filters on it and runs
 * in a transaction scoped to the tenant (RepositoryScope.tenant), so row-level security backs the
 * predicate up. A new row reserves max_pins in its own transaction; deletions, by any path, give
 * it back through the table's trigger (migration 0006). Stored bytes are counted by triggers on
 * every write (migration 0019); upserts run with the storage_bytes quota in force. An expired row
 * still counts until the expiry job deletes it.
 */
@Injectable()
export class PinsRepository {
  private readonly scope: RepositoryScope;

  constructor(
    db: Database,
    metrics: MetricsService,
    private readonly quotas: QuotaService,
  ) {
    this.scope = new RepositoryScope(db, metrics, 'pins');
  }

  /**
   * Inserts or replaces a pin in one statement; ON CONFLICT makes concurrent upserts of a key
   * serialise on its row. A row that had expired (but was not yet cleaned up) is replaced as a
   * new pin: fresh id and created_at, since the old one was already gone to every reader.
   */
  upsert(
    tenantId: string,
    pin: {
      key: string;
      valueJson: string;
      source: string | null;
      ttlSeconds: number | null;
    },
  ): Promise<UpsertPinRow> {
    assertTenant(tenantId);
    // The storage quota opens the tenant's transaction (with its byte limit in force).
    return this.scope.untenanted('upsert', () =>
      this.quotas.withStorageQuota(tenantId, async (tx) => {
        const rows = await tx.query<UpsertPinRow>(
          PIN_SQL.upsert,
          [tenantId, pin.key, pin.valueJson, pin.source, pin.ttlSeconds],
          'pins_upsert',
        );
        if (rows[0].inserted) {
          // After the insert, in its transaction: a refusal rolls the insert back.
          await this.quotas.reserve(tenantId, 'max_pins', 1, tx);
        }
        return rows[0];
      }),
    );
  }

  /** The live pin under `key`, or null; an expired row is invisible even before cleanup. */
  get(tenantId: string, key: string): Promise<PinRow | null> {
    assertTenant(tenantId);
    // One round trip: the function sets the tenant for row-level security itself (migration 0016).
    return this.scope.untenanted('get', async (q) => {
      const rows = await q.query<PinRow>('SELECT * FROM engram_pin_get($1, $2)', [tenantId, key], 'pins_get');
      return rows[0] ?? null;
    });
  }

  /**
   * One page of live pins in key order after `afterKey`, and the total matching the prefix,
   * in one round trip. Returns up to `limit` + 1 rows so the caller can tell if more follow.
   */
  list(
    tenantId: string,
    options: { prefix: string; afterKey: string; limit: number },
  ): Promise<{ total: number; rows: Omit<PinRow, 'value_hash'>[] }> {
    return this.scope.tenant(tenantId, 'list', async (tx) => {
      const rows = await tx.query<Omit<PinRow, 'value_hash'> & { total: number; key: string | null }>(
        `SELECT c.total, p.id, p.tenant_id, p.key, p.value, p.source, p.created_at, p.updated_at, p.expires_at
         FROM (SELECT count(*)::int AS total FROM memory_pins
               WHERE tenant_id = $1 AND key >= $2 AND key < $3 AND ${LIVE}) c
         LEFT JOIN LATERAL (
           SELECT * FROM memory_pins
           WHERE tenant_id = $1 AND key >= $2 AND key < $3 AND key > $4 AND ${LIVE}
           ORDER BY key
           LIMIT $5
         ) p ON true`,
        [tenantId, options.prefix, options.prefix + PREFIX_UPPER_BOUND, options.afterKey, options.limit + 1],
        'pins_list',
      );
      return {
        total: rows[0]?.total ?? 0,
        rows: rows.filter((row) => row.key !== null),
      };
    });
  }

  /**
   * Live pins whose key starts with any of `prefixes`, in key order, at most `limit`. Each prefix
   * is a primary-key range scan; overlapping prefixes yield each pin once.
   */
  listByPrefixes(tenantId: string, prefixes: string[], limit: number): Promise<Omit<PinRow, 'value_hash'>[]> {
    return this.scope.tenant(tenantId, 'listByPrefixes', (tx) =>
      tx.query<Omit<PinRow, 'value_hash'>>(
        `SELECT DISTINCT ON (x.key) x.* FROM unnest($2::text[]) AS p(prefix)
         CROSS JOIN LATERAL (
           SELECT id, tenant_id, key, value, source, created_at, updated_at, expires_at FROM memory_pins
           WHERE tenant_id = $1 AND key >= p.prefix AND key < p.prefix || $3 AND ${LIVE}
           ORDER BY key
           LIMIT $4
         ) x
         ORDER BY x.key
         LIMIT $4`,
        [tenantId, prefixes, PREFIX_UPPER_BOUND, limit],
        'pins_list_by_prefixes',
      ),
    );
  }

  /** Deletes the pin; returns its hash if it was live, null if absent or already expired. */
  delete(tenantId: string, key: string): Promise<{ value_hash: string } | null> {
    return this.scope.tenant(tenantId, 'delete', async (tx) => {
      const rows = await tx.query<{ value_hash: string; live: boolean }>(
        `DELETE FROM memory_pins WHERE tenant_id = $1 AND key = $2
           RETURNING left(encode(sha256(convert_to(value::text, 'UTF8')), 'hex'), 16) AS value_hash, ${LIVE} AS live`,
        [tenantId, key],
        'pins_delete',
      );
      return rows[0]?.live ? { value_hash: rows[0].value_hash } : null;
    });
  }

  /** Expired pins per tenant, for dry runs. `tenantId` null means every tenant. */
  countExpired(tenantId: string | null): Promise<Map<string, number>> {
    return this.tenantOrAll(tenantId, 'countExpired', async (tx) => {
      const rows = await tx.query<{ tenant_id: string; count: number }>(
        `SELECT tenant_id, count(*)::int AS count FROM memory_pins
         WHERE expires_at <= now() AND ($1::text IS NULL OR tenant_id = $1)
         GROUP BY tenant_id`,
        [tenantId],
      );
      return new Map(rows.map((row) => [row.tenant_id, row.count]));
    });
  }

  /**
   * Deletes up to `batchSize` expired pins and returns how many per tenant. SKIP LOCKED lets
   * several workers expire at once without waiting on, or double-counting, each other's rows.
   * `tenantId` null means every tenant: only cleanup jobs and admins reach that path.
   */
  deleteExpiredBatch(tenantId: string | null, batchSize: number): Promise<Map<string, number>> {
    return this.tenantOrAll(tenantId, 'deleteExpiredBatch', async (tx) => {
      const rows = await tx.query<{ tenant_id: string; count: number }>(
        `WITH doomed AS (
           SELECT tenant_id, key FROM memory_pins
           WHERE expires_at <= now() AND ($1::text IS NULL OR tenant_id = $1)
           ORDER BY expires_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         ), deleted AS (
           DELETE FROM memory_pins p USING doomed d
           WHERE p.tenant_id = d.tenant_id AND p.key = d.key
           RETURNING p.tenant_id
         )
         SELECT tenant_id, count(*)::int AS count FROM deleted GROUP BY tenant_id`,
        [tenantId, batchSize],
      );
      return new Map(rows.map((row) => [row.tenant_id, row.count]));
    });
  }

  /**
   * One tenant's transaction, or for `null` (every tenant: the expiry job and operators' cleanup)
   * a cross-tenant one; the statements then filter by tenant themselves.
   */
  private tenantOrAll<T>(tenantId: string | null, method: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
    return tenantId === null ? this.scope.crossTenant(method, work) : this.scope.tenant(tenantId, method, work);
  }
}
