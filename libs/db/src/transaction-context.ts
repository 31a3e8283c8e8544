import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from './database';

/** What a transaction may see: one tenant under row-level security, every tenant, or plain. */
export type TransactionScope = { kind: 'tenant'; tenantId: string } | { kind: 'cross-tenant' } | { kind: 'plain' };

export interface OpenTransaction {
  readonly scope: TransactionScope;
  readonly queryable: Queryable;
  /** False once COMMIT or ROLLBACK was sent: the connection may already serve someone else. */
  open: boolean;
}

/** A nested transaction that cannot share the open one without changing what it may see. */
export class TransactionNestingError extends Error {}

/** A pool checkout while a transaction is open in the same async context: the deadlock class. */
export class PoolCheckoutInTransactionError extends Error {}

/**
 * The transaction open in the current async context. Every statement issued while one is open
 * runs on its connection, so nothing inside a transaction ever waits for a second connection
 * from the pool (with pool size 1, or as many writers as connections, that wait never ends).
 */
export class TransactionContext {
  private readonly storage = new AsyncLocalStorage<OpenTransaction>();

  current(): OpenTransaction | undefined {
    const tx = this.storage.getStore();
    return tx?.open ? tx : undefined;
  }

  run<T>(tx: OpenTransaction, work: () => Promise<T>): Promise<T> {
    return this.storage.run(tx, work);
  }

  /**
   * Whether a transaction asking for `wanted` can run inside `open`. Joining never widens what
   * the statements see: a tenant transaction joins only the same tenant's, a cross-tenant one
   * only a cross-tenant one; a plain transaction (no tenant setting, nothing to widen) joins any.
   */
  static joinable(open: TransactionScope, wanted: TransactionScope): boolean {
    switch (wanted.kind) {
      case 'plain':
        return true;
      case 'cross-tenant':
        return open.kind === 'cross-tenant';
      case 'tenant':
        return open.kind === 'tenant' && open.tenantId === wanted.tenantId;
    }
  }
}

export function describeScope(scope: TransactionScope): string {
  return scope.kind === 'tenant' ? `tenant ${scope.tenantId}` : scope.kind;
}
