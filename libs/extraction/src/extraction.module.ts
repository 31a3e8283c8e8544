import { Module } from '@nestjs/common';
import { MemoriesModule } from '@engram/memories';
import { SearchModule } from '@engram/search';
import { ExtractionController } from './extraction.controller';
import { ExtractMemoriesHandler } from './extraction.jobs';
import { ExtractionService } from './extraction.service';
import { ExtractionsRepository } from './extractions.repository';

@Module({
  imports: [MemoriesModule, SearchModule],
  controllers: [ExtractionController],
  providers: [ExtractionsRepository, ExtractionService, ExtractMemoriesHandler],
  exports: [ExtractionService],
})
export class ExtractionModule {}
