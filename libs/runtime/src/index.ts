export * from './core.imports';
