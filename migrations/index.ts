import { Extensions1763800000001 } from './0001-extensions';
import { Tenants1763800000002 } from './0002-tenants';
import { MemoryPins1763800000003 } from './0003-memory-pins';
import { MemoryAudit1763800000004 } from './0004-memory-audit';
import { TenantLifecycle1763800000005 } from './0005-tenant-lifecycle';
import { TenantUsage1763800000006 } from './0006-tenant-usage';
import { ApiKeys1763800000007 } from './0007-api-keys';
import { AppRole1763800000008 } from './0008-app-role';
import { TenantRls1763800000009 } from './0009-tenant-rls';
import { RbacAudit1763800000010 } from './0010-rbac-audit';
import { Namespaces1763800000011 } from './0011-namespaces';
import { Memories1763800000012 } from './0012-memories';
import { MemoryEmbeddings1763800000013 } from './0013-memory-embeddings';
import { MemoryRelations1763800000014 } from './0014-memory-relations';
import { MemoryLexicalStats1763800000015 } from './0015-memory-lexical-stats';
import { PinGetFunction1763800000016 } from './0016-pin-get-function';
import { MemoryLexicalPostings1763800000017 } from './0017-memory-lexical-postings';
import { AuthState1763800000018 } from './0018-auth-state';
import { StorageUsage1763800000019 } from './0019-storage-usage';
import { AuditOutboxRetired1763800000020 } from './0020-audit-outbox-retired';
import { LexicalRowUpdateTriggers1763800000021 } from './0021-lexical-row-update-triggers';
import { MemoriesPendingEmbeddingIndex1763800000022 } from './0022-memories-pending-embedding-index';
import { MemoryEmbeddingPassages1763800000023 } from './0023-memory-embedding-passages';
import { TenantFeatureFlags1763800000024 } from './0024-tenant-feature-flags';
import { WorkflowRuns1763800000025 } from './0025-workflow-runs';
import { RuleApplications1763800000026 } from './0026-rule-applications';
import { DriftComparisons1763800000027 } from './0027-drift-comparisons';
import { MemoryScopes1763800000028 } from './0028-memory-scopes';
import { ApiKeyScopeBinding1763800000029 } from './0029-api-key-scope-binding';
import { MemorySupersede1763800000030 } from './0030-memory-supersede';
import { MemoryVersions1763800000031 } from './0031-memory-versions';
import { MemoryExtractions1763800000032 } from './0032-memory-extractions';
import { SqlMigration } from './migration';
import { createMigrator, Migrator } from './migrator';

/** Every migration, oldest first. A new migration is added here and names the last as `previous`. */
export const MIGRATIONS: readonly (new () => SqlMigration)[] = [
  Extensions1763800000001,
  Tenants1763800000002,
  MemoryPins1763800000003,
  MemoryAudit1763800000004,
  TenantLifecycle1763800000005,
  TenantUsage1763800000006,
  ApiKeys1763800000007,
  AppRole1763800000008,
  TenantRls1763800000009,
  RbacAudit1763800000010,
  Namespaces1763800000011,
  Memories1763800000012,
  MemoryEmbeddings1763800000013,
  MemoryRelations1763800000014,
  MemoryLexicalStats1763800000015,
  PinGetFunction1763800000016,
  MemoryLexicalPostings1763800000017,
  AuthState1763800000018,
  StorageUsage1763800000019,
  AuditOutboxRetired1763800000020,
  LexicalRowUpdateTriggers1763800000021,
  MemoriesPendingEmbeddingIndex1763800000022,
  MemoryEmbeddingPassages1763800000023,
  TenantFeatureFlags1763800000024,
  WorkflowRuns1763800000025,
  RuleApplications1763800000026,
  DriftComparisons1763800000027,
  MemoryScopes1763800000028,
  ApiKeyScopeBinding1763800000029,
  MemorySupersede1763800000030,
  MemoryVersions1763800000031,
  MemoryExtractions1763800000032,
];

export { SqlMigration, verifyChain } from './migration';
export type { MigrationStatus, Migrator } from './migrator';

/** Applies, reverts and lists MIGRATIONS on the database at a URL (see migrator.ts). */
export const { migrateUp, migrateDown, migrationStatus }: Migrator = createMigrator(MIGRATIONS);
