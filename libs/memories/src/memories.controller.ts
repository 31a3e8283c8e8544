import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiJsonBody, ApiQueryFrom, RequirePermission, parseOrThrow, tenantQuerySchema } from '@engram/common';
import { resolveTenant } from '@engram/auth';
import {
  CreatedMemoryView,
  MemoryListView,
  MemoryView,
  RelatedView,
  addRelationsSchema,
  batchCreateSchema,
  createMemorySchema,
  listMemoriesQuerySchema,
  memoryIdSchema,
  relatedQuerySchema,
  updateMemorySchema,
} from './memories.dto';
import { BatchResultView, MemoriesService } from './memories.service';

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
  @ApiResponse({ status: 413, description: 'content_too_large' })
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
  async list(@Query() query: unknown): Promise<MemoryListView> {
    const parsed = parseOrThrow(listMemoriesQuerySchema, query, 'query');
    return this.memories.list(await resolveTenant(parsed.tenant_id), parsed);
  }

  @Get(':id')
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'Read one memory' })
  @ApiQueryFrom(tenantQuerySchema)
  async get(@Param('id') id: unknown, @Query() query: unknown): Promise<MemoryView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    return this.memories.get(await resolveTenant(tenant_id), parseOrThrow(memoryIdSchema, id, 'id'));
  }

  @Patch(':id')
  @RequirePermission('memory', 'write')
  @ApiOperation({ summary: 'Change a memory; new content is re-embedded' })
  @ApiJsonBody(updateMemorySchema)
  async update(@Param('id') id: unknown, @Body() body: unknown): Promise<MemoryView> {
    const input = parseOrThrow(updateMemorySchema, body, 'body');
    return this.memories.update(await resolveTenant(input.tenant_id), parseOrThrow(memoryIdSchema, id, 'id'), input);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('memory', 'delete')
  @ApiOperation({ summary: 'Hard-delete a memory with its vectors and relations' })
  @ApiQueryFrom(tenantQuerySchema)
  async delete(@Param('id') id: unknown, @Query() query: unknown): Promise<void> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    await this.memories.delete(await resolveTenant(tenant_id), parseOrThrow(memoryIdSchema, id, 'id'));
  }

  @Get(':id/related')
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: 'Memories reachable through relations, by depth and relation type' })
  @ApiQueryFrom(relatedQuerySchema)
  async related(@Param('id') id: unknown, @Query() query: unknown): Promise<{ related: RelatedView[] }> {
    const parsed = parseOrThrow(relatedQuerySchema, query, 'query');
    return this.memories.related(await resolveTenant(parsed.tenant_id), parseOrThrow(memoryIdSchema, id, 'id'), parsed);
  }

  @Post(':id/relations')
  @HttpCode(204)
  @RequirePermission('memory', 'write')
  @ApiOperation({ summary: 'Add typed edges from this memory' })
  @ApiJsonBody(addRelationsSchema)
  async relate(@Param('id') id: unknown, @Body() body: unknown): Promise<void> {
    const input = parseOrThrow(addRelationsSchema, body, 'body');
    await this.memories.addRelations(
      await resolveTenant(input.tenant_id),
      parseOrThrow(memoryIdSchema, id, 'id'),
      input.relations,
    );
  }
}
