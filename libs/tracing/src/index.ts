export * from './spans';
export * from './tenant';
export * from './state';
export * from './http-spans';
export * from './tracing';
export { scrubSql, scrubMessage, UNMATCHED_ROUTE } from './privacy';
