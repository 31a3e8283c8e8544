import { Module } from '@nestjs/common';
import { ContextModule } from '@engram/context';
import { MemoriesModule } from '@engram/memories';
import { ProxyController } from './proxy.controller';
import { ExchangeIngestion } from './proxy.ingestion';
import { ProxyService } from './proxy.service';
import { UpstreamClient } from './proxy.upstream';

/** The OpenAI-compatible proxy at /v1 (docs/proxy.md), over the context and memories services. */
@Module({
  imports: [ContextModule, MemoriesModule],
  controllers: [ProxyController],
  providers: [ProxyService, UpstreamClient, ExchangeIngestion],
})
export class ProxyModule {}
