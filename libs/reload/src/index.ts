export * from './file-watcher';
export * from './hot-reloaded-file';
export * from './reload-broadcast';
export * from './json-file';
