import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { parseOrThrow } from '@engram/common';
import { NamespaceView, memoryIdSchema, namespaceNameSchema } from '@engram/memories';
import { EngramOperations } from './engram-operations';
import { RESOURCE_NOT_FOUND } from './mcp.errors';

const NAMESPACES_URI = 'engram://namespaces';
const MEMORY_PREFIX = 'engram://memories/';
const NAMESPACE_PREFIX = 'engram://namespaces/';
const STATS_SUFFIX = '/stats';

export const RESOURCES: Resource[] = [
  {
    uri: NAMESPACES_URI,
    name: 'namespaces',
    title: 'Namespaces',
    description: 'Every namespace of this tenant, with its memory count and settings (JSON).',
    mimeType: 'application/json',
  },
];

export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: `${MEMORY_PREFIX}{id}`,
    name: 'memory',
    title: 'A memory',
    description: 'One memory by id: content, type, tags, metadata, importance, provenance, dates (JSON).',
    mimeType: 'application/json',
  },
  {
    uriTemplate: `${NAMESPACE_PREFIX}{name}${STATS_SUFFIX}`,
    name: 'namespace-stats',
    title: "A namespace's stats",
    description: 'How many memories a namespace holds, its token budget, embedding model and retention (JSON).',
    mimeType: 'application/json',
  },
];

/** A namespace's numbers and settings, without the ids a reader has no use for. */
export function namespaceStats(namespace: NamespaceView) {
  return {
    namespace: namespace.name,
    memory_count: namespace.memory_count,
    default_token_budget: namespace.default_token_budget,
    embedding_model: namespace.embedding_model,
    pending_embedding_model: namespace.pending_embedding_model,
    retention_days: namespace.retention_days,
    description: namespace.description,
    created_at: namespace.created_at,
    updated_at: namespace.updated_at,
  };
}

function contents(uri: string, value: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

export async function readResource(operations: EngramOperations, uri: string): Promise<ReadResourceResult> {
  if (uri === NAMESPACES_URI) {
    return contents(uri, await operations.listNamespaces());
  }
  if (uri.startsWith(MEMORY_PREFIX)) {
    const id = parseOrThrow(memoryIdSchema, decodeURIComponent(uri.slice(MEMORY_PREFIX.length)), 'id');
    return contents(uri, await operations.getMemory(id));
  }
  if (uri.startsWith(NAMESPACE_PREFIX) && uri.endsWith(STATS_SUFFIX)) {
    const raw = decodeURIComponent(uri.slice(NAMESPACE_PREFIX.length, -STATS_SUFFIX.length));
    const name = parseOrThrow(namespaceNameSchema, raw, 'name');
    return contents(uri, namespaceStats(await operations.getNamespace(name)));
  }
  throw new McpError(RESOURCE_NOT_FOUND, `resource_not_found: no resource ${uri}`, { code: 'resource_not_found' });
}

/** The fixed resources, and each namespace's stats when the caller may list namespaces. */
export async function listResources(operations: EngramOperations): Promise<Resource[]> {
  let namespaces: NamespaceView[] = [];
  try {
    namespaces = (await operations.listNamespaces()).namespaces;
  } catch {
    // A credential that may not read memories still sees what exists; reading tells it why not.
  }
  return [
    ...RESOURCES,
    ...namespaces.map((namespace) => ({
      uri: `${NAMESPACE_PREFIX}${encodeURIComponent(namespace.name)}${STATS_SUFFIX}`,
      name: `namespace-stats:${namespace.name}`,
      title: `Stats of ${namespace.name}`,
      description: `${namespace.memory_count} memories`,
      mimeType: 'application/json',
    })),
  ];
}
