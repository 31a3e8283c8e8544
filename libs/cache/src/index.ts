export * from './memory-cache';
export * from './cache.module';
export { ByteBoundedLru } from './lru';
