export * from './conversations.dto';
export * from './conversations.service';
export * from './conversations.module';
