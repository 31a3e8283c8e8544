/**
 * The admission times of one credential over the last window, in memory: an exact sliding
 * window (at most `limit` admissions in any `windowMs` span) for one process.
 */
export class SlidingLog {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  /** Admissions in the window that ends at `now`. */
  count(now: number): number {
    const horizon = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head] <= horizon) {
      this.head += 1;
    }
    // Drop the expired prefix now and then, not on every call (slice is O(n)).
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }

  /** Milliseconds from `now` until the oldest admission in the window leaves it (0 if none). */
  msUntilSlot(now: number): number {
    return this.head < this.times.length ? Math.max(0, this.times[this.head] + this.windowMs - now) : 0;
  }
}
