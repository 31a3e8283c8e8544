import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
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
  DryRunView,
  RecordedRunView,
  RulesInfoView,
  RulesReloadView,
  RunDetailView,
  RunListView,
  dryRunBodySchema,
  dryRunViewSchema,
  listRunsQuerySchema,
  recordRunSchema,
  recordedRunViewSchema,
  rulesInfoViewSchema,
  rulesReloadViewSchema,
  runDetailViewSchema,
  runIdSchema,
  runListViewSchema,
} from './runs.dto';
import { PostUpdateService } from './post-update.service';
import { RunsService, rowFacts, runFacts } from './runs.service';
import { UpdateRulesService } from './update-rules.service';

@ApiTags('runs')
@Controller('api/v1')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly postUpdate: PostUpdateService,
    private readonly rules: UpdateRulesService,
  ) {}

  @Post('runs')
  @RequirePermission('run', 'write')
  @ApiOperation({
    summary: 'Record a finished workflow run (201 recorded, 200 the same run again); queues its post-run updates',
  })
  @ApiJsonBody(recordRunSchema)
  @ApiJsonResponse(201, recordedRunViewSchema, 'recorded')
  @ApiJsonResponse(200, recordedRunViewSchema, 'recorded before with this same body')
  @ApiErrors({ 409: 'run_conflict', 413: 'run_too_large, payload_too_large' })
  async record(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<RecordedRunView> {
    const input = parseOrThrow(recordRunSchema, body, 'body');
    const { run, created } = await this.runs.record(await resolveTenant(input.tenant_id), input);
    void reply.status(created ? 201 : 200);
    return run;
  }

  @Get('runs')
  @RequirePermission('run', 'read')
  @ApiOperation({ summary: 'List recorded runs, newest first, by workflow and status, in cursor pages' })
  @ApiQueryFrom(listRunsQuerySchema)
  @ApiJsonResponse(200, runListViewSchema, 'a page of runs')
  @ApiErrors({ 400: 'invalid_<field>, invalid_cursor' })
  async list(@Query() query: unknown): Promise<RunListView> {
    const parsed = parseOrThrow(listRunsQuerySchema, query, 'query');
    return this.runs.list(await resolveTenant(parsed.tenant_id), parsed);
  }

  @Post('runs/dry-run')
  @HttpCode(200)
  @RequirePermission('run', 'read')
  @ApiOperation({ summary: 'What the update rules would change for this run (nothing is recorded or written)' })
  @ApiJsonBody(recordRunSchema)
  @ApiJsonResponse(200, dryRunViewSchema, 'the rules that match and what each would change')
  @ApiErrors({ 413: 'run_too_large, payload_too_large' })
  async dryRun(@Body() body: unknown): Promise<DryRunView> {
    const input = parseOrThrow(recordRunSchema, body, 'body');
    const tenantId = await resolveTenant(input.tenant_id);
    this.runs.checkSize(input);
    const { tenant_id: _tenant, ...run } = input;
    return this.postUpdate.dryRun(tenantId, runFacts(run), new Set());
  }

  @Get('runs/:run_id')
  @RequirePermission('run', 'read')
  @ApiOperation({ summary: 'Read a recorded run and the update rules applied to it' })
  @ApiPathParam('run_id', runIdSchema)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiJsonResponse(200, runDetailViewSchema, 'the run')
  @ApiErrors({ 404: 'run_not_found' })
  async get(@Param('run_id') runId: unknown, @Query() query: unknown): Promise<RunDetailView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    const tenantId = await resolveTenant(tenant_id);
    return this.runs.get(tenantId, parseOrThrow(runIdSchema, runId, 'run_id'));
  }

  @Post('runs/:run_id/dry-run')
  @HttpCode(200)
  @RequirePermission('run', 'read')
  @ApiOperation({ summary: 'What the update rules in force would change for a recorded run (nothing is written)' })
  @ApiPathParam('run_id', runIdSchema)
  @ApiJsonBody(dryRunBodySchema)
  @ApiJsonResponse(200, dryRunViewSchema, 'the rules that match and what each would change')
  @ApiErrors({ 404: 'run_not_found' })
  async dryRunRecorded(@Param('run_id') runId: unknown, @Body() body: unknown): Promise<DryRunView> {
    const { tenant_id } = parseOrThrow(dryRunBodySchema, body ?? {}, 'body');
    const tenantId = await resolveTenant(tenant_id);
    const row = await this.runs.require(tenantId, parseOrThrow(runIdSchema, runId, 'run_id'));
    return this.postUpdate.dryRun(tenantId, rowFacts(row), await this.runs.appliedRuleIds(tenantId, row.run_id));
  }

  @Get('update-rules')
  @RequirePermission('run', 'read')
  @ApiOperation({ summary: 'The post-run update rules in force: version, hash, rule ids' })
  @ApiJsonResponse(200, rulesInfoViewSchema, 'the loaded rules')
  info(): RulesInfoView {
    return this.rules.info();
  }

  @Post('update-rules/reload')
  @HttpCode(200)
  @RequirePermission('run', 'reload')
  @ApiOperation({ summary: 'Reload the update-rules file now; a file that does not load changes nothing (422)' })
  @ApiJsonResponse(200, rulesReloadViewSchema, 'loaded, or unchanged')
  @ApiErrors({ 422: 'update_rules_invalid' })
  reload(): Promise<RulesReloadView> {
    return this.rules.reload();
  }
}
