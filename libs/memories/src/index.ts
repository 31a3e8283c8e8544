export * from './memories.dto';
export * from './memories.errors';
export * from './memories.service';
export * from './namespaces.service';
export * from './memory-operations';
export * from './memory-access.tracker';
export * from './memory-sql';
export * from './memories.module';
/** The expiry job's handler, so a test or an operator's script can run one pass on demand. */
export { MemoryExpiryHandler } from './memories.jobs';
/** The name of a model's HNSW index, for plans and tests that check it is used. */
export { modelIndexName } from './namespaces.repository';
