import { SqlMigration } from './migration';

/**
 * Facts of the authentication layer that outlive every tenant. `first_key_created` ends open
 * local mode for good: it is written with the first API key and never removed. The table has no
 * tenant_id, so tenant erasure (which finds its tables by that column) never touches it; before
 * this, open mode was inferred from api_keys having rows, and erasing the last key's tenant
 * reopened it. A database that already has keys gets the fact at once.
 */
export class AuthState1763800000018 extends SqlMigration {
  readonly name = 'AuthState1763800000018';
  readonly previous = 'MemoryLexicalPostings1763800000017';
  protected readonly upSql = `
    CREATE TABLE auth_state (
      name    text PRIMARY KEY,
      set_at  timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO auth_state (name) SELECT 'first_key_created' WHERE EXISTS (SELECT 1 FROM api_keys);
  `;
  protected readonly downSql = `DROP TABLE auth_state;`;
}
