import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AppError, describeError } from '@engram/common';
import type { RemoteApiError } from './engram-http.client';

/** JSON-RPC's code for an unknown resource (MCP specification, resources). */
export const RESOURCE_NOT_FOUND = -32002;

/** Reports what a client is never shown: the detail of an internal error. */
export type InternalErrorLog = (error: unknown, where: string) => void;

export interface EngramErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The error as Engram's REST API would answer it: an AppError's code, message and details (the
 * remote API's own, proxied unchanged); anything else is internal_error, its cause logged and
 * never sent.
 */
export function engramError(
  error: unknown,
  where: string,
  log: InternalErrorLog,
): EngramErrorBody & { status: number } {
  const remote = error as Partial<RemoteApiError>;
  const described = describeError(error);
  const status = typeof remote.status === 'number' ? remote.status : described.status;
  if (described.code === 'internal_error') {
    log(error, where);
  }
  return {
    status,
    code: described.code,
    message: described.message,
    ...(described.details === undefined ? {} : { details: described.details }),
  };
}

/** A tool's failure as MCP says tools fail: a result with isError, readable by the model. */
export function toolError(error: unknown, tool: string, log: InternalErrorLog): CallToolResult {
  const { status: _status, ...body } = engramError(error, `tool ${tool}`, log);
  return {
    isError: true,
    content: [{ type: 'text', text: `${body.code}: ${body.message}` }],
    structuredContent: { ...body },
  };
}

/**
 * Resources and prompts fail as JSON-RPC errors, Engram's code first in the message and in data;
 * a resource that is not there is -32002, as the specification asks.
 */
export function protocolError(error: unknown, where: 'resource' | 'prompt', log: InternalErrorLog): McpError {
  const { status, ...body } = engramError(error, where, log);
  const code =
    status === 404 && where === 'resource'
      ? RESOURCE_NOT_FOUND
      : status < 500
        ? ErrorCode.InvalidParams
        : ErrorCode.InternalError;
  return new McpError(code, `${body.code}: ${body.message}`, body);
}

export class McpMethodNotAllowedError extends AppError {
  readonly code = 'method_not_allowed';
}
