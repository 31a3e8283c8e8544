import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret, bearerToken } from '@engram/auth';
import { ConfigService, EngramConfig, isLoopbackHost } from '@engram/config';
import { MetricsService } from '@engram/metrics';

/**
 * `engram worker`'s scrape endpoint: GET /metrics (the worker's registry: job outcomes and
 * durations, embedding jobs and lag, queue depths, the database gauges) and GET /health
 * (liveness, for a Kubernetes probe), on WORKER_METRICS_PORT. Off when the port is unset.
 *
 * A bare node:http listener rather than Fastify: the worker serves nothing else, and nothing
 * here parses a body. Access follows the API's /metrics: with METRICS_TOKEN set, only
 * `Authorization: Bearer <METRICS_TOKEN>`; without it, anybody, which is allowed on a loopback
 * host only (the worker refuses to start otherwise rather than publish its metrics).
 *
 * `engram serve` never builds this: its worker shares the API's process, registry and /metrics.
 */
export function workerMetricsProblem(config: EngramConfig): string | undefined {
  const host = config.WORKER_METRICS_HOST ?? config.HOST;
  if (config.WORKER_METRICS_PORT !== undefined && config.METRICS_TOKEN === undefined && !isLoopbackHost(host)) {
    return `WORKER_METRICS_HOST ${host} is not loopback: set METRICS_TOKEN (16+ characters), which Prometheus then sends as a bearer token`;
  }
  return undefined;
}

/** See workerMetricsProblem for the configuration it refuses. */
@Injectable()
export class WorkerMetricsServer implements OnApplicationShutdown {
  private readonly logger = new Logger('WorkerMetrics');
  private server: Server | undefined;
  private readonly port: number | undefined;
  private readonly host: string;
  private readonly token: Secret | undefined;

  constructor(
    private readonly metrics: MetricsService,
    config: ConfigService,
  ) {
    this.port = config.get('WORKER_METRICS_PORT');
    this.host = config.get('WORKER_METRICS_HOST') ?? config.get('HOST');
    const token = config.get('METRICS_TOKEN');
    this.token = token === undefined ? undefined : new Secret(token);
  }

  /** The port it listens on (WORKER_METRICS_PORT=0 picks a free one); undefined when off. */
  get listeningPort(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  /**
   * Starts listening; called by createWorker once the worker is initialized, so a port in use
   * fails the start after every other component is up and can be closed in order.
   */
  async start(): Promise<void> {
    if (this.port === undefined || this.server) {
      return;
    }
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      const send = (status: number, type: string, body: string) => {
        response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
      };
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return send(405, 'application/json', '{"error":{"code":"method_not_allowed"}}');
      }
      if (path === '/health') {
        return send(200, 'application/json', '{"status":"ok"}');
      }
      if (path !== '/metrics') {
        return send(404, 'application/json', '{"error":{"code":"route_not_found"}}');
      }
      if (this.token !== undefined) {
        const given = bearerToken(request.headers.authorization);
        if (typeof given !== 'string' || !this.token.matches(given)) {
          response.setHeader('www-authenticate', 'Bearer');
          return send(401, 'application/json', '{"error":{"code":"missing_credentials"}}');
        }
      }
      this.metrics.render().then(
        ({ contentType, body }) => send(200, contentType, body),
        (error: unknown) => {
          this.logger.error(`scrape failed: ${(error as Error).message}`);
          send(500, 'application/json', '{"error":{"code":"internal_error"}}');
        },
      );
    });
    // A scrape is one short request; a client that opens a socket and sends nothing is let go.
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`metrics on http://${this.host}:${this.listeningPort}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
