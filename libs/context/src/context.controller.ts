import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiJsonBody, ApiJsonResponse, RequirePermission, parseOrThrow } from '@engram/common';
import { resolveTenant } from '@engram/auth';
import { AssembledContext, assembledContextSchema, contextSchema } from './context.dto';
import { ContextService } from './context.service';

@ApiTags('context')
@Controller('api/v1/context')
export class ContextController {
  constructor(private readonly context: ContextService) {}

  @Post()
  @HttpCode(200)
  @RequirePermission('context', 'read')
  @ApiOperation({
    summary:
      'The best memories and pins for a query, packed under a token budget in critical, middle and recency zones',
  })
  @ApiJsonBody(contextSchema)
  @ApiJsonResponse(
    200,
    assembledContextSchema,
    'the assembled context; empty with degraded: true when the database is unreachable and fail_open (or the flag memory_fail_open_override) is on',
  )
  @ApiErrors({ 400: 'invalid_<field>, system_prompt_over_budget', 404: 'namespace_not_found' })
  async assemble(@Body() body: unknown): Promise<AssembledContext> {
    const input = parseOrThrow(contextSchema, body, 'body');
    return this.context.assemble(await resolveTenant(input.tenant_id), input);
  }
}
