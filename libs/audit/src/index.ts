export * from './audit.types';
export * from './audit-buffer';
export * from './audit.service';
export * from './audit.module';
