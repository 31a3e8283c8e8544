import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  ApiNoContent,
  ApiPathParam,
  ApiQueryFrom,
  RequirePermission,
  parseOrThrow,
  tenantQuerySchema,
} from '@engram/common';
import { resolveTenant } from '@engram/auth';
import {
  NamespaceListView,
  NamespaceView,
  namespaceListViewSchema,
  namespaceViewSchema,
  createNamespaceSchema,
  namespaceNameSchema,
  updateNamespaceSchema,
} from './memories.dto';
import { NamespacesService } from './namespaces.service';

@ApiTags('namespaces')
@Controller('api/v1/namespaces')
export class NamespacesController {
  constructor(private readonly namespaces: NamespacesService) {}

  @Post()
  @RequirePermission('memory', 'write')
  @ApiOperation({ summary: 'Create a namespace (409 if it exists)' })
  @ApiJsonBody(createNamespaceSchema)
  @ApiJsonResponse(201, namespaceViewSchema, 'created')
  @ApiErrors({ 400: 'invalid_<field>, unknown_embedding_model', 409: 'namespace_exists' })
  async create(@Body() body: unknown): Promise<NamespaceView> {
    const input = parseOrThrow(createNamespaceSchema, body, 'body');
    return this.namespaces.create(await resolveTenant(input.tenant_id), input);
  }

  @Get()
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'List namespaces' })
  @ApiQueryFrom(tenantQuerySchema)
  @ApiJsonResponse(200, namespaceListViewSchema, 'every namespace of the tenant')
  async list(@Query() query: unknown): Promise<NamespaceListView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    return this.namespaces.list(await resolveTenant(tenant_id));
  }

  @Get(':name')
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'Read a namespace' })
  @ApiPathParam('name', namespaceNameSchema)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiJsonResponse(200, namespaceViewSchema, 'the namespace')
  @ApiErrors({ 404: 'namespace_not_found' })
  async get(@Param('name') name: unknown, @Query() query: unknown): Promise<NamespaceView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    return this.namespaces.get(await resolveTenant(tenant_id), parseOrThrow(namespaceNameSchema, name, 'name'));
  }

  @Patch(':name')
  @RequirePermission('memory', 'write')
  @ApiOperation({ summary: 'Change a namespace; a new embedding_model re-embeds it in the background' })
  @ApiPathParam('name', namespaceNameSchema)
  @ApiJsonBody(updateNamespaceSchema)
  @ApiJsonResponse(200, namespaceViewSchema, 'the changed namespace')
  @ApiErrors({ 400: 'invalid_<field>, unknown_embedding_model', 404: 'namespace_not_found' })
  async update(@Param('name') name: unknown, @Body() body: unknown): Promise<NamespaceView> {
    const input = parseOrThrow(updateNamespaceSchema, body, 'body');
    return this.namespaces.update(
      await resolveTenant(input.tenant_id),
      parseOrThrow(namespaceNameSchema, name, 'name'),
      input,
    );
  }

  @Delete(':name')
  @HttpCode(204)
  @RequirePermission('memory', 'delete')
  @ApiOperation({ summary: 'Delete a namespace and every memory in it' })
  @ApiPathParam('name', namespaceNameSchema)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiNoContent('deleted, with its memories')
  @ApiErrors({ 404: 'namespace_not_found' })
  async delete(@Param('name') name: unknown, @Query() query: unknown): Promise<void> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    await this.namespaces.delete(await resolveTenant(tenant_id), parseOrThrow(namespaceNameSchema, name, 'name'));
  }
}
