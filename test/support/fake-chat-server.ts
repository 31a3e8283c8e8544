import { IncomingMessage, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export type Reply = { status: number; body: string } | 'hang' | 'stall-body';

export interface FakeChatServer {
  url: string;
  requests: { body: Record<string, unknown>; authorization: string | undefined }[];
  /** Answers for the next requests, in order; then `fallback`. */
  replies: Reply[];
  fallback: Reply;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

/** A chat completion whose message content is `content` (JSON-encoded unless a string). */
export const completion = (content: unknown) => ({
  status: 200,
  body: JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content) },
      },
    ],
  }),
});

/** An OpenAI-compatible /v1/chat/completions endpoint for tests, on a random loopback port. */
export async function startFakeChatServer(): Promise<FakeChatServer> {
  const state = {
    requests: [] as FakeChatServer['requests'],
    replies: [] as Reply[],
    fallback: completion({ facts: [] }) as Reply,
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      state.requests.push({ body: await readBody(request), authorization: request.headers.authorization });
      const reply = state.replies.shift() ?? state.fallback;
      if (reply === 'hang') {
        setTimeout(() => response.destroy(), 3000).unref();
        return;
      }
      if (reply === 'stall-body') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"choices": [');
        setTimeout(() => response.destroy(), 3000).unref();
        return;
      }
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get replies() {
      return state.replies;
    },
    set replies(value: Reply[]) {
      state.replies = value;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(value: Reply) {
      state.fallback = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
