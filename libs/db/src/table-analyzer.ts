import { Logger } from '@nestjs/common';
import { Database } from './database';

/** Autovacuum's analyze rule, with its default settings: 50 rows plus 10% of the table. */
const CHANGED_ENOUGH = 'n_mod_since_analyze > 50 + 0.1 * n_live_tup';
/** Passes a kick may cost when they find nothing changed. */
const KICKED_LOOKS = 3;
/** One replica analyzes at a time; the others skip the pass (pg_try_advisory_xact_lock's key). */
const ANALYZE_LOCK_KEY = 'engram.analyze';

/**
 * Analyzes the tables whose changes since their last ANALYZE exceed autovacuum's threshold;
 * `all` analyzes every table. Returns their names.
 *
 * Why the app does this at all: PGlite has no autovacuum, and Postgres may run without it (some
 * managed and tuned deployments turn it off); either way plans would run on stale estimates
 * after a bulk load (a 5k-memory search took 370 ms unanalyzed against 47 ms analyzed).
 *
 * Embedded, each table is analyzed in its own transaction through the app's own pool: PGlite is
 * one session behind its socket, so requests queue behind one table at most. On Postgres the
 * pass is one transaction holding an advisory lock, so replicas do not analyze the same tables
 * at once. Both run as the login role (`crossTenant`), which owns the tables ANALYZE needs.
 */
export async function analyzeChangedTables(database: Database, all: boolean): Promise<string[]> {
  const changed = (tx: Parameters<Parameters<Database['crossTenant']>[0]>[0]) =>
    tx.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, relname) AS name FROM pg_stat_user_tables
        WHERE $1 OR ${CHANGED_ENOUGH} ORDER BY 1`,
      [all],
    );
  if (database.embedded) {
    const tables = await database.crossTenant(changed);
    for (const { name } of tables) {
      await database.crossTenant((tx) => tx.query(`ANALYZE ${name}`));
    }
    return tables.map((table) => table.name);
  }
  return database.crossTenant(async (tx) => {
    const [{ locked }] = await tx.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
      [ANALYZE_LOCK_KEY],
    );
    if (!locked) {
      return [];
    }
    // ANALYZE samples a bounded number of rows, but a sample of a large table can outlast the
    // request timeout.
    await tx.query(`SET LOCAL statement_timeout = 0`);
    const tables = await changed(tx);
    for (const { name } of tables) {
      await tx.query(`ANALYZE ${name}`);
    }
    return tables.map((table) => table.name);
  });
}

export interface TableAnalyzerOptions {
  /** How often to look for changed tables; 0: only when kicked. */
  intervalMs: number;
  /**
   * How long after a kick to look: backends publish their table counters up to a second after
   * a commit, so looking at once would find nothing changed.
   */
  kickDelayMs: number;
}

/**
 * Keeps planner statistics current without autovacuum: a pass on a timer, and one shortly after
 * a bulk write says it happened (`kick`). Passes never overlap; a failed one is retried at the
 * next tick. Embedded, the first pass analyzes every table (PGlite's counters restart with the
 * process).
 */
export class TableAnalyzer {
  private readonly logger = new Logger('TableAnalyzer');
  private timer: NodeJS.Timeout | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private all: boolean;
  private stopped = false;

  constructor(
    private readonly database: Database,
    private readonly options: TableAnalyzerOptions,
  ) {
    this.all = database.embedded;
  }

  start(): void {
    if (this.options.intervalMs > 0) {
      this.timer = setInterval(() => void this.pass(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /**
   * A bulk write committed: look for changed tables soon (several kicks share one pass). A pass
   * that finds nothing looks again, twice at most: the counters may not have been published yet.
   */
  kick(): void {
    if (!this.kickTimer) {
      this.scheduleKickedPass(KICKED_LOOKS);
    }
  }

  private scheduleKickedPass(looksLeft: number): void {
    if (this.stopped) {
      return;
    }
    this.kickTimer = setTimeout(() => {
      void this.pass().then((tables) => {
        this.kickTimer = undefined;
        if (tables.length === 0 && looksLeft > 1) {
          this.scheduleKickedPass(looksLeft - 1);
        }
      });
    }, this.options.kickDelayMs);
    this.kickTimer.unref();
  }

  /** One pass, after any running one; resolves with the tables analyzed. */
  pass(): Promise<string[]> {
    const next = this.running.then(async () => {
      if (this.stopped) {
        return [];
      }
      try {
        const tables = await analyzeChangedTables(this.database, this.all);
        this.all = false;
        if (tables.length > 0) {
          this.logger.debug(`analyzed ${tables.join(', ')}`);
        }
        return tables;
      } catch (error) {
        // A table dropped meanwhile, a busy shutdown, a lost connection: the next tick retries.
        this.logger.warn(`analyze pass failed: ${(error as Error).message}`);
        return [];
      }
    });
    this.running = next;
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.kickTimer);
    await this.running;
  }
}
