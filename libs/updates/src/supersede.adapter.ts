import { CreateMemoryInput, MemoriesService } from '@engram/memories';

/** The relation that marks a memory as replaced by a newer one (new memory → the one it replaces). */
export const SUPERSEDES_RELATION = 'supersedes';

export interface SupersedeResult {
  id: string;
  duplicate: boolean;
  superseded: string[];
}

/**
 * Writes `input` as a memory that supersedes `oldIds`. The one place that knows how a supersede
 * is stored: today, the new memory plus a `supersedes` relation from it to each old memory
 * (memory_relations); the old memories stay as they are. When MemoriesService gains
 * supersede() (an active|superseded state), this function calls it and nothing else changes.
 * Runs in the caller's open transaction, so the memory and its relations commit together.
 */
export async function supersedeMemories(
  memories: MemoriesService,
  tenantId: string,
  input: CreateMemoryInput,
  oldIds: string[],
): Promise<SupersedeResult> {
  const created = await memories.create(tenantId, input);
  // Content already stored comes back as that memory, which may be one of those it supersedes.
  const superseded = oldIds.filter((id) => id !== created.id);
  if (superseded.length > 0) {
    await memories.addRelations(
      tenantId,
      created.id,
      superseded.map((to) => ({ to, relation: SUPERSEDES_RELATION, weight: 1 })),
    );
  }
  return { id: created.id, duplicate: created.duplicate, superseded };
}
