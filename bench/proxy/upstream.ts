import { createServer } from 'node:http';

/**
 * The bench's upstream: an OpenAI-compatible /v1/chat/completions that answers at once (a JSON
 * completion, or eight SSE chunks written back to back), so what is measured is the proxy.
 */
const CHUNKS = 8;

const server = createServer((request, response) => {
  if (request.url === '/health') {
    response.writeHead(200).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { stream?: boolean; model?: string };
    if (body.stream === true) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (let i = 0; i < CHUNKS; i += 1) {
        const event = { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `word${i} ` } }] };
        response.write(`data: ${JSON.stringify(event)}\n\n`);
      }
      response.end('data: [DONE]\n\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-bench',
        object: 'chat.completion',
        model: body.model ?? 'bench',
        choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer.' }, finish_reason: 'stop' }],
      }),
    );
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
