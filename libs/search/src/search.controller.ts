import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiJsonBody, ApiJsonResponse, RequirePermission, parseOrThrow } from '@engram/common';
import { resolveTenant } from '@engram/auth';
import { SearchView, searchSchema, searchViewSchema } from './search.dto';
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
  @ApiJsonResponse(200, searchViewSchema, 'the results, best first')
  @ApiErrors({ 404: 'namespace_not_found' })
  async run(@Body() body: unknown): Promise<SearchView> {
    const input = parseOrThrow(searchSchema, body, 'body');
    return this.search.search(await resolveTenant(input.tenant_id), input);
  }
}
