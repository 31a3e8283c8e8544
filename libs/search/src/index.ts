export * from './fusion';
export * from './lexical-candidates';
export * from './search.dto';
export * from './search.service';
export * from './search.module';
