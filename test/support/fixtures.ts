import type { QueryResultRow } from 'pg';
import { TestApp, uniqueTenant } from './app';

/** Headers that authenticate as an operator: the admin token if the app has one, else nothing (open mode). */
export function adminHeaders(t: TestApp): Record<string, string> {
  const token = t.config.ENGRAM_ADMIN_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

export interface NewTenantOptions {
  id?: string;
  plan?: 'free' | 'standard' | 'premium';
  quotas?: Record<string, number | null>;
}

/** Creates a tenant through the admin API and returns it (tenants must exist for data routes). */
export async function newTenant(t: TestApp, options: NewTenantOptions = {}): Promise<string> {
  const id = options.id ?? uniqueTenant();
  const response = await t.request(
    'POST',
    '/api/v1/admin/tenants',
    {
      id,
      name: `Tenant ${id}`,
      ...(options.plan ? { plan: options.plan } : {}),
      ...(options.quotas ? { quotas: options.quotas } : {}),
    },
    adminHeaders(t),
  );
  if (response.status !== 201) {
    throw new Error(`newTenant: ${response.status} ${response.text}`);
  }
  return id;
}

export interface NewApiKeyOptions {
  role?: string;
  scopes?: string[];
  expires_at?: string;
  name?: string;
  /** Binds the key to a user / agent within its tenant. */
  user_id?: string;
  agent_id?: string;
}

export interface NewApiKey {
  id: string;
  key: string;
  tenantId: string;
  headers: Record<string, string>;
}

/** Creates an API key for `tenantId` through the admin API; `headers` authenticate with it. */
export async function newApiKey(t: TestApp, tenantId: string, options: NewApiKeyOptions = {}): Promise<NewApiKey> {
  const response = await t.request(
    'POST',
    `/api/v1/admin/tenants/${tenantId}/api-keys`,
    { ...options, name: options.name ?? 'test key', role: options.role ?? 'machine' },
    adminHeaders(t),
  );
  if (response.status !== 201) {
    throw new Error(`newApiKey: ${response.status} ${response.text}`);
  }
  const key = response.body.key as string;
  return { id: response.body.id, key, tenantId, headers: { 'x-api-key': key } };
}

/**
 * Runs SQL as the table owner, past row-level security, on the app's own pool (safe on PGlite,
 * whose one session the app has switched to engram_app). For test setup and assertions that
 * reach across tenants; `t.db.query` alone runs as engram_app with no tenant and sees nothing.
 */
export function ownerQuery<R extends QueryResultRow>(t: TestApp, sql: string, params: unknown[] = []): Promise<R[]> {
  return t.db.crossTenant((tx) => tx.query<R>(sql, params));
}

/**
 * Creates a namespace of `tenantId` through the API (writes never create one implicitly) and
 * returns its name.
 */
export async function newNamespace(
  t: TestApp,
  tenantId: string,
  name: string,
  fields: Record<string, unknown> = {},
  headers: Record<string, string> = adminHeaders(t),
): Promise<string> {
  const response = await t.request('POST', '/api/v1/namespaces', { tenant_id: tenantId, name, ...fields }, headers);
  if (response.status !== 201) {
    throw new Error(`newNamespace: ${response.status} ${response.text}`);
  }
  return name;
}
