import { AddressInfo } from 'node:net';
import { IncomingMessage, Server, createServer } from 'node:http';

export interface FakeEmbeddingServer {
  url: string;
  requests: { input: string[]; model: string; authorization: string | undefined }[];
  /** Status codes (or 'hang') to answer the next requests with, before answering normally. */
  failures: (number | 'hang')[];
  close(): Promise<void>;
}

/** A deterministic vector: counts of characters folded into `dimensions`, plus a constant. */
export function fakeVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  vector[0] = 1;
  for (const char of text.toLowerCase()) {
    vector[char.charCodeAt(0) % dimensions] += 1;
  }
  return vector;
}

async function readJson(request: IncomingMessage): Promise<{ input: string[]; model: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[]; model: string };
}

/** An OpenAI-compatible /v1/embeddings endpoint for tests, on a random loopback port. */
export async function startFakeEmbeddingServer(dimensions: number): Promise<FakeEmbeddingServer> {
  const state: Omit<FakeEmbeddingServer, 'url' | 'close'> = { requests: [], failures: [] };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readJson(request);
      state.requests.push({ input: body.input, model: body.model, authorization: request.headers.authorization });
      const failure = state.failures.shift();
      if (failure === 'hang') {
        setTimeout(() => response.destroy(), 2000).unref();
        return;
      }
      if (failure !== undefined) {
        response.writeHead(failure, { 'content-type': 'application/json' }).end('{"error":"injected"}');
        return;
      }
      const data = body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: fakeVector(text, dimensions),
      }));
      // Out of order on purpose: clients must sort by index.
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ object: 'list', data: data.reverse(), model: body.model }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get failures() {
      return state.failures;
    },
    set failures(value) {
      state.failures = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
