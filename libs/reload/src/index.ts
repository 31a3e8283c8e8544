export * from './file-watcher';
export * from './reload-broadcast';
