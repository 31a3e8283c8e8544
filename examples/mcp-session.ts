// An MCP session with Engram over streamable HTTP: connect, remember, recall, get_context.
//
//   ENGRAM_URL=http://127.0.0.1:8080 ENGRAM_API_KEY=eng_... node examples/mcp-session.ts
//
// (Node 22.18+ runs TypeScript as is.) Without ENGRAM_API_KEY it works against a local server in
// open mode. Any MCP client does the same: the endpoint is <ENGRAM_URL>/mcp, the key goes in
// X-API-Key (or Authorization: Bearer), and the key decides the tenant.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[] };

function textOf(result: ToolResult): string {
  return result.content.map((part) => part.text ?? '').join('\n');
}

async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  if (result.isError) {
    // The text starts with Engram's error code, e.g. "namespace_not_found: no namespace notes".
    throw new Error(`${name} failed: ${textOf(result)}`);
  }
  return result;
}

async function main(): Promise<void> {
  const endpoint = new URL('/mcp', process.env.ENGRAM_URL ?? 'http://127.0.0.1:8080');
  const apiKey = process.env.ENGRAM_API_KEY;
  const client = new Client({ name: 'engram-example', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: apiKey ? { 'x-api-key': apiKey } : {} } }),
  );
  try {
    const { tools } = await client.listTools();
    console.log(`tools: ${tools.map((tool) => tool.name).join(', ')}`);

    const remembered = await callTool(client, 'remember', {
      namespace: 'example',
      create_namespace: true,
      content: 'Ada prefers short answers with code samples',
      tags: ['preferences'],
      importance: 0.8,
    });
    console.log(`remember: ${textOf(remembered)}`);

    const recalled = await callTool(client, 'recall', {
      namespace: 'example',
      query: 'how does Ada like answers?',
      k: 3,
    });
    console.log(`recall:\n${textOf(recalled)}`);

    const context = await callTool(client, 'get_context', {
      namespace: 'example',
      query: 'write a reply to Ada',
      token_budget: 300,
    });
    console.log(`get_context:\n${textOf(context)}`);
  } finally {
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
