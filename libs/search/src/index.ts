export * from './eval/metrics';
export * from './eval/hashing-embedding';
export * from './fusion/fusion';
export * from './lexical/bm25.sql';
