import { Controller, Delete, Get, Logger, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { AuthorizedPerOperation, ValidationError, parseOrThrow, tenantQuerySchema } from '@engram/common';
import { McpMethodNotAllowedError } from './mcp.errors';
import { createMcpServer } from './mcp.server';
import { ServiceOperations } from './service-operations';

/** The request headers the streamable HTTP transport reads; the credential headers stay here. */
const TRANSPORT_HEADERS = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id', 'last-event-id'];

function webRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const name of TRANSPORT_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') {
      headers.set(name, value);
    }
  }
  return new Request(`http://localhost${request.url}`, { method: request.method, headers });
}

/**
 * MCP over streamable HTTP, stateless: each POST gets a new server and transport, answered with
 * plain JSON (no session, no SSE stream). The transport of the SDK's web-standard flavour takes
 * the body Fastify already parsed and gives back a Response, which goes out through Fastify
 * itself, so the response passes the same hooks as any other: the audit acknowledgement, the
 * request id, the security headers.
 *
 * Authentication and the rate limit are the auth guard's, as on every route; each tool call is
 * then authorized with the permission of the REST route it stands for (ServiceOperations). Left
 * out of openapi.json: it is not a REST resource (docs/mcp.md describes it).
 */
@ApiExcludeController()
@Controller('mcp')
export class McpController {
  private readonly logger = new Logger('Mcp');

  constructor(private readonly services: ServiceOperations) {}

  @Post()
  @AuthorizedPerOperation()
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    const { tenant_id } = parseOrThrow(tenantQuerySchema, query, 'query');
    if (Array.isArray(request.body)) {
      // One message per request keeps one rate-limit hit per tool call (MCP has had no batches since 2025-06-18).
      throw new ValidationError('invalid_request', 'send one JSON-RPC message per request, not a batch', {
        path: [],
      });
    }
    const server = createMcpServer(this.services.forTenant(tenant_id), {
      log: (error, where) => this.logger.error(`${where} failed: ${(error as Error)?.stack ?? String(error)}`),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    try {
      await server.connect(transport);
      const response = await transport.handleRequest(webRequest(request), { parsedBody: request.body });
      void reply.status(response.status);
      response.headers.forEach((value, name) => void reply.header(name, value));
      const body = await response.text();
      await reply.send(body.length > 0 ? body : undefined);
    } finally {
      await server.close();
    }
  }

  /** No session, so no stream to GET and nothing to DELETE: 405, which clients take as "stateless". */
  @Get()
  @AuthorizedPerOperation()
  stream(@Res({ passthrough: true }) reply: FastifyReply): never {
    void reply.header('allow', 'POST');
    throw new McpMethodNotAllowedError('this MCP endpoint is stateless: POST one JSON-RPC message per request');
  }

  @Delete()
  @AuthorizedPerOperation()
  endSession(@Res({ passthrough: true }) reply: FastifyReply): never {
    void reply.header('allow', 'POST');
    throw new McpMethodNotAllowedError('this MCP endpoint is stateless: there is no session to end');
  }
}
