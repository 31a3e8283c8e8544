import { SqlMigration } from './migration';

/**
 * An API key may be bound to a user and/or an agent within its tenant: its reads see only
 * memories of that scope and its writes are forced into it (enforced in the query layer,
 * docs/conversations.md "Scopes"). Nullable columns: existing keys stay unbound.
 */
export class ApiKeyScopeBinding1763800000029 extends SqlMigration {
  readonly name = 'ApiKeyScopeBinding1763800000029';
  readonly previous = 'MemoryScopes1763800000028';
  protected readonly upSql = `
    ALTER TABLE api_keys ADD COLUMN bound_user_id text, ADD COLUMN bound_agent_id text;
  `;
  protected readonly downSql = `ALTER TABLE api_keys DROP COLUMN bound_agent_id, DROP COLUMN bound_user_id;`;
}
