export * from './extraction.dto';
export * from './extraction.errors';
export * from './extraction.prompt';
export * from './fact-decision';
export * from './llm-extractor';
export * from './offline-extractor';
export * from './transcript';
