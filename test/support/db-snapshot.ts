import { TestApp } from './app';
import { ownerQuery } from './fixtures';

/**
 * A fingerprint of every row a write route can touch, across tenants: equal before and after a
 * refused request means nothing was written, not even half of it. Columns that reads update
 * (access counts) are left out of memories so a search between snapshots cannot change it.
 */
const FINGERPRINTS: Record<string, string> = {
  tenants: 'SELECT t::text AS row FROM tenants t',
  api_keys: 'SELECT k::text AS row FROM api_keys k',
  memory_pins: 'SELECT p::text AS row FROM memory_pins p',
  namespaces: 'SELECT n::text AS row FROM namespaces n',
  memories: `SELECT concat_ws('|', tenant_id, id, namespace, content, type, metadata, tags, importance, source,
                              expires_at, updated_at) AS row FROM memories`,
  memory_relations: 'SELECT r::text AS row FROM memory_relations r',
  memory_embeddings: "SELECT concat_ws('|', tenant_id, memory_id, model) AS row FROM memory_embeddings",
};

export type DbSnapshot = Record<string, { rows: number; md5: string }>;

export async function dbSnapshot(t: TestApp): Promise<DbSnapshot> {
  const snapshot: DbSnapshot = {};
  for (const [table, sql] of Object.entries(FINGERPRINTS)) {
    const [result] = await ownerQuery<{ rows: number; md5: string }>(
      t,
      `SELECT count(*)::int AS rows, coalesce(md5(string_agg(row, E'\\n' ORDER BY row)), '') AS md5 FROM (${sql}) s`,
    );
    snapshot[table] = result;
  }
  return snapshot;
}
