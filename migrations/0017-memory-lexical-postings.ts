import {
  lexicalPostingsDownSql,
  lexicalPostingsUpSql,
  lexicalProbeIndexDownSql,
  lexicalProbeIndexUpSql,
} from '../libs/search/src/lexical/bm25.ddl';
import { SqlMigration } from './migration';

/**
 * BM25 postings for memories (libs/search/src/lexical/bm25.ddl.ts): one row per memory and
 * lexeme, kept by statement-level triggers on `memories`, backfilled here. They replace the
 * (tenant_id, namespace, tsv) GIN probe of migration 0015, which the app role could not use:
 * under row-level security `@@` is not leakproof, so the planner scanned the tenant's memories
 * instead (docs/adr/0005-bm25-postings.md). Nothing else reads that index, so it goes.
 */
export class MemoryLexicalPostings1763800000017 extends SqlMigration {
  readonly name = 'MemoryLexicalPostings1763800000017';
  readonly previous = 'PinGetFunction1763800000016';
  protected readonly upSql =
    lexicalPostingsUpSql() + `SELECT engram_enable_tenant_rls('memory_lexical_postings');` + lexicalProbeIndexDownSql();
  protected readonly downSql = lexicalProbeIndexUpSql() + lexicalPostingsDownSql();
}
