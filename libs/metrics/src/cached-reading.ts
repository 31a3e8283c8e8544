/**
 * A value read from a backend (Postgres, a health check) for gauges that are set at scrape
 * time. Scrapes within `maxAgeMs` of the last reading reuse it, and concurrent scrapes share one
 * reading in flight, so N scrapers (Prometheus HA pairs, a curl) cost one query per interval,
 * not one each. A reading that fails or outlasts `timeoutMs` yields undefined: the gauge then
 * reports nothing rather than a stale value an alert would trust, and the scrape still answers
 * well inside Prometheus's scrape timeout.
 */
export class CachedReading<T> {
  private value: T | undefined;
  private readAt = -Infinity;
  private inFlight: Promise<T | undefined> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly timeoutMs = 2000,
  ) {}

  /** Sets the reading from outside (e.g. /ready evaluated by a request), as fresh. */
  offer(value: T): void {
    this.value = value;
    this.readAt = performance.now();
  }

  get(): Promise<T | undefined> {
    if (performance.now() - this.readAt < this.maxAgeMs) {
      return Promise.resolve(this.value);
    }
    this.inFlight ??= this.readOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async readOnce(): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.timeoutMs);
      timer.unref();
    });
    try {
      const value = await Promise.race([this.read(), timeout]);
      if (value === undefined) {
        return undefined;
      }
      this.offer(value);
      return value;
    } catch {
      this.value = undefined;
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
