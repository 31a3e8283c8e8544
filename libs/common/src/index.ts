export * from './app-error';
export * from './error-status';
export * from './request-context';
export * from './zod-validation';
export * from './http-error.filter';
export * from './permission.decorator';
export * from './openapi.decorators';
export * from './logger';
