import { Logger } from '@nestjs/common';
import { Client, ClientBase, Pool, PoolConfig, PoolClient, QueryResultRow, escapeIdentifier, escapeLiteral } from 'pg';
import {
  OpenTransaction,
  PoolCheckoutInTransactionError,
  TransactionContext,
  TransactionNestingError,
  TransactionScope,
  describeScope,
} from './transaction-context';

export interface DatabaseOptions {
  url: string;
  /**
   * Postgres itself, for what needs a session of its own (LISTEN) when `url` is a pooler that
   * shares server connections between transactions. Unset: `url`.
   */
  directUrl?: string;
  poolMax: number;
  statementTimeoutMs: number;
  /**
   * Named (server-side prepared) statements; off for PGlite, whose one session all clients share,
   * and behind a transaction pooler that does not track them (PgBouncer before 1.21).
   */
  preparedStatements: boolean;
  /**
   * `url` is a transaction-pooling proxy (PgBouncer pool_mode=transaction): consecutive
   * transactions of one client may run on different server connections, so nothing may live in
   * the session. The role and statement_timeout then travel with every transaction (SET LOCAL in
   * its BEGIN round trip) instead of being set once per connection, and a statement outside a
   * transaction runs in one of its own that carries them.
   */
  transactionPooling?: boolean;
  applicationName?: string;
  /** PGlite: one session shared by every client, so nothing may open a connection of its own. */
  embedded?: boolean;
  /**
   * The role every pooled connection switches to (SET ROLE) so row-level security applies: a
   * role that owns nothing and has neither SUPERUSER nor BYPASSRLS. Unset: the login role.
   */
  appRole?: string;
  /** LISTEN/NOTIFY available (false for PGlite: one process, nothing to tell other replicas). */
  notifications?: boolean;
}

export interface NotificationSubscription {
  close(): Promise<void>;
}

export class UnsafeDatabaseRoleError extends Error {}

/** pg-pool awaits `onConnect` before handing a connection out; @types/pg declares it void. */
type PoolConfigWithAsyncConnect = Omit<PoolConfig, 'onConnect'> & { onConnect?: (client: ClientBase) => Promise<void> };

export interface Queryable {
  query<R extends QueryResultRow>(sql: string, params?: unknown[], name?: string): Promise<R[]>;
}

/**
 * The connection pool every repository goes through. Repositories pass a statement `name` on hot
 * paths so Postgres parses and plans them once per connection.
 */
export class Database implements Queryable {
  private readonly logger = new Logger('Database');
  private readonly transactions = new TransactionContext();
  readonly pool: Pool;

  constructor(private readonly options: DatabaseOptions) {
    const pooled = options.transactionPooling ?? false;
    const config: PoolConfigWithAsyncConnect = {
      connectionString: options.url,
      max: options.poolMax,
      application_name: options.applicationName ?? 'engram',
      // A startup parameter PgBouncer refuses ("unsupported startup parameter"); pooled, every
      // transaction sets it instead (perTransactionSql).
      statement_timeout: pooled ? undefined : options.statementTimeoutMs || undefined,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      // Awaited before the pool hands the connection out; if it fails, the checkout fails (closed).
      // Pooled, a session SET ROLE would stay on whichever server connection ran it, and a fresh
      // server connection would serve this client as the login role, outside row-level security.
      ...(options.appRole === undefined || pooled
        ? {}
        : {
            onConnect: async (client: ClientBase) =>
              void (await client.query(`SET ROLE ${escapeIdentifier(options.appRole!)}`)),
          }),
    };
    this.pool = new Pool(config as PoolConfig);
    this.guardCheckouts();
    // Without a listener, an idle connection dropped by the server crashes the process.
    this.pool.on('error', (error) => this.logger.warn(`idle database connection failed: ${error.message}`));
    // pg-pool listens on a client only while it is idle: a connection that drops while checked
    // out (a server restart under load) emits 'error' on the client itself, and an unheard
    // 'error' ends the process. The query in flight fails on its own; the pool then discards it.
    this.pool.on('connect', (client) =>
      client.on('error', (error) => this.logger.warn(`database connection failed: ${error.message}`)),
    );
  }

  get embedded(): boolean {
    return this.options.embedded ?? false;
  }

  /** The pool's URL (a pooler's, behind one). */
  get url(): string {
    return this.options.url;
  }

  /** For the rare component that needs a dedicated session (LISTEN): Postgres itself, never a transaction pooler. */
  get sessionUrl(): string {
    return this.options.directUrl ?? this.options.url;
  }

  /**
   * SET LOCALs that stand in for per-connection state behind a transaction pooler: the app role
   * and the statement timeout, sent in each transaction's BEGIN round trip. Empty otherwise.
   */
  private perTransactionSql(role: 'app' | 'login' = 'app'): string {
    if (!this.options.transactionPooling) {
      return '';
    }
    const timeout = `; SET LOCAL statement_timeout = ${Math.max(0, Math.trunc(this.options.statementTimeoutMs))}`;
    return this.options.appRole === undefined || role === 'login'
      ? timeout
      : `; SET LOCAL ROLE ${escapeIdentifier(this.options.appRole)}${timeout}`;
  }

  /**
   * Refuses to run as a role row-level security does not apply to: a superuser, a BYPASSRLS role,
   * or (with no app role configured) whoever owns the tables.
   */
  async assertRowSecurityApplies(): Promise<void> {
    const rows = await this.query<{
      role: string;
      rolsuper: boolean;
      rolbypassrls: boolean;
      owns: boolean;
    }>(
      `SELECT r.rolname AS role, r.rolsuper, r.rolbypassrls,
              EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = current_schema() AND t.tableowner = current_user) AS owns
       FROM pg_roles r WHERE r.rolname = current_user`,
    ).catch((error: Error) => {
      // PgBouncer refuses the statement_timeout startup parameter a direct connection sends.
      if (/unsupported startup parameter/.test(error.message)) {
        throw new Error(
          `${error.message}: DATABASE_URL looks like a PgBouncer; set DATABASE_POOL_MODE=transaction (docs/pgbouncer.md)`,
        );
      }
      throw error;
    });
    const role = rows[0];
    if (!role || role.rolsuper || role.rolbypassrls || role.owns) {
      throw new UnsafeDatabaseRoleError(
        `the database role ${role?.role ?? '(unknown)'} bypasses row-level security (superuser, BYPASSRLS or table owner); ` +
          'set DATABASE_APP_ROLE to a role that owns nothing (migrations create engram_app)',
      );
    }
  }

  /**
   * Runs `work` in one transaction scoped to `tenantId`: row-level security shows it only that
   * tenant's rows. BEGIN and the transaction-local setting travel in one simple-protocol round
   * trip (the id is escaped as a literal, since that protocol has no parameters); the setting
   * dies with the transaction, so a pooled connection never carries it to its next user.
   * `settings` become `SET LOCAL`s in that same round trip (planner or index settings for the
   * transaction's statements). `snapshot` makes it a read-only REPEATABLE READ transaction: every
   * statement sees the database as of its first one.
   */
  async withTenant<T>(
    tenantId: string,
    work: (tx: Queryable) => Promise<T>,
    settings: Readonly<Record<string, string | number>> = {},
    options: { snapshot?: boolean } = {},
  ): Promise<T> {
    assertTenant(tenantId);
    // A snapshot (one consistent view for a long read, e.g. an export) needs its own BEGIN: the
    // isolation level cannot change once a statement ran, so it cannot join an open transaction.
    if (options.snapshot && this.transactions.current()) {
      throw new TransactionNestingError('a snapshot transaction cannot run inside an open transaction');
    }
    const begin = options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
    return this.inTransaction(
      { kind: 'tenant', tenantId },
      `${begin}${this.perTransactionSql()}; SELECT set_config('app.tenant_id', ${escapeLiteral(tenantId)}, true)${localSettingsSql(settings)}`,
      work,
      localSettingsSql(settings).replace(/^; /, ''),
    );
  }

  /**
   * Runs `work` in one transaction as the login role (the migration owner), which row-level
   * security does not restrict: for jobs that work across tenants by design (expiry, audit
   * writes, key lookup by hash). Every statement inside must still say which tenants it touches.
   */
  async crossTenant<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.inTransaction(
      { kind: 'cross-tenant' },
      // ROLE NONE is the login role whatever the session's role is, so this holds pooled too.
      `BEGIN${this.perTransactionSql('login')}${this.options.appRole === undefined ? '' : '; SET LOCAL ROLE NONE'}`,
      work,
    );
  }

  /** Runs on the open transaction's connection when there is one (see TransactionContext). */
  async query<R extends QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
    const open = this.transactions.current();
    if (open) {
      return open.queryable.query<R>(sql, params, name);
    }
    if (this.options.transactionPooling) {
      // The role and timeout must ride with the statement: it gets a transaction of its own.
      return this.transaction((tx) => tx.query<R>(sql, params, name));
    }
    const result = await this.pool.query<R>(
      name !== undefined && this.options.preparedStatements
        ? { name, text: sql, values: params }
        : { text: sql, values: params },
    );
    return result.rows;
  }

  /** Runs `work` in one transaction on one connection; rolls back on any error. */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.inTransaction({ kind: 'plain' }, `BEGIN${this.perTransactionSql()}`, work);
  }

  /**
   * Opens a transaction, or joins the one already open in this async context (its statements
   * then commit or roll back with the outer work; `joinSettings` become SET LOCALs that last to
   * its end). A nested transaction that would see other rows than the open one is refused.
   */
  private async inTransaction<T>(
    scope: TransactionScope,
    begin: string,
    work: (tx: Queryable) => Promise<T>,
    joinSettings = '',
  ): Promise<T> {
    const open = this.transactions.current();
    if (open) {
      if (!TransactionContext.joinable(open.scope, scope)) {
        throw new TransactionNestingError(
          `a ${describeScope(scope)} transaction cannot run inside an open ${describeScope(open.scope)} transaction`,
        );
      }
      if (joinSettings) {
        await open.queryable.query(joinSettings);
      }
      return work(open.queryable);
    }
    const client = await this.pool.connect();
    const tx: OpenTransaction = { scope, queryable: this.wrap(client, () => tx.open), open: true };
    try {
      await client.query(begin);
      const result = await this.transactions.run(tx, () => work(tx.queryable));
      tx.open = false;
      await client.query('COMMIT');
      return result;
    } catch (error) {
      tx.open = false;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Every checkout, pool.query's included, goes through connect(): refuse it inside a transaction. */
  private guardCheckouts(): void {
    const connect = this.pool.connect.bind(this.pool) as (...args: unknown[]) => unknown;
    (this.pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
      const open = this.transactions.current();
      if (open) {
        throw new PoolCheckoutInTransactionError(
          `a pool connection was requested inside an open ${describeScope(open.scope)} transaction; ` +
            'statements inside a transaction must run on its connection',
        );
      }
      return connect(...args);
    };
  }

  /**
   * Listens on a Postgres channel on a dedicated connection, reconnecting with backoff.
   * Notifications sent while disconnected are lost, so `onReconnect` runs after every
   * reconnection for the caller to drop whatever it caches.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect: () => void): NotificationSubscription {
    if (this.options.notifications === false) {
      return { close: async () => undefined };
    }
    let closed = false;
    let client: Client | null = null;
    let attempt = 0;
    const connect = async (): Promise<void> => {
      if (closed) {
        return;
      }
      const next = new Client({
        connectionString: this.sessionUrl,
        application_name: 'engram-listen',
      });
      let retried = false;
      const retry = () => {
        if (!closed && !retried) {
          retried = true;
          attempt += 1;
          setTimeout(() => void connect(), Math.min(attempt * 250, 5000)).unref();
        }
      };
      next.on('notification', (message) => {
        if (message.channel === channel && message.payload !== undefined) {
          onMessage(message.payload);
        }
      });
      next.on('error', (error) => {
        this.logger.warn(`notification connection failed: ${error.message}`);
        void next.end().catch(() => undefined);
      });
      next.on('end', retry);
      try {
        await next.connect();
        await next.query(`LISTEN ${escapeIdentifier(channel)}`);
        client = next;
        if (attempt > 0) {
          onReconnect();
        }
        attempt = 0;
      } catch (error) {
        this.logger.warn(`cannot listen on ${channel}: ${(error as Error).message}`);
        await next.end().catch(() => undefined);
        retry();
      }
    };
    void connect();
    return {
      close: async () => {
        closed = true;
        await client?.end().catch(() => undefined);
      },
    };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private wrap(client: PoolClient, isOpen: () => boolean): Queryable {
    const prepared = this.options.preparedStatements;
    return {
      async query<R extends QueryResultRow>(sql: string, params: unknown[] = [], name?: string): Promise<R[]> {
        if (!isOpen()) {
          // Work left running after its transaction ended must not reach a connection now in other hands.
          throw new TransactionNestingError('statement issued after its transaction ended');
        }
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

/** `; SET LOCAL name = value` for each setting; names must be plain (dotted) identifiers. */
function localSettingsSql(settings: Readonly<Record<string, string | number>>): string {
  return Object.entries(settings)
    .map(([name, value]) => {
      if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(name)) {
        throw new Error(`refusing setting name ${name}`);
      }
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new Error(`refusing setting ${name} = ${value}`);
      }
      return `; SET LOCAL ${name} = ${typeof value === 'number' ? String(value) : escapeLiteral(value)}`;
    })
    .join('');
}
