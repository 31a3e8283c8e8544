export * from './data-dir-lock';
export * from './database';
export * from './db.module';
export * from './table-analyzer';
export * from './embedded-postgres';
export * from './transaction-context';
export * from './repository-scope';
