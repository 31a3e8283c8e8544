import { CreateMemoryInput, MemoriesService } from '@engram/memories';

/** The relation that links a rule's new memory to the further memories it replaces (one is the successor). */
export const SUPERSEDES_RELATION = 'supersedes';

export interface SupersedeResult {
  id: string;
  duplicate: boolean;
  superseded: string[];
}

/**
 * Writes `input` as a memory that supersedes `oldIds`. A memory has one successor and a
 * successor replaces one memory (MemoriesService.supersede: the old one turns `superseded` and
 * leaves search and context), so the first active one is superseded that way; any further ones
 * get a `supersedes` relation from the new memory and keep their state. Memories already
 * superseded are left alone. Runs in the caller's open transaction, so it all commits together.
 */
export async function supersedeMemories(
  memories: MemoriesService,
  tenantId: string,
  input: CreateMemoryInput,
  oldIds: string[],
): Promise<SupersedeResult> {
  const active: string[] = [];
  for (const id of oldIds) {
    if ((await memories.get(tenantId, id)).state === 'active') {
      active.push(id);
    }
  }
  if (active.length === 0) {
    const created = await memories.create(tenantId, input);
    return { id: created.id, duplicate: created.duplicate, superseded: [] };
  }
  const [first, ...rest] = active;
  const { memory } = await memories.supersede(
    tenantId,
    first,
    {
      content: input.content,
      type: input.type,
      metadata: input.metadata,
      tags: input.tags,
      importance: input.importance,
      source: input.source,
      ttl_seconds: input.ttl_seconds,
      relations: input.relations,
    },
    'rule',
  );
  if (rest.length > 0) {
    await memories.addRelations(
      tenantId,
      memory.id,
      rest.map((to) => ({ to, relation: SUPERSEDES_RELATION, weight: 1 })),
    );
  }
  return { id: memory.id, duplicate: false, superseded: active };
}
