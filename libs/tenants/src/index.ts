export * from './tenants.dto';
export * from './tenants.errors';
export * from './tenants.service';
export * from './api-keys.service';
export * from './quota.service';
export * from './invalidation.bus';
export * from './tenants.module';
