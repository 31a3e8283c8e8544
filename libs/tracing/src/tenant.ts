import { createHmac, randomBytes } from 'node:crypto';

export type TenantTraceMode = 'hashed' | 'plain' | 'off';

let mode: TenantTraceMode = 'hashed';
let key: Buffer = randomBytes(32);
const hashes = new Map<string, string>();
const MAX_CACHED_HASHES = 10_000;

/**
 * How tenants appear on spans. A plain hash of a tenant id is no protection (ids are short
 * names: anyone can hash a list of guesses), so the hash is an HMAC under a key only the
 * deployment knows; without a configured key each process draws its own at random.
 */
export function configureTenantAttribute(options: { mode: TenantTraceMode; key?: string }): void {
  mode = options.mode;
  key = options.key === undefined ? randomBytes(32) : Buffer.from(options.key, 'utf8');
  hashes.clear();
}

/** The value of `engram.tenant` for a tenant, or undefined when tenants stay off spans. */
export function tenantAttribute(tenantId: string | null | undefined): string | undefined {
  if (tenantId === null || tenantId === undefined || mode === 'off') {
    return undefined;
  }
  if (mode === 'plain') {
    return tenantId;
  }
  let hash = hashes.get(tenantId);
  if (hash === undefined) {
    // 64 bits: unique enough to group one tenant's traces, too short to be worth inverting.
    hash = createHmac('sha256', key).update(tenantId).digest('hex').slice(0, 16);
    if (hashes.size >= MAX_CACHED_HASHES) {
      hashes.clear();
    }
    hashes.set(tenantId, hash);
  }
  return hash;
}
