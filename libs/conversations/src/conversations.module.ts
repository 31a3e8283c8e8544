import { Module } from '@nestjs/common';
import { ExtractionModule } from '@engram/extraction';
import { MemoriesModule } from '@engram/memories';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';

@Module({
  imports: [MemoriesModule, ExtractionModule],
  controllers: [ConversationsController],
  providers: [ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsModule {}
