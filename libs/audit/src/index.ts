export * from './audit.types';
export * from './audit-sink';
export * from './audit.service';
export * from './audit.module';
