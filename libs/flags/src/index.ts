export * from './feature-flags';
export * from './feature-flags.errors';
export * from './feature-flags.service';
export * from './flags.module';
