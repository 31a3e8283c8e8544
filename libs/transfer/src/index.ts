export * from './transfer.format';
export * from './transfer.errors';
export * from './jsonl';
export * from './tenant-export';
export * from './tenant-import';
