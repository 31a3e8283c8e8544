import { Logger } from '@nestjs/common';
import { Pool, PoolClient, QueryResultRow } from 'pg';

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  /** Named (server-side prepared) statements; off for PGlite, whose one session all clients share. */
  preparedStatements: boolean;
  applicationName?: string;
  /** PGlite: one session shared by every client, so nothing may open a connection of its own. */
  embedded?: boolean;
}

export interface Queryable {
  query<R extends QueryResultRow>(sql: string, params?: unknown[], name?: string): Promise<R[]>;
}

/**
 * The connection pool every repository goes through. Repositories pass a statement `name` on hot
 * paths so Postgres parses and plans them once per connection.
 */
export class Database implements Queryable {
  private readonly logger = new Logger('Database');
  readonly pool: Pool;

  constructor(private readonly options: DatabaseOptions) {
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolMax,
      application_name: options.applicationName ?? 'engram',
      statement_timeout: options.statementTimeoutMs || undefined,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
    // Without a listener, an idle connection dropped by the server crashes the process.
    this.pool.on('error', (error) => this.logger.warn(`idle database connection failed: ${error.message}`));
  }

  get embedded(): boolean {
    return this.options.embedded ?? false;
  }

  /** For the rare component that needs a dedicated session (LISTEN). */
  get url(): string {
    return this.options.url;
  }

  async query<R extends QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
    const result = await this.pool.query<R>(
      name !== undefined && this.options.preparedStatements ? { name, text: sql, values: params } : { text: sql, values: params },
    );
    return result.rows;
  }

  /** Runs `work` in one transaction on one connection; rolls back on any error. */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(this.wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private wrap(client: PoolClient): Queryable {
    const prepared = this.options.preparedStatements;
    return {
      async query<R extends QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
        const result = await client.query<R>(
          name !== undefined && prepared ? { name, text: sql, values: params } : { text: sql, values: params },
        );
        return result.rows;
      },
    };
  }
}

/** Throws on an empty tenant id: an undefined in a WHERE must never widen a query. */
export function assertTenant(tenantId: string): void {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new Error('tenant id is required for every tenant-owned query');
  }
}
