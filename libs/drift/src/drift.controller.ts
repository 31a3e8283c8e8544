import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
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
import {
  ComparisonListView,
  ComparisonView,
  SummaryView,
  compareSchema,
  comparisonIdSchema,
  comparisonListViewSchema,
  comparisonViewSchema,
  listComparisonsQuerySchema,
  summaryQuerySchema,
  summaryViewSchema,
} from './drift.dto';
import { DriftService } from './drift.service';

const DISABLED = 'feature_disabled (the drift flag is off)';

@ApiTags('drift')
@Controller('api/v1/drift')
export class DriftController {
  constructor(private readonly drift: DriftService) {}

  @Post('comparisons')
  @RequirePermission('drift', 'write')
  @ApiOperation({ summary: 'Score and store how far a memory-augmented run drifted from its baseline' })
  @ApiJsonBody(compareSchema)
  @ApiJsonResponse(201, comparisonViewSchema, 'scored and stored')
  @ApiErrors({
    400: 'invalid_<field>, missing_<field>, output_too_deep, too_many_text_fields',
    403: DISABLED,
    413: 'output_too_large, payload_too_large',
    503: 'service_unavailable (the embedding model failed)',
  })
  async compare(@Body() body: unknown): Promise<ComparisonView> {
    const input = parseOrThrow(compareSchema, body, 'body');
    return this.drift.compare(await resolveTenant(input.tenant_id), input);
  }

  @Get('comparisons')
  @RequirePermission('drift', 'read')
  @ApiOperation({ summary: "A workflow's comparisons, newest first, in cursor pages" })
  @ApiQueryFrom(listComparisonsQuerySchema)
  @ApiJsonResponse(200, comparisonListViewSchema, 'a page of comparisons')
  @ApiErrors({ 400: 'invalid_<field>, missing_workflow_id, invalid_cursor', 403: DISABLED })
  async list(@Query() query: unknown): Promise<ComparisonListView> {
    const parsed = parseOrThrow(listComparisonsQuerySchema, query, 'query');
    return this.drift.list(await resolveTenant(parsed.tenant_id), parsed);
  }

  @Get('comparisons/:id')
  @RequirePermission('drift', 'read')
  @ApiOperation({ summary: 'Read one comparison' })
  @ApiPathParam('id', comparisonIdSchema)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiJsonResponse(200, comparisonViewSchema, 'the comparison')
  @ApiErrors({ 403: DISABLED, 404: 'drift_comparison_not_found' })
  async get(@Param('id') id: unknown, @Query() query: unknown): Promise<ComparisonView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    const comparisonId = parseOrThrow(comparisonIdSchema, id, 'id');
    return this.drift.get(await resolveTenant(tenant_id), comparisonId);
  }

  @Get('summary')
  @RequirePermission('drift', 'read')
  @ApiOperation({ summary: "A workflow's comparisons in numbers: by severity, mean and highest score, latest" })
  @ApiQueryFrom(summaryQuerySchema)
  @ApiJsonResponse(200, summaryViewSchema, 'the summary (zeros for a workflow without comparisons)')
  @ApiErrors({ 400: 'invalid_<field>, missing_workflow_id', 403: DISABLED })
  async summary(@Query() query: unknown): Promise<SummaryView> {
    const parsed = parseOrThrow(summaryQuerySchema, query, 'query');
    return this.drift.summary(await resolveTenant(parsed.tenant_id), parsed.workflow_id);
  }
}
