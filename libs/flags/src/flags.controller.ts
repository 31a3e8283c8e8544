import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  ApiPathParam,
  ApiQueryFrom,
  RequirePermission,
  bindTenant,
  parseOrThrow,
  requestContext,
  tenantIdSchema,
  tenantQuerySchema,
} from '@engram/common';
import { resolveTenantOrAll } from '@engram/auth';
import { TenantNotFoundError, TenantsService } from '@engram/tenants';
import {
  FeatureFlagsView,
  FlagsReloadResult,
  featureFlagsViewSchema,
  flagNameSchema,
  flagsReloadResultSchema,
  setTenantFlagSchema,
} from './flags.dto';
import { FeatureFlagsService } from './feature-flags.service';

@ApiTags('flags')
@Controller('api/v1/flags')
export class FlagsController {
  constructor(private readonly flags: FeatureFlagsService) {}

  @Get()
  @RequirePermission('feature_flag', 'read')
  @ApiOperation({
    summary: "Every feature flag's effective value for the caller's tenant, where each came from, and the file loaded",
  })
  @ApiQueryFrom(tenantQuerySchema)
  @ApiJsonResponse(200, featureFlagsViewSchema, 'the effective flags (tenant_id null: the platform values)')
  @ApiErrors({ 400: 'invalid_tenant_id', 404: 'tenant_not_found' })
  async list(@Query() query: unknown): Promise<FeatureFlagsView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    return this.flags.effective(await resolveTenantOrAll(tenant_id));
  }

  @Post('reload')
  @HttpCode(200)
  @RequirePermission('feature_flag', 'reload')
  @ApiOperation({ summary: 'Reload the feature flags file now and announce it to every replica' })
  @ApiJsonResponse(200, flagsReloadResultSchema, 'loaded (or unchanged) and announced')
  @ApiErrors({ 422: 'flags_invalid: the file was not loaded; details.issues say why' })
  reload(): Promise<FlagsReloadResult> {
    return this.flags.reload();
  }
}

/** Per-tenant overrides, on the admin surface beside the tenant itself. */
@ApiTags('admin')
@Controller('api/v1/admin/tenants/:id/flags')
export class TenantFlagsController {
  constructor(
    private readonly flags: FeatureFlagsService,
    private readonly tenants: TenantsService,
  ) {}

  @Get()
  @RequirePermission('feature_flag', 'admin')
  @ApiOperation({ summary: "A tenant's effective feature flags, with its overrides" })
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(200, featureFlagsViewSchema, "the tenant's effective flags")
  @ApiErrors({ 400: 'invalid_tenant_id', 404: 'tenant_not_found' })
  async get(@Param('id') id: unknown): Promise<FeatureFlagsView> {
    return this.flags.effective(await this.existingTenant(id));
  }

  @Put(':flag')
  @RequirePermission('feature_flag', 'admin')
  @ApiOperation({ summary: 'Override a flag for one tenant (above the environment, the file and the default)' })
  @ApiPathParam('id', tenantIdSchema)
  @ApiPathParam('flag', flagNameSchema)
  @ApiJsonBody(setTenantFlagSchema)
  @ApiJsonResponse(200, featureFlagsViewSchema, "the tenant's effective flags after the change")
  @ApiErrors({
    400: 'invalid_tenant_id, invalid_enabled, missing_enabled',
    404: 'tenant_not_found, feature_flag_not_found',
  })
  async set(@Param('id') id: unknown, @Param('flag') flag: string, @Body() body: unknown): Promise<FeatureFlagsView> {
    const tenantId = tenantIdParam(id);
    const known = this.flags.flagNamed(flag);
    const { enabled } = parseOrThrow(setTenantFlagSchema, body, 'body');
    const actor = requestContext.current()?.principal?.actor ?? 'unknown';
    if (!(await this.flags.setTenantOverride(tenantId, known, enabled, actor))) {
      throw new TenantNotFoundError(`no tenant ${tenantId}`, { tenant_id: tenantId });
    }
    return this.flags.effective(tenantId);
  }

  @Delete(':flag')
  @RequirePermission('feature_flag', 'admin')
  @ApiOperation({ summary: "Remove a tenant's override of a flag (idempotent): it falls back to env, file, default" })
  @ApiPathParam('id', tenantIdSchema)
  @ApiPathParam('flag', flagNameSchema)
  @ApiJsonResponse(200, featureFlagsViewSchema, "the tenant's effective flags after the change")
  @ApiErrors({ 400: 'invalid_tenant_id', 404: 'tenant_not_found, feature_flag_not_found' })
  async clear(@Param('id') id: unknown, @Param('flag') flag: string): Promise<FeatureFlagsView> {
    const tenantId = await this.existingTenant(id);
    await this.flags.clearTenantOverride(tenantId, this.flags.flagNamed(flag));
    return this.flags.effective(tenantId);
  }

  private async existingTenant(id: unknown): Promise<string> {
    const tenantId = tenantIdParam(id);
    const tenant = await this.tenants.lookup(tenantId);
    if (!tenant || tenant.status === 'pending_deletion') {
      throw new TenantNotFoundError(`no tenant ${tenantId}`, { tenant_id: tenantId });
    }
    return tenantId;
  }
}

/** The path's tenant, validated and held to the credential's binding like any other tenant_id. */
function tenantIdParam(id: unknown): string {
  return bindTenant(parseOrThrow(tenantIdSchema, id, 'tenant_id'));
}
