import { Injectable } from '@nestjs/common';
import { Database, Queryable, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  role: string;
  scopes: string[] | null;
  key_prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  bound_user_id: string | null;
  bound_agent_id: string | null;
}

const KEY_COLUMNS =
  'id, tenant_id, name, role, scopes, key_prefix, created_at, expires_at, revoked_at, last_used_at, bound_user_id, bound_agent_id';

/** The api_keys table: keys are found by the SHA-256 of the raw key, never stored raw. */
@Injectable()
export class ApiKeysRepository {
  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'api_keys');
  }

  insert(
    tenantId: string,
    key: {
      name: string;
      role: string;
      scopes: string[] | null;
      hash: Buffer;
      prefix: string;
      expiresAt: string | null;
      boundUserId: string | null;
      boundAgentId: string | null;
    },
    tx?: Queryable,
  ): Promise<ApiKeyRow> {
    return this.scope.tenant(
      tenantId,
      'insert',
      async (q) => {
        const rows = await q.query<ApiKeyRow>(
          `INSERT INTO api_keys (tenant_id, name, role, scopes, key_hash, key_prefix, expires_at, bound_user_id, bound_agent_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${KEY_COLUMNS}`,
          [
            tenantId,
            key.name,
            key.role,
            key.scopes,
            key.hash,
            key.prefix,
            key.expiresAt,
            key.boundUserId,
            key.boundAgentId,
          ],
        );
        return rows[0];
      },
      { tx },
    );
  }

  list(tenantId: string): Promise<ApiKeyRow[]> {
    return this.scope.tenant(tenantId, 'list', (tx) =>
      tx.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`, [
        tenantId,
      ]),
    );
  }

  /** Marks the key revoked (keeping the first revocation time); returns its hash, null if absent. */
  revoke(tenantId: string, keyId: string, tx?: Queryable): Promise<{ key_hash: Buffer } | null> {
    return this.scope.tenant(
      tenantId,
      'revoke',
      async (q) => {
        const rows = await q.query<{ key_hash: Buffer }>(
          `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING key_hash`,
          [tenantId, keyId],
        );
        return rows[0] ?? null;
      },
      { tx },
    );
  }

  revokeAll(tenantId: string, tx?: Queryable): Promise<number> {
    return this.scope.tenant(
      tenantId,
      'revokeAll',
      async (q) => {
        const rows = await q.query(
          `UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND revoked_at IS NULL RETURNING id`,
          [tenantId],
        );
        return rows.length;
      },
      { tx },
    );
  }

  /**
   * The key with this hash, whichever tenant owns it: authentication cannot know the tenant
   * before it finds the key, so this one lookup runs across tenants, by its unique index.
   */
  findByHash(hash: Buffer): Promise<ApiKeyRow | null> {
    return this.scope.crossTenant('findByHash', async (tx) => {
      const rows = await tx.query<ApiKeyRow>(
        `SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`,
        [hash],
        'api_keys_by_hash',
      );
      return rows[0] ?? null;
    });
  }

  /**
   * Records, in the key's own transaction, that a key was created: the durable fact that ends
   * open local mode. It lives in auth_state (no tenant_id), so no tenant erasure removes it.
   */
  markKeyCreated(tx?: Queryable): Promise<void> {
    return this.scope.untenanted(
      'markKeyCreated',
      async (q) => {
        await q.query(`INSERT INTO auth_state (name) VALUES ('first_key_created') ON CONFLICT (name) DO NOTHING`);
      },
      { tx },
    );
  }

  /** Whether a key was ever created in this database (revoked, expired or erased ones too). */
  keyEverCreated(): Promise<boolean> {
    return this.scope.untenanted('keyEverCreated', async (q) => {
      const rows = await q.query<{ exists: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM auth_state WHERE name = 'first_key_created') AS exists`,
      );
      return rows[0].exists;
    });
  }

  /** Writes many keys' last use in one statement; each key names its tenant. */
  touch(uses: { tenant_id: string; id: string; at: string }[]): Promise<void> {
    return this.scope.crossTenant('touch', async (tx) => {
      await tx.query(
        `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
           FROM jsonb_to_recordset($1::jsonb) AS u(tenant_id text, id uuid, at timestamptz)
           WHERE k.tenant_id = u.tenant_id AND k.id = u.id`,
        [JSON.stringify(uses)],
      );
    });
  }
}
