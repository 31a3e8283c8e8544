import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
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
import { resolveTenant, resolveTenantOrAll } from '@engram/auth';
import {
  CleanupView,
  PinListView,
  PinView,
  cleanupPinsSchema,
  cleanupViewSchema,
  listPinsQuerySchema,
  pinKeySchema,
  pinListViewSchema,
  pinViewSchema,
  upsertPinSchema,
} from './pins.dto';
import { PinsService } from './pins.service';

/**
 * Keys may contain "/", so single-pin routes take the rest of the path as the key; a key sent
 * percent-encoded (a%2Fb) arrives decoded the same way.
 */
/** Nest names the wildcard segment `path` in the document's route (`/pins/{path}`). */
const PIN_KEY_PARAM = 'path';
const PIN_KEY_DESCRIPTION = 'the pin key; "/" may appear raw or as %2F';

@ApiTags('pins')
@Controller('api/v1/memory/pins')
export class PinsController {
  constructor(private readonly pins: PinsService) {}

  @Post()
  @RequirePermission('memory_pin', 'write')
  @ApiOperation({ summary: 'Create or replace a pin (201 created, 200 replaced)' })
  @ApiJsonBody(upsertPinSchema)
  @ApiJsonResponse(201, pinViewSchema, 'created')
  @ApiJsonResponse(200, pinViewSchema, 'replaced')
  @ApiErrors({
    403: 'quota_exceeded, forbidden, feature_disabled (pins switched off)',
    413: 'value_too_large, payload_too_large',
  })
  async upsert(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<PinView> {
    const input = parseOrThrow(upsertPinSchema, body, 'body');
    const { pin, created } = await this.pins.upsert(await resolveTenant(input.tenant_id), input);
    void reply.status(created ? 201 : 200);
    return pin;
  }

  @Get()
  @RequirePermission('memory_pin', 'read')
  @ApiOperation({ summary: 'List live pins in key order, with a prefix filter and cursor pages' })
  @ApiQueryFrom(listPinsQuerySchema)
  @ApiJsonResponse(200, pinListViewSchema, 'a page of pins')
  @ApiErrors({ 400: 'invalid_<field>, invalid_cursor', 403: 'feature_disabled (pins switched off)' })
  async list(@Query() query: unknown): Promise<PinListView> {
    const parsed = parseOrThrow(listPinsQuerySchema, query, 'query');
    return this.pins.list(await resolveTenant(parsed.tenant_id), parsed);
  }

  @Post('cleanup')
  @HttpCode(200)
  @RequirePermission('memory_pin', 'delete')
  @ApiOperation({ summary: 'Delete expired pins (one tenant, or all); dry_run only counts them' })
  @ApiJsonBody(cleanupPinsSchema)
  @ApiJsonResponse(200, cleanupViewSchema, 'deleted, or on a dry run counted')
  async cleanup(@Body() body: unknown): Promise<CleanupView> {
    const input = parseOrThrow(cleanupPinsSchema, body ?? {}, 'body');
    return this.pins.cleanup(await resolveTenantOrAll(input.tenant_id), input.dry_run);
  }

  @Get('*')
  @RequirePermission('memory_pin', 'read')
  @ApiOperation({ summary: 'Read one live pin' })
  @ApiPathParam(PIN_KEY_PARAM, pinKeySchema, PIN_KEY_DESCRIPTION)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiJsonResponse(200, pinViewSchema, 'the pin')
  @ApiErrors({ 403: 'feature_disabled (pins switched off)', 404: 'pin_not_found (absent or expired)' })
  async get(@Param('*') key: unknown, @Query() query: unknown): Promise<PinView> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    return this.pins.get(await resolveTenant(tenant_id), parseKey(key));
  }

  @Delete('*')
  @HttpCode(204)
  @RequirePermission('memory_pin', 'delete')
  @ApiOperation({ summary: 'Delete one pin (404 if absent or expired)' })
  @ApiPathParam(PIN_KEY_PARAM, pinKeySchema, PIN_KEY_DESCRIPTION)
  @ApiQueryFrom(tenantQuerySchema)
  @ApiNoContent('deleted')
  @ApiErrors({ 403: 'feature_disabled (pins switched off)', 404: 'pin_not_found (absent or expired)' })
  async delete(@Param('*') key: unknown, @Query() query: unknown): Promise<void> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    await this.pins.delete(await resolveTenant(tenant_id), parseKey(key));
  }
}

function parseKey(raw: unknown): string {
  const joined = Array.isArray(raw) ? raw.join('/') : raw;
  return parseOrThrow(pinKeySchema, joined, 'key');
}
