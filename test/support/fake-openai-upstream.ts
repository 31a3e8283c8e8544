import { AddressInfo } from 'node:net';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';

export interface UpstreamRequestRecord {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined for a GET). */
  body: any;
}

/** How the fake answers one request; the default is a chat completion (or an event stream when asked). */
export type UpstreamBehaviour =
  | { kind: 'status'; status: number; body: string; headers?: Record<string, string> }
  /** Never answers (until the client gives up). */
  | { kind: 'hang' }
  /** Streams `chunks` events, `everyMs` apart (a slow stream the client can leave mid-way). */
  | { kind: 'stream'; chunks: number; everyMs: number }
  /** Sends headers, then breaks the connection. */
  | { kind: 'reset' };

export interface FakeOpenAiUpstream {
  /** The base URL, ending in /v1, as PROXY_UPSTREAM_URL takes it. */
  url: string;
  requests: UpstreamRequestRecord[];
  /** Behaviours for the next requests, in order; then `fallback`. */
  next: UpstreamBehaviour[];
  /** The behaviour once `next` is used up; null: the default completion (or stream). */
  fallback: UpstreamBehaviour | null;
  /** Requests whose connection the client closed before the answer was complete. */
  aborted: number;
  /** Streams that were written to the end. */
  completedStreams: number;
  /** Reply with every message received (JSON) instead of the echo of the last one: what was injected shows. */
  echoMessages: boolean;
  /** Resolves when the next client abort is seen. */
  waitForAbort(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The deterministic reply of the default completion: what the last user message said, echoed. */
export function fakeReply(lastUser: string): string {
  return `echo: ${lastUser}`;
}

function lastUserText(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const last = [...messages].reverse().find((m) => m?.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

function completion(body: any, echoMessages: boolean): string {
  const content = echoMessages ? JSON.stringify(body?.messages ?? []) : fakeReply(lastUserText(body));
  return JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: 1,
    model: body?.model ?? 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}

/** A chat completion whose message content is `content` (JSON-encoded unless a string). */
export function completionWith(content: unknown): UpstreamBehaviour {
  return {
    kind: 'status',
    status: 200,
    body: JSON.stringify({
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content) },
        },
      ],
    }),
  };
}

/** The words of the reply as chat.completion.chunk events, then [DONE]. */
export function streamEvents(body: any, chunks?: number): string[] {
  const words = fakeReply(lastUserText(body)).split(/(?<= )/);
  const count = chunks ?? words.length;
  const events: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const content = i < words.length ? words[i] : '';
    events.push(
      `data: ${JSON.stringify({
        id: 'chatcmpl-fake',
        object: 'chat.completion.chunk',
        model: body?.model ?? 'fake',
        choices: [{ index: 0, delta: { content }, finish_reason: null }],
      })}\n\n`,
    );
  }
  events.push('data: [DONE]\n\n');
  return events;
}

async function readBody(request: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length > 0 ? JSON.parse(text) : undefined;
}

/** An OpenAI-compatible /v1/chat/completions and /v1/models for tests, on a random loopback port. */
export async function startFakeOpenAiUpstream(): Promise<FakeOpenAiUpstream> {
  let abortWaiters: (() => void)[] = [];
  const state = {
    requests: [] as UpstreamRequestRecord[],
    next: [] as UpstreamBehaviour[],
    fallback: null as UpstreamBehaviour | null,
    aborted: 0,
    completedStreams: 0,
    echoMessages: false,
  };
  const sawAbort = () => {
    state.aborted += 1;
    const waiters = abortWaiters;
    abortWaiters = [];
    waiters.forEach((resolve) => resolve());
  };
  const watchAbort = (response: ServerResponse) => {
    response.once('close', () => {
      if (!response.writableEnded) {
        sawAbort();
      }
    });
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const path = (request.url ?? '').replace(/^\/v1/, '');
      state.requests.push({ method: request.method ?? '', path, headers: request.headers, body });
      watchAbort(response);
      if (path === '/models') {
        response
          .writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'upstream-models' })
          .end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'tests' }] }));
        return;
      }
      const behaviour = state.next.shift() ?? state.fallback ?? undefined;
      if (behaviour?.kind === 'hang') {
        return;
      }
      if (behaviour?.kind === 'reset') {
        response.socket?.destroy();
        return;
      }
      if (behaviour?.kind === 'status') {
        response
          .writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers })
          .end(behaviour.body);
        return;
      }
      if (body?.stream === true || behaviour?.kind === 'stream') {
        const events = streamEvents(body, behaviour?.kind === 'stream' ? behaviour.chunks : undefined);
        const everyMs = behaviour?.kind === 'stream' ? behaviour.everyMs : 0;
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          'x-request-id': 'upstream-stream',
        });
        for (const event of events) {
          if (response.destroyed) {
            return;
          }
          response.write(event);
          if (everyMs > 0) {
            await new Promise((resolve) => setTimeout(resolve, everyMs));
          }
        }
        response.end();
        state.completedStreams += 1;
        return;
      }
      response
        .writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'upstream-completion' })
        .end(completion(body, state.echoMessages));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get next() {
      return state.next;
    },
    set next(value) {
      state.next = value;
    },
    get fallback() {
      return state.fallback;
    },
    set fallback(value) {
      state.fallback = value;
    },
    get aborted() {
      return state.aborted;
    },
    get completedStreams() {
      return state.completedStreams;
    },
    get echoMessages() {
      return state.echoMessages;
    },
    set echoMessages(value) {
      state.echoMessages = value;
    },
    waitForAbort: (timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no abort seen within ${timeoutMs} ms`)), timeoutMs);
        abortWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
