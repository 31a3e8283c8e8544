import { randomUUID } from 'node:crypto';
import { INestApplicationContext, Logger } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { AuditSink } from '@engram/audit';
import { Principal, RequestContext, requestContext, tenantIdSchema } from '@engram/common';
import { ConfigValidationError } from '@engram/config';
import { TenantsService } from '@engram/tenants';
import { EngramHttpClient, httpOperations } from './engram-http.client';
import { createMcpServer } from './mcp.server';
import { ServiceOperations } from './service-operations';

const blankIsUnset = (value: unknown) => (value === '' ? undefined : value);

/** `engram mcp`'s own settings: where the server is, the credential, the tenant to act on. */
const stdioEnvSchema = z.object({
  ENGRAM_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/ }).optional()),
  ENGRAM_TOKEN: z.preprocess(blankIsUnset, z.string().optional()),
  ENGRAM_TENANT: z.preprocess(blankIsUnset, tenantIdSchema.optional()),
});
export type StdioEnv = z.infer<typeof stdioEnvSchema>;

export function parseStdioEnv(env: NodeJS.ProcessEnv): StdioEnv {
  const parsed = stdioEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigValidationError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  if (parsed.data.ENGRAM_TOKEN !== undefined && parsed.data.ENGRAM_URL === undefined) {
    throw new ConfigValidationError([
      'ENGRAM_TOKEN: set ENGRAM_URL too (without it, engram mcp runs the embedded server)',
    ]);
  }
  return parsed.data;
}

/**
 * The embedded server's caller: whoever runs `engram mcp` on this machine, with the data
 * directory in hand, is its operator (as in open local mode over HTTP).
 */
const LOCAL_PRINCIPAL: Principal = { kind: 'anonymous', role: 'admin', tenantId: null, actor: 'local:mcp' };

/**
 * MCP on the services of an app started in this process (no port). Each request runs in a
 * request context of its own, as an HTTP request would after authentication: the local
 * principal, the tenant gate; it answers once its audit events are committed.
 */
export function embeddedMcpServer(app: INestApplicationContext, tenant: string | undefined): Server {
  const operations = app.get(ServiceOperations).forTenant(tenant);
  const tenants = app.get(TenantsService);
  const audit = app.get(AuditSink);
  const logger = new Logger('Mcp');
  return createMcpServer(operations, {
    around: (work) => {
      const context: RequestContext = {
        requestId: randomUUID(),
        principal: LOCAL_PRINCIPAL,
        tenantGate: (tenantId) => tenants.requireActive(tenantId),
      };
      return requestContext.run(context, async () => {
        try {
          return await work();
        } finally {
          await audit.confirm(context);
        }
      });
    },
    log: (error, where) => logger.error(`${where} failed: ${(error as Error)?.stack ?? String(error)}`),
  });
}

/** MCP on another Engram's REST API: every tool call is one or more REST calls with the token. */
export function remoteMcpServer(env: StdioEnv & { ENGRAM_URL: string }): Server {
  const client = new EngramHttpClient({ url: env.ENGRAM_URL, token: env.ENGRAM_TOKEN, tenant: env.ENGRAM_TENANT });
  return createMcpServer(httpOperations(client), {
    log: (error, where) => console.error(`engram mcp: ${where} failed:`, error),
  });
}

/** Serves `server` on stdin/stdout until stdin ends (the client went away). */
export async function serveStdio(server: Server): Promise<void> {
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(new StdioServerTransport());
  await ended;
  await server.close();
}
