import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  ApiPathParam,
  ApiQueryFrom,
  RequirePermission,
  ValidationError,
  parseOrThrow,
} from '@engram/common';
import { resolveTenant } from '@engram/auth';
import {
  ConversationView,
  IngestedConversationView,
  MAX_MESSAGES,
  conversationViewSchema,
  ingestConversationSchema,
  ingestedConversationViewSchema,
  sessionIdParamSchema,
  sessionQuerySchema,
} from './conversations.dto';
import { ConversationsService } from './conversations.service';
import './conversations.errors';

@ApiTags('conversations')
@Controller('api/v1/conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post()
  @RequirePermission('memory', 'write')
  @ApiOperation({
    summary:
      'Store a chat exchange: each message an episodic memory of its session, all or nothing; a retry stores nothing twice (201; 200 when every message was already stored)',
  })
  @ApiJsonBody(ingestConversationSchema)
  @ApiJsonResponse(201, ingestedConversationViewSchema, 'stored (some may be duplicates)')
  @ApiJsonResponse(200, ingestedConversationViewSchema, 'every message was already stored (a retry)')
  @ApiErrors({
    400: 'empty_messages, too_many_messages, invalid_messages_role, invalid_messages_content',
    403: 'quota_exceeded, scope_mismatch',
    404: 'namespace_not_found',
    413: 'content_too_large, payload_too_large',
  })
  async ingest(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestedConversationView> {
    checkMessageCount(body);
    const input = parseOrThrow(ingestConversationSchema, body, 'body');
    const result = await this.conversations.ingest(await resolveTenant(input.tenant_id), input);
    void reply.status(result.created > 0 ? 201 : 200);
    return result;
  }

  @Get(':session_id')
  @RequirePermission('memory', 'read')
  @ApiOperation({ summary: "A session's messages, oldest first, in cursor pages" })
  @ApiPathParam('session_id', sessionIdParamSchema)
  @ApiQueryFrom(sessionQuerySchema)
  @ApiJsonResponse(200, conversationViewSchema, 'a page of the session (empty for a session with no messages)')
  @ApiErrors({ 400: 'invalid_cursor', 404: 'namespace_not_found' })
  async session(@Param('session_id') sessionId: unknown, @Query() query: unknown): Promise<ConversationView> {
    const parsed = parseOrThrow(sessionQuerySchema, query, 'query');
    return this.conversations.session(
      await resolveTenant(parsed.tenant_id),
      parseOrThrow(sessionIdParamSchema, sessionId, 'session_id'),
      parsed,
    );
  }
}

/** Array bounds get their own codes, before the schema (which would say invalid_messages). */
function checkMessageCount(body: unknown): void {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) {
    return;
  }
  if (messages.length === 0) {
    throw new ValidationError('empty_messages', 'messages must hold at least one message', { field: 'messages' });
  }
  if (messages.length > MAX_MESSAGES) {
    throw new ValidationError('too_many_messages', `at most ${MAX_MESSAGES} messages per request`, {
      field: 'messages',
      count: messages.length,
      limit: MAX_MESSAGES,
    });
  }
}
