export * from './proxy.dto';
export * from './proxy.errors';
export * from './proxy.headers';
export * from './proxy.inject';
export * from './proxy.module';
export { ExchangeIngestion, Exchange } from './proxy.ingestion';
export { ProxyService } from './proxy.service';
