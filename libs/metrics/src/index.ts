export * from './metrics.service';
export * from './timed';
export * from './http-metrics';
export * from './metrics.module';
export * from './metrics.controller';
export * from './cached-reading';
