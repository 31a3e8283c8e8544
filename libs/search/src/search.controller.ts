import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody, RequirePermission, parseOrThrow } from '@engram/common';
import { resolveTenant } from '@engram/auth';
import { SearchView, searchSchema } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('memories')
@Controller('api/v1/memories')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Post('search')
  @HttpCode(200)
  @RequirePermission('memory', 'read')
  @ApiOperation({
    summary: 'Hybrid search: full text and vectors fused with recency, importance, access and relations',
  })
  @ApiJsonBody(searchSchema)
  async run(@Body() body: unknown): Promise<SearchView> {
    const input = parseOrThrow(searchSchema, body, 'body');
    return this.search.search(resolveTenant(input.tenant_id), input);
  }
}
