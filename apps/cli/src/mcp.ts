import { parseConfig } from '@engram/config';
import { embeddedMcpServer, parseStdioEnv, remoteMcpServer, serveStdio } from '@engram/mcp';
import { createApi } from '../../api/src/bootstrap';
import { serverMigrates, startStorage } from './runtime';

/**
 * `engram mcp`: MCP on stdin/stdout, for clients that start their servers as commands. With
 * ENGRAM_URL (and ENGRAM_TOKEN) every tool call goes to that server's REST API; without, the API
 * is started in this process on the embedded database (no port) and tools call its services.
 * stdout carries the protocol alone: logs and stray console output go to stderr.
 */
export async function runMcp(closers: (() => Promise<void>)[]): Promise<void> {
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  const env = parseStdioEnv(process.env);
  if (env.ENGRAM_URL !== undefined) {
    await serveStdio(remoteMcpServer({ ...env, ENGRAM_URL: env.ENGRAM_URL }));
    process.exit(0);
  }
  const config = parseConfig(process.env);
  const storage = await startStorage(config, serverMigrates(config));
  closers.push(() => storage.stop());
  const app = await createApi(config, {
    databaseUrl: storage.databaseUrl,
    embeddedDatabase: storage.embedded !== null,
    worker: true,
    logTo: 'stderr',
  });
  closers.push(() => app.close());
  await serveStdio(embeddedMcpServer(app, env.ENGRAM_TENANT));
  for (const close of closers.splice(0).reverse()) {
    await close().catch((error: unknown) => console.error(error));
  }
  process.exit(0);
}
