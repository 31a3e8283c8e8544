import { AsyncLocalStorage } from 'node:async_hooks';

// Captured at module load, outside any request or transaction.
const inRootContext = AsyncLocalStorage.snapshot();

/**
 * Runs `work` outside every async context: no open transaction, no request. Background work a
 * request merely triggers (a queued job run in-process, a buffer flush) must not run on that
 * request's transaction connection, nor roll back with it.
 */
export function detached<T>(work: () => T): T {
  return inRootContext(work);
}
