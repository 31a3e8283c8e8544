export * from './auth.errors';
export * from './auth.guard';
export * from './auth.module';
export * from './credentials.service';
export * from './rate-limiter';
export * from './secrets';
