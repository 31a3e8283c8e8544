export * from './embedding-provider';
export * from './embedding-models';
export * from './embeddings.module';
export * from './local-hash.provider';
export * from './openai.provider';
export * from './minilm.provider';
