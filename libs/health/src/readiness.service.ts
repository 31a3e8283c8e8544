import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { EmbeddingModels } from '@engram/embeddings';
import { JobQueue } from '@engram/jobs';
import { CachedReading, MetricsService } from '@engram/metrics';

const CHECK_TIMEOUT_MS = 2000;

/** What GET /ready answers: 200 with Terminus's body, or 503 with the same body naming the failing checks. */
export interface Readiness {
  ready: boolean;
  body: HealthCheckResult | object | string;
}

/**
 * The checks GET /ready runs, and the `engram_ready{check}` gauge (1 up, 0 down) they set. The
 * gauge is set whenever /ready is evaluated (a probe, a load balancer) and, at scrape time, by
 * running the checks again when the last evaluation is older than METRICS_DB_REFRESH_SECONDS:
 * Prometheus sees readiness without a blackbox exporter, per check, and an alert can name the
 * check that fails.
 */
@Injectable()
export class ReadinessService {
  private readonly reading: CachedReading<Readiness>;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: Database,
    private readonly queue: JobQueue,
    private readonly embeddings: EmbeddingModels,
    metrics: MetricsService,
    config: ConfigService,
  ) {
    // Both checks time out at 2 s and run in parallel: the reading's own timeout is above that.
    this.reading = new CachedReading(() => this.run(), config.get('METRICS_DB_REFRESH_SECONDS') * 1000, 5000);
    const reading = this.reading;
    metrics.gauge('engram_ready', 'Readiness checks of GET /ready: 1 up, 0 down', ['check'], async function () {
      const readiness = await reading.get();
      this.reset();
      const body = readiness?.body;
      const details = (typeof body === 'object' ? (body as Partial<HealthCheckResult>).details : undefined) ?? {};
      for (const check of ['database', 'queue', 'embeddings']) {
        this.set({ check }, details[check]?.status === 'up' ? 1 : 0);
      }
    });
  }

  /** Runs every check now (GET /ready), and records the result for the gauge. */
  async evaluate(): Promise<Readiness> {
    const readiness = await this.run();
    this.reading.offer(readiness);
    return readiness;
  }

  private async run(): Promise<Readiness> {
    try {
      const body = await this.health.check([
        () =>
          this.indicators
            .check('database')
            .attempt(() => this.database.ping())
            .withTimeout(CHECK_TIMEOUT_MS),
        () =>
          this.indicators
            .check('queue')
            .attempt(async () => {
              await this.queue.ping();
              return { driver: this.queue.driver };
            })
            .withTimeout(CHECK_TIMEOUT_MS),
        // Never down: without its configured model the service still embeds (with the hash
        // model), so this only reports the fallback.
        () => this.indicators.check('embeddings').up({ ...this.embeddings.defaultModelStatus() }),
      ]);
      return { ready: true, body };
    } catch (error) {
      // Terminus reports a failed check as a 503 whose body is the per-check result.
      if (error instanceof ServiceUnavailableException) {
        return { ready: false, body: error.getResponse() };
      }
      throw error;
    }
  }
}
