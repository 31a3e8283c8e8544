export * from './drift-score';
export * from './drift.dto';
export * from './drift.errors';
export * from './drift.service';
export * from './drift.module';
