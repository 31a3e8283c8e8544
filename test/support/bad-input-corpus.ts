/**
 * Inputs that once reached Postgres (or zod's recursion) and answered 500, and writes into a
 * namespace that does not exist. Each must be refused with its 4xx code (400 unless `status`
 * says otherwise), before anything is written. New 5xx causes found by the
 * generated suite (test/bad-input.generated.spec.ts) are added here.
 */

export interface BadInputCase {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  /** An object is sent as JSON; a string is sent as it is (for JSON that JS cannot build). */
  body?: unknown;
  status?: number;
  code: string;
}

export interface CorpusContext {
  tenant: string;
  /** A memory of `tenant` in namespace `ns`, which cases may relate to. */
  memoryId: string;
  /** An id for a tenant that does not exist yet (creating it must fail). */
  freshTenant: string;
}

const NUL = '\u0000';
const LONE = '\ud800';

function cursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function nested(depth: number, leaf = '1'): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth);
}

const YEAR_ZERO = '0000-01-01T00:00:00Z';

export function badInputCorpus({ tenant, memoryId, freshTenant }: CorpusContext): BadInputCase[] {
  const pins = '/api/v1/memory/pins';
  const memories = '/api/v1/memories';
  const namespaces = '/api/v1/namespaces';
  const tenants = '/api/v1/admin/tenants';
  const base = { tenant_id: tenant };
  const memory = { ...base, namespace: 'ns', content: 'a fine memory' };
  const search = { ...base, namespace: 'ns', query: 'fine' };
  const q = (url: string, params: Record<string, string>) => `${url}?${new URLSearchParams({ ...base, ...params })}`;
  const relation = { to: memoryId, relation: 'about' };

  return [
    // NUL in text fields
    {
      name: 'NUL in pin source',
      method: 'POST',
      url: pins,
      body: { ...base, key: 'k1', value: 1, source: `a${NUL}b` },
      code: 'invalid_source',
    },
    {
      name: 'NUL in tenant name',
      method: 'POST',
      url: tenants,
      body: { id: freshTenant, name: `a${NUL}` },
      code: 'invalid_name',
    },
    {
      name: 'NUL in tenant name (PATCH)',
      method: 'PATCH',
      url: `${tenants}/${tenant}`,
      body: { name: `a${NUL}` },
      code: 'invalid_name',
    },
    {
      name: 'NUL in API key name',
      method: 'POST',
      url: `${tenants}/${tenant}/api-keys`,
      body: { name: `k${NUL}`, role: 'machine' },
      code: 'invalid_name',
    },
    {
      name: 'NUL in namespace description',
      method: 'POST',
      url: namespaces,
      body: { ...base, name: 'ns-new', description: NUL },
      code: 'invalid_description',
    },
    {
      name: 'NUL in namespace description (PATCH)',
      method: 'PATCH',
      url: `${namespaces}/ns?tenant_id=${tenant}`,
      body: { ...base, description: NUL },
      code: 'invalid_description',
    },
    {
      name: 'NUL in memory content',
      method: 'POST',
      url: memories,
      body: { ...memory, content: `x${NUL}y` },
      code: 'invalid_content',
    },
    {
      name: 'NUL in memory content (batch)',
      method: 'POST',
      url: `${memories}/batch`,
      body: { ...base, namespace: 'ns', memories: [{ content: 'ok one' }, { content: NUL }] },
      code: 'invalid_memories_content',
    },
    {
      name: 'NUL in memory content (PATCH)',
      method: 'PATCH',
      url: `${memories}/${memoryId}`,
      body: { ...base, content: NUL },
      code: 'invalid_content',
    },
    {
      name: 'NUL in memory source',
      method: 'POST',
      url: memories,
      body: { ...memory, source: NUL },
      code: 'invalid_source',
    },
    {
      name: 'NUL in memory tag',
      method: 'POST',
      url: memories,
      body: { ...memory, tags: ['ok', NUL] },
      code: 'invalid_tags',
    },
    {
      name: 'NUL in search query',
      method: 'POST',
      url: `${memories}/search`,
      body: { ...search, query: `a${NUL}` },
      code: 'invalid_query',
    },
    {
      name: 'NUL in search tag filter',
      method: 'POST',
      url: `${memories}/search`,
      body: { ...search, filters: { tags: [NUL] } },
      code: 'invalid_filters_tags',
    },
    {
      name: 'NUL in context query',
      method: 'POST',
      url: '/api/v1/context',
      body: { ...base, namespace: 'ns', query: NUL },
      code: 'invalid_query',
    },
    {
      name: 'NUL in context system prompt',
      method: 'POST',
      url: '/api/v1/context',
      body: { ...base, namespace: 'ns', query: 'q', system_prompt: NUL },
      code: 'invalid_system_prompt',
    },
    { name: 'tags=%00 in a memory list', method: 'GET', url: q(memories, { tags: NUL }), code: 'invalid_tags' },
    // \u0000 inside JSON values and keys
    {
      name: '\\u0000 in a pin value',
      method: 'POST',
      url: pins,
      body: { ...base, key: 'k1', value: { a: `x${NUL}` } },
      code: 'invalid_value',
    },
    {
      name: '\\u0000 in a pin value key',
      method: 'POST',
      url: pins,
      body: { ...base, key: 'k1', value: { [NUL]: 1 } },
      code: 'invalid_value',
    },
    {
      name: '\\u0000 in memory metadata',
      method: 'POST',
      url: memories,
      body: { ...memory, metadata: { a: [NUL] } },
      code: 'invalid_metadata',
    },
    {
      name: '\\u0000 in a memory metadata key (PATCH)',
      method: 'PATCH',
      url: `${memories}/${memoryId}`,
      body: { ...base, metadata: { [`k${NUL}`]: 1 } },
      code: 'invalid_metadata',
    },
    {
      name: '\\u0000 escaped in a list metadata filter',
      method: 'GET',
      url: q(memories, { metadata: '{"a":"\\u0000"}' }),
      code: 'invalid_metadata',
    },
    {
      name: '\\u0000 in a search metadata filter',
      method: 'POST',
      url: `${memories}/search`,
      body: { ...search, filters: { metadata: { a: NUL } } },
      code: 'invalid_filters_metadata',
    },
    // lone surrogates
    {
      name: 'lone surrogate in a pin value',
      method: 'POST',
      url: pins,
      body: { ...base, key: 'k1', value: LONE },
      code: 'invalid_value',
    },
    {
      name: 'lone surrogate in a pin value key',
      method: 'POST',
      url: pins,
      body: `{"tenant_id":"${tenant}","key":"k1","value":{"\\udc00":1}}`,
      code: 'invalid_value',
    },
    {
      name: 'lone surrogate in memory content',
      method: 'POST',
      url: memories,
      body: { ...memory, content: `x${LONE}` },
      code: 'invalid_content',
    },
    {
      name: 'lone surrogate in tenant name',
      method: 'POST',
      url: tenants,
      body: { id: freshTenant, name: LONE },
      code: 'invalid_name',
    },
    {
      name: 'lone surrogate in a search query',
      method: 'POST',
      url: `${memories}/search`,
      body: { ...search, query: '\udfff' },
      code: 'invalid_query',
    },
    {
      name: 'lone surrogate escaped in a list metadata filter',
      method: 'GET',
      url: q(memories, { metadata: '{"a":"\\ud800"}' }),
      code: 'invalid_metadata',
    },
    // the same relation twice in one request
    {
      name: 'relation twice (add relations)',
      method: 'POST',
      url: `${memories}/${memoryId}/relations`,
      body: { ...base, relations: [relation, { ...relation, weight: 0.5 }] },
      code: 'invalid_relations',
    },
    {
      name: 'relation twice (create)',
      method: 'POST',
      url: memories,
      body: { ...memory, relations: [relation, relation] },
      code: 'invalid_relations',
    },
    {
      name: 'relation twice (batch)',
      method: 'POST',
      url: `${memories}/batch`,
      body: {
        ...base,
        namespace: 'ns',
        memories: [
          { content: 'one', relations: [relation] },
          { content: 'two', relations: [relation, relation] },
        ],
      },
      code: 'invalid_memories_relations',
    },
    // memory cursors with a bad date or id
    {
      name: 'cursor with year 0',
      method: 'GET',
      url: q(memories, { cursor: cursor({ c: YEAR_ZERO, i: memoryId }) }),
      code: 'invalid_cursor',
    },
    {
      name: 'cursor with 30 February',
      method: 'GET',
      url: q(memories, { cursor: cursor({ c: '2021-02-30 10:00:00+00', i: memoryId }) }),
      code: 'invalid_cursor',
    },
    {
      name: 'cursor with year 275760',
      method: 'GET',
      url: q(memories, { cursor: cursor({ c: '+275760-09-13T00:00:00Z', i: memoryId }) }),
      code: 'invalid_cursor',
    },
    {
      name: 'cursor with an offset of 20 hours',
      method: 'GET',
      url: q(memories, { cursor: cursor({ c: '2021-01-01 10:00:00+20', i: memoryId }) }),
      code: 'invalid_cursor',
    },
    {
      name: 'cursor with an id of dashes',
      method: 'GET',
      url: q(memories, { cursor: cursor({ c: '2021-01-01 10:00:00+00', i: '-'.repeat(36) }) }),
      code: 'invalid_cursor',
    },
    {
      name: 'cursor that is not base64 JSON',
      method: 'GET',
      url: q(memories, { cursor: '%%%' }),
      code: 'invalid_cursor',
    },
    {
      name: 'tenant list cursor with NUL',
      method: 'GET',
      url: `${tenants}?cursor=${cursor({ i: NUL })}`,
      code: 'invalid_cursor',
    },
    {
      name: 'pin list cursor with NUL',
      method: 'GET',
      url: q(pins, { cursor: cursor({ k: NUL }) }),
      code: 'invalid_cursor',
    },
    // year 0 (and offsets Postgres refuses) in date filters
    {
      name: 'created_after year 0',
      method: 'GET',
      url: q(memories, { created_after: YEAR_ZERO }),
      code: 'invalid_created_after',
    },
    {
      name: 'created_before year 0',
      method: 'GET',
      url: q(memories, { created_before: YEAR_ZERO }),
      code: 'invalid_created_before',
    },
    {
      name: 'updated_after year 0',
      method: 'GET',
      url: q(memories, { updated_after: YEAR_ZERO }),
      code: 'invalid_updated_after',
    },
    {
      name: 'updated_before year 0',
      method: 'GET',
      url: q(memories, { updated_before: YEAR_ZERO }),
      code: 'invalid_updated_before',
    },
    {
      name: 'created_after with offset +16:00',
      method: 'GET',
      url: q(memories, { created_after: '2021-01-01T00:00:00+16:00' }),
      code: 'invalid_created_after',
    },
    {
      name: 'search filter created_after year 0',
      method: 'POST',
      url: `${memories}/search`,
      body: { ...search, filters: { created_after: YEAR_ZERO } },
      code: 'invalid_filters_created_after',
    },
    {
      name: 'search filter updated_before year 0',
      method: 'POST',
      url: `${memories}/search`,
      body: { ...search, filters: { updated_before: YEAR_ZERO } },
      code: 'invalid_filters_updated_before',
    },
    {
      name: 'RBAC audit since year 0',
      method: 'GET',
      url: q('/api/v1/rbac/audit', { since: YEAR_ZERO }),
      code: 'invalid_since',
    },
    {
      name: 'API key expiring in year 10000',
      method: 'POST',
      url: `${tenants}/${tenant}/api-keys`,
      body: { name: 'k', role: 'machine', expires_at: '9999-12-31T23:59:59-20:00' },
      code: 'invalid_expires_at',
    },
    // JSON nested 5000 deep
    {
      name: 'pin value nested 5000 deep',
      method: 'POST',
      url: pins,
      body: `{"tenant_id":"${tenant}","key":"k1","value":${nested(5000)}}`,
      code: 'invalid_value',
    },
    {
      name: 'memory metadata nested 5000 deep',
      method: 'POST',
      url: memories,
      body: `{"tenant_id":"${tenant}","namespace":"ns","content":"deep","metadata":{"a":${nested(5000)}}}`,
      code: 'invalid_metadata',
    },
    {
      name: 'search metadata filter nested 5000 deep',
      method: 'POST',
      url: `${memories}/search`,
      body: `{"tenant_id":"${tenant}","namespace":"ns","query":"q","filters":{"metadata":{"a":${nested(5000)}}}}`,
      code: 'invalid_filters_metadata',
    },
    {
      name: 'list metadata filter nested 2000 deep',
      method: 'GET',
      url: q(memories, { metadata: `{"a":${nested(2000)}}` }),
      code: 'invalid_metadata',
    },
    {
      name: 'a body that is an array nested 5000 deep',
      method: 'POST',
      url: tenants,
      body: nested(5000),
      code: 'invalid_body',
    },
    // relation weights a real column cannot hold
    {
      name: 'relation weight 1e-50',
      method: 'POST',
      url: `${memories}/${memoryId}/relations`,
      body: { ...base, relations: [{ ...relation, weight: 1e-50 }] },
      code: 'invalid_relations_weight',
    },
    {
      name: 'relation weight 1e-50 (create)',
      method: 'POST',
      url: memories,
      body: { ...memory, relations: [{ ...relation, weight: 1e-50 }] },
      code: 'invalid_relations_weight',
    },
    {
      name: 'relation weight 1e-50 (batch)',
      method: 'POST',
      url: `${memories}/batch`,
      body: { ...base, namespace: 'ns', memories: [{ content: 'w', relations: [{ ...relation, weight: 1e-50 }] }] },
      code: 'invalid_memories_relations_weight',
    },
    // importance is a real column too
    {
      name: 'importance 4.7e-233 (patch)',
      method: 'PATCH',
      url: `${memories}/${memoryId}`,
      body: { ...base, importance: 4.7e-233 },
      code: 'invalid_importance',
    },
    {
      name: 'importance 1e-50 (create)',
      method: 'POST',
      url: memories,
      body: { ...memory, importance: 1e-50 },
      code: 'invalid_importance',
    },
    // Writes never create a namespace unless asked to: an unknown one is 404 and nothing is written.
    {
      name: 'memory into an unknown namespace',
      method: 'POST',
      url: memories,
      body: { ...memory, namespace: 'typo' },
      status: 404,
      code: 'namespace_not_found',
    },
    {
      name: 'batch into an unknown namespace',
      method: 'POST',
      url: `${memories}/batch`,
      body: { ...base, namespace: 'typo', memories: [{ content: 'one' }, { content: 'two' }] },
      status: 404,
      code: 'namespace_not_found',
    },
    {
      name: 'move into an unknown namespace',
      method: 'PATCH',
      url: `${memories}/${memoryId}`,
      body: { ...base, namespace: 'typo', importance: 0.9 },
      status: 404,
      code: 'namespace_not_found',
    },
    {
      name: 'create_namespace with a relation to nothing (the namespace is not created either)',
      method: 'POST',
      url: memories,
      body: {
        ...memory,
        namespace: 'typo',
        create_namespace: true,
        relations: [{ ...relation, to: '00000000-0000-4000-8000-000000000000' }],
      },
      status: 404,
      code: 'relation_target_not_found',
    },
    {
      name: 'create_namespace not a boolean',
      method: 'POST',
      url: memories,
      body: { ...memory, create_namespace: 'yes' },
      code: 'invalid_create_namespace',
    },
    {
      name: 'create_namespace on a patch that moves nothing',
      method: 'PATCH',
      url: `${memories}/${memoryId}`,
      body: { ...base, create_namespace: true, importance: 0.9 },
      code: 'invalid_create_namespace',
    },
  ];
}
