import { Global, Module } from '@nestjs/common';
import { MemoryCache } from './memory-cache';

/** One MemoryCache per app: the pins, memories, context and tenants libs share it. */
@Global()
@Module({ providers: [MemoryCache], exports: [MemoryCache] })
export class CacheModule {}
