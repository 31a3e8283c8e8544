import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
} from '@engram/common';
import {
  TenantListView,
  TenantView,
  UsageView,
  createTenantSchema,
  listTenantsQuerySchema,
  tenantListViewSchema,
  tenantViewSchema,
  updateTenantSchema,
  usageViewSchema,
} from './tenants.dto';
import { TenantsService } from './tenants.service';

/** Tenant administration. Every route is on the `tenant` resource, which only operators hold. */
@ApiTags('admin')
@Controller('api/v1/admin/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @RequirePermission('tenant', 'write')
  @ApiOperation({ summary: 'Create a tenant (409 tenant_exists)' })
  @ApiJsonBody(createTenantSchema)
  @ApiJsonResponse(201, tenantViewSchema, 'created')
  @ApiErrors({ 409: 'tenant_exists' })
  create(@Body() body: unknown): Promise<TenantView> {
    return this.tenants.create(parseOrThrow(createTenantSchema, body, 'body'));
  }

  @Get()
  @RequirePermission('tenant', 'read')
  @ApiOperation({
    summary: 'List tenants in id order, filtered by status and plan, in cursor pages',
  })
  @ApiQueryFrom(listTenantsQuerySchema)
  @ApiJsonResponse(200, tenantListViewSchema, 'a page of tenants')
  @ApiErrors({ 400: 'invalid_<field>, invalid_cursor' })
  list(@Query() query: unknown): Promise<TenantListView> {
    // A credential bound to a tenant sees only its own, whatever a policy grants it.
    const bound = requestContext.current()?.principal?.tenantId ?? null;
    return this.tenants.list(parseOrThrow(listTenantsQuerySchema, query, 'query'), bound);
  }

  @Get(':id')
  @RequirePermission('tenant', 'read')
  @ApiOperation({ summary: 'Read a tenant with its effective quotas' })
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(200, tenantViewSchema, 'the tenant')
  @ApiErrors({ 404: 'tenant_not_found' })
  get(@Param('id') id: unknown): Promise<TenantView> {
    return this.tenants.get(tenantParam(id));
  }

  @Patch(':id')
  @RequirePermission('tenant', 'write')
  @ApiOperation({
    summary: 'Rename, change plan, or override quotas (null removes an override)',
  })
  @ApiJsonBody(updateTenantSchema)
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(200, tenantViewSchema, 'the changed tenant')
  @ApiErrors({ 404: 'tenant_not_found' })
  update(@Param('id') id: unknown, @Body() body: unknown): Promise<TenantView> {
    return this.tenants.update(tenantParam(id), parseOrThrow(updateTenantSchema, body, 'body'));
  }

  @Delete(':id')
  @HttpCode(202)
  @RequirePermission('tenant', 'delete')
  @ApiOperation({
    summary: 'Delete a tenant: keys revoked now, data erased by a job (202)',
  })
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(202, tenantViewSchema, 'pending_deletion: keys revoked, data erased by a job')
  @ApiErrors({ 404: 'tenant_not_found', 409: 'tenant_protected' })
  delete(@Param('id') id: unknown): Promise<TenantView> {
    return this.tenants.delete(tenantParam(id));
  }

  @Get(':id/usage')
  @RequirePermission('tenant', 'read')
  @ApiOperation({ summary: 'Usage counters and effective quotas' })
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(200, usageViewSchema, 'usage and effective quotas')
  @ApiErrors({ 404: 'tenant_not_found' })
  usage(@Param('id') id: unknown): Promise<UsageView> {
    return this.tenants.usage(tenantParam(id));
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @RequirePermission('tenant', 'admin')
  @ApiOperation({
    summary: 'Suspend a tenant: its data routes answer 403 tenant_suspended',
  })
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(200, tenantViewSchema, 'suspended')
  @ApiErrors({ 404: 'tenant_not_found', 409: 'tenant_protected, tenant_state_conflict' })
  suspend(@Param('id') id: unknown): Promise<TenantView> {
    return this.tenants.suspend(tenantParam(id));
  }

  @Post(':id/activate')
  @HttpCode(200)
  @RequirePermission('tenant', 'admin')
  @ApiOperation({ summary: 'Re-activate a suspended tenant' })
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(200, tenantViewSchema, 'active')
  @ApiErrors({ 404: 'tenant_not_found', 409: 'tenant_state_conflict' })
  activate(@Param('id') id: unknown): Promise<TenantView> {
    return this.tenants.activate(tenantParam(id));
  }
}

/** The path's tenant, validated and held to the credential's binding like any other tenant_id. */
export function tenantParam(id: unknown): string {
  return bindTenant(parseOrThrow(tenantIdSchema, id, 'tenant_id'));
}
