import { Module } from '@nestjs/common';
import { MemoriesModule } from '@engram/memories';
import { PinsModule } from '@engram/pins';
import { SearchModule } from '@engram/search';
import { ContextController } from './context.controller';
import { ContextService } from './context.service';

@Module({
  imports: [MemoriesModule, SearchModule, PinsModule],
  controllers: [ContextController],
  providers: [ContextService],
  exports: [ContextService],
})
export class ContextModule {}
