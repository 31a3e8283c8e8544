import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  ApiPathParam,
  ApiQueryFrom,
  RequirePermission,
  parseOrThrow,
  tenantQuerySchema,
} from '@engram/common';
import { resolveTenant } from '@engram/auth';
import { ExtractionService } from './extraction.service';
import { ExtractionView, extractionViewSchema, jobIdParamSchema, requestExtractionSchema } from './extraction.views';

@ApiTags('extraction')
@Controller('api/v1')
export class ExtractionController {
  constructor(private readonly extraction: ExtractionService) {}

  @Post('extractions')
  @HttpCode(202)
  @RequirePermission('memory', 'write')
  @ApiOperation({ summary: 'Extract facts from stored messages, in a job (202; poll GET /api/v1/jobs/{id})' })
  @ApiJsonBody(requestExtractionSchema)
  @ApiJsonResponse(202, extractionViewSchema, 'queued')
  @ApiErrors({ 404: 'messages_not_found, namespace_not_found' })
  async request(@Body() body: unknown): Promise<ExtractionView> {
    const { tenant_id, ...input } = parseOrThrow(requestExtractionSchema, body, 'body');
    return this.extraction.request(await resolveTenant(tenant_id), input);
  }

  @Get('jobs/:id')
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'Read a job: where an extraction stands and what it decided' })
  @ApiPathParam('id', jobIdParamSchema)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiJsonResponse(200, extractionViewSchema, 'the job')
  @ApiErrors({ 404: 'job_not_found' })
  async job(@Param('id') id: unknown, @Query() query: unknown): Promise<ExtractionView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    return this.extraction.get(await resolveTenant(tenant_id), parseOrThrow(jobIdParamSchema, id, 'id'));
  }
}
