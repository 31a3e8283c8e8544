export * from './fusion';
export * from './lexical-candidates';
export * from './search.dto';
export * from './search.service';
export * from './search.module';
/** Exported for bench/context, which runs the same candidate SQL on a bare connection. */
export { SearchRepository } from './search.repository';
export * from './lexical/bm25.sql';
export * from './lexical/bm25.ddl';
export * from './relative-time';
