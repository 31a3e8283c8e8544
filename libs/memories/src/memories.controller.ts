import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
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
  BatchResultView,
  CreatedMemoryView,
  MemoryHistoryView,
  SupersedeResultView,
  historyQuerySchema,
  memoryHistoryViewSchema,
  supersedeMemorySchema,
  supersedeResultViewSchema,
  MemoryListView,
  MemoryView,
  RelatedListView,
  batchResultViewSchema,
  createdMemoryViewSchema,
  memoryListViewSchema,
  memoryViewSchema,
  relatedListViewSchema,
  addRelationsSchema,
  batchCreateSchema,
  createMemorySchema,
  listMemoriesQuerySchema,
  memoryIdSchema,
  relatedQuerySchema,
  updateMemorySchema,
} from './memories.dto';
import { MemoriesService } from './memories.service';

@ApiTags('memories')
@Controller('api/v1/memories')
export class MemoriesController {
  constructor(private readonly memories: MemoriesService) {}

  @Post()
  @RequirePermission('memory', 'write')
  @ApiOperation({
    summary: 'Store a memory (201; 200 with duplicate: true when the namespace already holds this content)',
  })
  @ApiJsonBody(createMemorySchema)
  @ApiJsonResponse(201, createdMemoryViewSchema, 'stored')
  @ApiJsonResponse(
    200,
    createdMemoryViewSchema,
    'the namespace already holds this content: that memory, duplicate: true',
  )
  @ApiErrors({
    403: 'quota_exceeded, forbidden',
    404: 'namespace_not_found, relation_target_not_found, supersede_target_not_found',
    409: 'with supersedes: memory_already_superseded, supersede_namespace_mismatch, duplicate_content',
    413: 'content_too_large, payload_too_large',
  })
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<CreatedMemoryView> {
    const input = parseOrThrow(createMemorySchema, body, 'body');
    const memory = await this.memories.create(await resolveTenant(input.tenant_id), input);
    void reply.status(memory.duplicate ? 200 : 201);
    return memory;
  }

  @Post('batch')
  @RequirePermission('memory', 'write')
  @ApiOperation({ summary: 'Store up to 1000 memories, all or nothing (201; 200 when every one was a duplicate)' })
  @ApiJsonBody(batchCreateSchema)
  @ApiJsonResponse(201, batchResultViewSchema, 'stored (some may be duplicates)')
  @ApiJsonResponse(200, batchResultViewSchema, 'every one was a duplicate')
  @ApiErrors({
    400: 'invalid_memories: the same memory superseded twice',
    403: 'quota_exceeded, forbidden',
    404: 'namespace_not_found, relation_target_not_found, supersede_target_not_found',
    409: 'with supersedes: memory_already_superseded, supersede_namespace_mismatch, duplicate_content',
    413: 'content_too_large, payload_too_large',
  })
  async createBatch(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<BatchResultView> {
    const input = parseOrThrow(batchCreateSchema, body, 'body');
    const result = await this.memories.createBatch(await resolveTenant(input.tenant_id), input);
    void reply.status(result.created > 0 ? 201 : 200);
    return result;
  }

  @Get()
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'List memories, newest first, with filters and cursor pages' })
  @ApiQueryFrom(listMemoriesQuerySchema)
  @ApiJsonResponse(200, memoryListViewSchema, 'a page of memories')
  @ApiErrors({ 400: 'invalid_<field>, invalid_cursor' })
  async list(@Query() query: unknown): Promise<MemoryListView> {
    const parsed = parseOrThrow(listMemoriesQuerySchema, query, 'query');
    return this.memories.list(await resolveTenant(parsed.tenant_id), parsed);
  }

  @Get(':id')
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'Read one memory' })
  @ApiPathParam('id', memoryIdSchema)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiJsonResponse(200, memoryViewSchema, 'the memory')
  @ApiErrors({ 404: 'memory_not_found' })
  async get(@Param('id') id: unknown, @Query() query: unknown): Promise<MemoryView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    return this.memories.get(await resolveTenant(tenant_id), parseOrThrow(memoryIdSchema, id, 'id'));
  }

  @Patch(':id')
  @RequirePermission('memory', 'write')
  @ApiOperation({ summary: 'Change a memory; new content is re-embedded' })
  @ApiPathParam('id', memoryIdSchema)
  @ApiJsonBody(updateMemorySchema)
  @ApiJsonResponse(200, memoryViewSchema, 'the changed memory')
  @ApiErrors({
    404: 'memory_not_found, namespace_not_found',
    409: 'duplicate_content: details.id names the memory that holds it',
    413: 'content_too_large, payload_too_large',
  })
  async update(@Param('id') id: unknown, @Body() body: unknown): Promise<MemoryView> {
    const input = parseOrThrow(updateMemorySchema, body, 'body');
    return this.memories.update(await resolveTenant(input.tenant_id), parseOrThrow(memoryIdSchema, id, 'id'), input);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('memory', 'delete')
  @ApiOperation({ summary: 'Hard-delete a memory with its vectors and relations' })
  @ApiPathParam('id', memoryIdSchema)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiNoContent('deleted')
  @ApiErrors({ 404: 'memory_not_found' })
  async delete(@Param('id') id: unknown, @Query() query: unknown): Promise<void> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    await this.memories.delete(await resolveTenant(tenant_id), parseOrThrow(memoryIdSchema, id, 'id'));
  }

  @Post(':id/supersede')
  @RequirePermission('memory', 'write')
  @ApiOperation({
    summary: 'Supersede a memory: create its successor in the same namespace and mark it superseded, atomically (201)',
  })
  @ApiPathParam('id', memoryIdSchema)
  @ApiJsonBody(supersedeMemorySchema)
  @ApiJsonResponse(201, supersedeResultViewSchema, 'the new memory and the superseded one')
  @ApiErrors({
    403: 'quota_exceeded, forbidden',
    404: 'memory_not_found, relation_target_not_found',
    409: 'memory_already_superseded (details name its successor), duplicate_content (details name the holder)',
    413: 'content_too_large, payload_too_large',
  })
  async supersede(
    @Param('id') id: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SupersedeResultView> {
    const input = parseOrThrow(supersedeMemorySchema, body, 'body');
    const result = await this.memories.supersede(
      await resolveTenant(input.tenant_id),
      parseOrThrow(memoryIdSchema, id, 'id'),
      input,
      'api',
    );
    void reply.status(201);
    return result;
  }

  @Get(':id/history')
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'Every version of a memory: content, who, when and why, oldest first' })
  @ApiPathParam('id', memoryIdSchema)
  @ApiQueryFrom(historyQuerySchema)
  @ApiJsonResponse(200, memoryHistoryViewSchema, 'the versions')
  @ApiErrors({ 404: 'memory_not_found' })
  async history(@Param('id') id: unknown, @Query() query: unknown): Promise<MemoryHistoryView> {
    const { tenant_id } = parseOrThrow(historyQuerySchema, query, 'query');
    return this.memories.history(await resolveTenant(tenant_id), parseOrThrow(memoryIdSchema, id, 'id'));
  }

  @Get(':id/related')
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'Memories reachable through relations, by depth and relation type' })
  @ApiPathParam('id', memoryIdSchema)
  @ApiQueryFrom(relatedQuerySchema)
  @ApiJsonResponse(200, relatedListViewSchema, 'the reachable memories')
  @ApiErrors({ 404: 'memory_not_found' })
  async related(@Param('id') id: unknown, @Query() query: unknown): Promise<RelatedListView> {
    const parsed = parseOrThrow(relatedQuerySchema, query, 'query');
    return this.memories.related(await resolveTenant(parsed.tenant_id), parseOrThrow(memoryIdSchema, id, 'id'), parsed);
  }

  @Post(':id/relations')
  @HttpCode(204)
  @RequirePermission('memory', 'write')
  @ApiOperation({ summary: 'Add typed edges from this memory' })
  @ApiPathParam('id', memoryIdSchema)
  @ApiJsonBody(addRelationsSchema)
  @ApiNoContent('the edges exist (adding one again changes its weight)')
  @ApiErrors({ 404: 'memory_not_found, relation_target_not_found' })
  async relate(@Param('id') id: unknown, @Body() body: unknown): Promise<void> {
    const input = parseOrThrow(addRelationsSchema, body, 'body');
    await this.memories.addRelations(
      await resolveTenant(input.tenant_id),
      parseOrThrow(memoryIdSchema, id, 'id'),
      input.relations,
    );
  }
}
