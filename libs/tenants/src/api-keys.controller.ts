import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  ApiNoContent,
  ApiPathParam,
  RequirePermission,
  parseOrThrow,
  tenantIdSchema,
} from '@engram/common';
import { ApiKeysService } from './api-keys.service';
import {
  ApiKeyListView,
  CreatedApiKeyView,
  apiKeyIdSchema,
  apiKeyListViewSchema,
  createApiKeySchema,
  createdApiKeyViewSchema,
} from './tenants.dto';
import { tenantParam } from './tenants.controller';

@ApiTags('admin')
@Controller('api/v1/admin/tenants/:id/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @RequirePermission('api_key', 'write')
  @ApiOperation({
    summary: 'Create an API key; the raw key is in `key`, shown this once',
  })
  @ApiJsonBody(createApiKeySchema)
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(201, createdApiKeyViewSchema, 'created; `key` is shown this once')
  @ApiErrors({ 400: 'invalid_<field>, invalid_role', 404: 'tenant_not_found' })
  create(@Param('id') id: unknown, @Body() body: unknown): Promise<CreatedApiKeyView> {
    return this.keys.create(tenantParam(id), parseOrThrow(createApiKeySchema, body, 'body'));
  }

  @Get()
  @RequirePermission('api_key', 'read')
  @ApiOperation({ summary: "List a tenant's API keys (never the raw keys)" })
  @ApiPathParam('id', tenantIdSchema)
  @ApiJsonResponse(200, apiKeyListViewSchema, "the tenant's keys")
  @ApiErrors({ 404: 'tenant_not_found' })
  async list(@Param('id') id: unknown): Promise<ApiKeyListView> {
    return { api_keys: await this.keys.list(tenantParam(id)) };
  }

  @Delete(':keyId')
  @HttpCode(204)
  @RequirePermission('api_key', 'delete')
  @ApiOperation({ summary: 'Revoke an API key, on every replica at once' })
  @ApiPathParam('id', tenantIdSchema)
  @ApiPathParam('keyId', apiKeyIdSchema)
  @ApiNoContent('revoked')
  @ApiErrors({ 404: 'tenant_not_found, api_key_not_found' })
  async revoke(@Param('id') id: unknown, @Param('keyId') keyId: unknown): Promise<void> {
    await this.keys.revoke(tenantParam(id), parseOrThrow(apiKeyIdSchema, keyId, 'key_id'));
  }
}
