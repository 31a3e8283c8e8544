import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A numbered SQL migration. `previous` names the migration it builds on (like Alembic's
 * down_revision); verifyChain() refuses a list whose links do not form one straight line, so a
 * bad merge fails a test rather than a deploy.
 */
export abstract class SqlMigration implements MigrationInterface {
  /** TypeORM's name: must end in a 13-digit timestamp, which also orders the migrations. */
  abstract readonly name: string;
  abstract readonly previous: string | null;
  protected abstract readonly upSql: string;
  protected abstract readonly downSql: string;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(this.upSql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(this.downSql);
  }
}

export function verifyChain(migrationClasses: readonly (new () => SqlMigration)[]): void {
  const migrations = migrationClasses.map((MigrationClass) => new MigrationClass());
  const names = new Set<string>();
  let previous: string | null = null;
  for (const [index, migration] of migrations.entries()) {
    if (!/\d{13}$/.test(migration.name)) {
      throw new Error(`migration ${migration.name}: name must end in a 13-digit timestamp`);
    }
    if (names.has(migration.name)) {
      throw new Error(`migration ${migration.name} appears twice`);
    }
    if (migration.previous !== previous) {
      throw new Error(
        `migration chain broken at #${index + 1} ${migration.name}: previous is ${String(migration.previous)}, expected ${String(previous)}`,
      );
    }
    if (previous !== null && Number(migration.name.slice(-13)) <= Number(previous.slice(-13))) {
      throw new Error(`migration ${migration.name} must have a later timestamp than ${previous}`);
    }
    names.add(migration.name);
    previous = migration.name;
  }
}
