import { SqlMigration } from './migration';

export class ApiKeys1763800000007 extends SqlMigration {
  readonly name = 'ApiKeys1763800000007';
  readonly previous = 'TenantUsage1763800000006';
  // Only the SHA-256 of a key is stored; the unique index on it is how a request finds its key.
  protected readonly upSql = `
    CREATE TABLE api_keys (
      tenant_id     text NOT NULL,
      id            uuid NOT NULL DEFAULT gen_random_uuid(),
      name          text NOT NULL,
      role          text NOT NULL,
      scopes        text[],
      key_hash      bytea NOT NULL,
      key_prefix    text NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now(),
      expires_at    timestamptz,
      revoked_at    timestamptz,
      last_used_at  timestamptz,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE UNIQUE INDEX api_keys_key_hash_idx ON api_keys (key_hash);
  `;
  protected readonly downSql = `DROP TABLE api_keys;`;
}
