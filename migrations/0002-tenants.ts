import { SqlMigration } from './migration';

export class Tenants1763800000002 extends SqlMigration {
  readonly name = 'Tenants1763800000002';
  readonly previous = 'Extensions1763800000001';
  protected readonly upSql = `
    CREATE TABLE tenants (
      id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
      name        text NOT NULL,
      plan        text NOT NULL DEFAULT 'standard',
      status      text NOT NULL DEFAULT 'active',
      quotas      jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO tenants (id, name, plan) VALUES ('global', 'Global', 'premium');
  `;
  protected readonly downSql = `DROP TABLE tenants;`;
}
