import {
  lexicalProbeIndexDownSql,
  lexicalProbeIndexUpSql,
  lexicalStatsDownSql,
  lexicalStatsUpSql,
} from '../libs/search/src/lexical/bm25.ddl';
import { SqlMigration } from './migration';

/**
 * BM25 statistics for memories' full-text column: per-(tenant, namespace) document count and
 * total length, per-lexeme document frequency, kept exactly by statement-level triggers on
 * `memories` (see libs/search/src/lexical/bm25.sql.ts). Needs the `memories` table with
 * tenant_id, id, namespace and a `tsv` tsvector column; it backfills rows already there. Also
 * the (tenant_id, namespace, tsv) GIN index the BM25 candidate probe plans on (btree_gin).
 * The SQL comes from the search lib so review sees it next to the query that relies on it; once
 * released, a change to that SQL needs a new migration, never an edit of this one.
 */
export class MemoryLexicalStats1763800000015 extends SqlMigration {
  readonly name = 'MemoryLexicalStats1763800000015';
  readonly previous = 'MemoryRelations1763800000014';
  // The triggers write the statistics as the role that wrote the memories: the app role inside
  // Database.withTenant (RLS admits the tenant's own rows, which are the only ones its
  // statements touch) or the login role in Database.crossTenant.
  protected readonly upSql =
    lexicalStatsUpSql() +
    lexicalProbeIndexUpSql() +
    `SELECT engram_enable_tenant_rls('memory_lexical_stats');
    SELECT engram_enable_tenant_rls('memory_lexical_terms');
    DROP INDEX memories_tsv_idx;`;
  // memories_tsv_idx (tenant_id, tsv) served the all-words stage BM25 replaced; the probe index
  // leads with the same columns, so keeping both would only double the GIN writes.
  protected readonly downSql =
    'CREATE INDEX memories_tsv_idx ON memories USING gin (tenant_id, tsv);' +
    lexicalProbeIndexDownSql() +
    lexicalStatsDownSql();
}
