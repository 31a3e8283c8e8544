import { Extensions1763800000001 } from './0001-extensions';
import { Tenants1763800000002 } from './0002-tenants';
import { MemoryPins1763800000003 } from './0003-memory-pins';
import { MemoryAudit1763800000004 } from './0004-memory-audit';
import { Namespaces1763800000010 } from './0010-namespaces';
import { Memories1763800000011 } from './0011-memories';
import { MemoryEmbeddings1763800000012 } from './0012-memory-embeddings';
import { MemoryRelations1763800000013 } from './0013-memory-relations';
import { SqlMigration } from './migration';

/** Every migration, oldest first. A new migration is added here and names the last as `previous`. */
export const MIGRATIONS: readonly (new () => SqlMigration)[] = [
  Extensions1763800000001,
  Tenants1763800000002,
  MemoryPins1763800000003,
  MemoryAudit1763800000004,
  Namespaces1763800000010,
  Memories1763800000011,
  MemoryEmbeddings1763800000012,
  MemoryRelations1763800000013,
];

export { SqlMigration, verifyChain } from './migration';
