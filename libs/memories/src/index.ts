export * from './memories.dto';
export * from './memories.errors';
export * from './memories.service';
export * from './namespaces.service';
export * from './memory-operations';
export * from './memory-access.tracker';
export * from './memory-sql';
export * from './memories.module';
