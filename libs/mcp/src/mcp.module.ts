import { Module } from '@nestjs/common';
import { ContextModule } from '@engram/context';
import { MemoriesModule } from '@engram/memories';
import { PinsModule } from '@engram/pins';
import { SearchModule } from '@engram/search';
import { McpController } from './mcp.controller';
import { ServiceOperations } from './service-operations';

/** MCP at /mcp (streamable HTTP), and the operations the embedded stdio server runs on. */
@Module({
  imports: [MemoriesModule, SearchModule, ContextModule, PinsModule],
  controllers: [McpController],
  providers: [ServiceOperations],
  exports: [ServiceOperations],
})
export class McpModule {}
