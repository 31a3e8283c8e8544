import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody, RequirePermission, parseOrThrow } from '@engram/common';
import { resolveTenant } from '@engram/auth';
import { AssembledContext } from './context-assembler';
import { contextSchema } from './context.dto';
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
  async assemble(@Body() body: unknown): Promise<AssembledContext> {
    const input = parseOrThrow(contextSchema, body, 'body');
    return this.context.assemble(await resolveTenant(input.tenant_id), input);
  }
}
