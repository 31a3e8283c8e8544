export * from './context-assembler';
export * from './context.dto';
export * from './context.service';
export * from './context.module';
