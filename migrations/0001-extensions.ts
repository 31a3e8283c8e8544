import { SqlMigration } from './migration';

export class Extensions1763800000001 extends SqlMigration {
  readonly name = 'Extensions1763800000001';
  readonly previous = null;
  protected readonly upSql = `CREATE EXTENSION IF NOT EXISTS vector;`;
  // Other databases on the server may use the extension; dropping it is left to the operator.
  protected readonly downSql = `SELECT 1;`;
}
