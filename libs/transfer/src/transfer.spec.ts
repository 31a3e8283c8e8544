import { Readable, Writable } from 'node:stream';
import { LOCAL_HASH_MODEL, LocalHashEmbeddingProvider, MINILM_MODEL } from '@engram/embeddings';
import { TestApp, eventually, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { EXPORT_SQL, ExportOptions, exportTenant } from './tenant-export';
import { ImportEmbedder, ImportOptions, importTenant } from './tenant-import';
import { TransferInputError, TransferTenantError } from './transfer.errors';
import { RECORD_KINDS } from './transfer.format';

const MEMORIES = '/api/v1/memories';
const PINS = '/api/v1/memory/pins';

/**
 * Export and import through the library, on the app's own pool (the app role, so row-level
 * security applies as in `engram export` / `engram import`), against real Postgres and PGlite.
 * The CLI around it is tested in apps/cli/src/transfer-commands.spec.ts.
 */
describe.each(['postgres', 'pglite'] as const)('tenant export and import (%s)', (database) => {
  let t: TestApp;
  const local = new LocalHashEmbeddingProvider();
  /** Jobs the import asked for, by model. */
  let queued: { tenantId: string; model: string; ids: string[] }[] = [];
  const embedder: ImportEmbedder = {
    inline: (model) => (model === LOCAL_HASH_MODEL ? (texts) => local.embed(texts) : null),
    queue: async (tenantId, model, ids) => void queued.push({ tenantId, model, ids }),
  };

  beforeAll(async () => {
    t = await startTestApp({ database, queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    queued = [];
  });

  async function exported(tenantId: string, options: Partial<ExportOptions> = {}): Promise<string> {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    await exportTenant(
      t.db,
      { tenantId, namespaces: null, pins: true, vectors: false, engramVersion: 'test', ...options },
      sink,
    );
    return chunks.join('');
  }

  function imported(tenantId: string, file: string, options: Partial<ImportOptions> = {}) {
    return importTenant(t.db, { tenantId, createTenant: true, embedder, ...options }, Readable.from([file]));
  }

  /** The records of an export, without the header (which names the source and the time). */
  const body = (file: string) => file.trim().split('\n').slice(1).join('\n');
  const records = (file: string) =>
    file
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, any>);

  /** A tenant with two namespaces, memories of every shape, relations, pins with and without TTL. */
  async function seed(tenantId: string, marker = 'shared'): Promise<Record<string, string>> {
    await newNamespace(t, tenantId, 'notes', {
      description: 'working notes',
      default_token_budget: 2500,
      retention_days: 30,
    });
    await newNamespace(t, tenantId, 'facts');
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenantId,
      namespace: 'notes',
      memories: [
        { content: `Invoices go out on the first Monday (${marker})`, tags: ['billing', 'ops'], importance: 0.8 },
        {
          content: `Ada prefers short answers (${marker})`,
          type: 'episodic',
          metadata: { who: 'ada', n: 3, nested: { a: [1, null] } },
        },
        { content: `Deploys freeze on Fridays (${marker})`, type: 'procedural', source: 'runbook', ttl_seconds: 86400 },
        { content: `The café sells crème brûlée — 5 € (${marker})`, importance: 0 },
      ],
    });
    expect(batch.status).toBe(201);
    const ids = Object.fromEntries(
      batch.body.memories.map((m: { id: string; content: string }, i: number) => [`m${i}`, m.id]),
    );
    const fact = await t.request('POST', MEMORIES, {
      tenant_id: tenantId,
      namespace: 'facts',
      content: `Lisbon is the capital of Portugal (${marker})`,
      type: 'semantic',
    });
    expect(fact.status).toBe(201);
    ids.fact = fact.body.id;
    for (const [from, to, relation, weight] of [
      [ids.m0, ids.m1, 'related_to', 0.5],
      [ids.m1, ids.m2, 'follows', 1],
      [ids.m2, ids.fact, 'cites', 0.25],
    ] as const) {
      const related = await t.request('POST', `${MEMORIES}/${from}/relations`, {
        tenant_id: tenantId,
        relations: [{ to, relation, weight }],
      });
      expect(related.status).toBe(204);
    }
    for (const [key, value, ttl] of [
      ['config:rate_limits', { rpm: 600, burst: [1, 2.5] }, 3600],
      ['budget:monthly', 1200.75, undefined],
      ['flags/beta', `on for ${marker}`, undefined],
    ] as const) {
      const pin = await t.request('POST', PINS, { tenant_id: tenantId, key, value, ttl_seconds: ttl });
      expect(pin.status).toBe(201);
    }
    await t.settle();
    return ids;
  }

  async function lexical(tenantId: string) {
    return {
      stats: await ownerQuery(
        t,
        `SELECT namespace, doc_count, total_tokens, total_lexemes FROM memory_lexical_stats WHERE tenant_id = $1 ORDER BY 1`,
        [tenantId],
      ),
      terms: await ownerQuery(
        t,
        `SELECT namespace, lexeme, doc_freq FROM memory_lexical_terms WHERE tenant_id = $1 ORDER BY 1, 2`,
        [tenantId],
      ),
      postings: await ownerQuery(
        t,
        `SELECT namespace, lexeme, memory_id, tf, dl, expires_at FROM memory_lexical_postings WHERE tenant_id = $1 ORDER BY 1, 2, 3`,
        [tenantId],
      ),
      usage: await ownerQuery(t, `SELECT pins, memories, storage_bytes FROM tenant_usage WHERE tenant_id = $1`, [
        tenantId,
      ]),
    };
  }

  async function search(tenantId: string, query: string, namespace = 'notes'): Promise<string[]> {
    const response = await t.request('POST', `${MEMORIES}/search`, { tenant_id: tenantId, namespace, query });
    expect(response.status).toBe(200);
    return response.body.results.map((r: { memory: { id: string } }) => r.memory.id);
  }

  it('copies a tenant to another losslessly: every field of every record, statistics, search', async () => {
    const source = await newTenant(t);
    const ids = await seed(source);
    const file = await exported(source);
    const lines = records(file);
    expect(lines[0]).toMatchObject({
      kind: 'header',
      format: 'engram-tenant-export',
      version: 1,
      source: { tenant: source, plan: 'standard' },
      vectors: false,
      embedding_models: [{ model: LOCAL_HASH_MODEL, namespaces: 2 }],
    });
    expect(lines.map((line) => line.kind)).toEqual([
      'header',
      ...Array(2).fill('namespace'),
      ...Array(3).fill('pin'),
      ...Array(5).fill('memory'),
      ...Array(3).fill('relation'),
      'trailer',
    ]);
    expect(lines.at(-1)).toEqual({ kind: 'trailer', counts: { namespace: 2, pin: 3, memory: 5, relation: 3 } });
    // Microseconds and the offset survive: Postgres renders the timestamps itself.
    expect(lines.find((line) => line.kind === 'memory')!.created_at).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00$/,
    );
    const notes = lines.find((line) => line.kind === 'namespace' && line.name === 'notes')!;
    expect(notes).toMatchObject({ description: 'working notes', default_token_budget: 2500, retention_days: 30 });
    expect(lines.find((line) => line.key === 'config:rate_limits')!.expires_at).not.toBeNull();

    const target = uniqueTenant('copy');
    const result = await imported(target, file);
    expect(result).toMatchObject({
      records: { namespace: 2, pin: 3, memory: 5, relation: 3 },
      inserted: { namespace: 2, pin: 3, memory: 5, relation: 3 },
      updated: { namespace: 0, pin: 0, memory: 0, relation: 0 },
      trailer: true,
    });
    // Without vectors the local model embeds on the way in, as a new write does: nothing waits.
    expect(queued).toEqual([]);

    // The target's own export is the same file, record for record, field for field.
    expect(body(await exported(target))).toBe(body(file));
    const withVectors = await exported(source, { vectors: true });
    expect(body(await exported(target, { vectors: true }))).toBe(body(withVectors));
    expect(await lexical(target)).toEqual(await lexical(source));
    const [tenant] = await ownerQuery<{ plan: string; quotas: unknown }>(
      t,
      `SELECT plan, quotas FROM tenants WHERE id = $1`,
      [target],
    );
    expect(tenant.plan).toBe('standard');

    // Ids are per tenant: the copy keeps them, and search finds the same memories by them.
    for (const query of ['invoices monday', 'short answers', 'crème brûlée']) {
      expect(await search(target, query)).toEqual(await search(source, query));
    }
    expect(await search(target, 'invoices')).toContain(ids.m0);
    const related = await t.request('GET', `${MEMORIES}/${ids.m0}/related?tenant_id=${target}&depth=3`);
    expect(related.body.related.map((r: { memory: { id: string } }) => r.memory.id).sort()).toEqual(
      [ids.m1, ids.m2, ids.fact].sort(),
    );
    const pin = await t.request('GET', `${PINS}/config:rate_limits?tenant_id=${target}`);
    expect(pin.body.value).toEqual({ rpm: 600, burst: [1, 2.5] });
  });

  it('carries scopes, occurred_at and chat messages (repeated words, idempotency keys) across', async () => {
    const source = await newTenant(t);
    await newNamespace(t, source, 'chat');
    const chat = await t.request('POST', '/api/v1/conversations', {
      tenant_id: source,
      namespace: 'chat',
      user_id: 'alice',
      agent_id: 'helper',
      session_id: 'run-7',
      messages: [
        { role: 'user', content: 'ok', occurred_at: '2026-05-01T10:00:00Z' },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(chat.status).toBe(201);
    const file = await exported(source);
    const copy = uniqueTenant('scoped-copy');
    await imported(copy, file);
    const columns = `SELECT content, user_id, agent_id, session_id, occurred_at, idempotency_key, metadata
                       FROM memories WHERE tenant_id = $1 ORDER BY idempotency_key`;
    const before = await ownerQuery(t, columns, [source]);
    expect(before).toHaveLength(2);
    expect(await ownerQuery(t, columns, [copy])).toEqual(before);
    // A retry against the copy finds the imported messages: the keys came across.
    const retry = await t.request('POST', '/api/v1/conversations', {
      tenant_id: copy,
      namespace: 'chat',
      session_id: 'run-7',
      user_id: 'alice',
      agent_id: 'helper',
      messages: [
        { role: 'user', content: 'ok' },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(retry.body).toMatchObject({ created: 0, duplicates: 2 });
  });

  it('is idempotent: importing the same file again changes no row', async () => {
    const source = await newTenant(t);
    await seed(source);
    const file = await exported(source, { vectors: true });
    const target = await newTenant(t);
    await imported(target, file, { createTenant: false });
    const versions = async () =>
      ownerQuery(
        t,
        `SELECT 'm' AS t, id::text AS k, xmin::text FROM memories WHERE tenant_id = $1
         UNION ALL SELECT 'p', key, xmin::text FROM memory_pins WHERE tenant_id = $1
         UNION ALL SELECT 'n', name, xmin::text FROM namespaces WHERE tenant_id = $1
         UNION ALL SELECT 'e', memory_id::text, xmin::text FROM memory_embeddings WHERE tenant_id = $1
         UNION ALL SELECT 'r', from_id::text || relation || to_id::text, xmin::text FROM memory_relations WHERE tenant_id = $1
         UNION ALL SELECT 'u', tenant_id, xmin::text FROM tenant_usage WHERE tenant_id = $1
         ORDER BY 1, 2`,
        [target],
      );
    const before = await versions();
    const stats = await lexical(target);
    const again = await imported(target, file, { createTenant: false });
    expect(again.inserted).toEqual({ namespace: 0, pin: 0, memory: 0, relation: 0 });
    expect(again.updated).toEqual({ namespace: 0, pin: 0, memory: 0, relation: 0 });
    expect(await versions()).toEqual(before);
    expect(await lexical(target)).toEqual(stats);
  });

  it('restores changed rows on a re-import and leaves rows the file does not have', async () => {
    const source = await newTenant(t);
    const ids = await seed(source);
    const file = await exported(source);
    const target = uniqueTenant('restore');
    await imported(target, file);
    const edit = await t.request('PATCH', `${MEMORIES}/${ids.m1}`, {
      tenant_id: target,
      content: 'Ada prefers long answers',
    });
    expect(edit.status).toBe(200);
    const extra = await t.request('POST', MEMORIES, { tenant_id: target, namespace: 'facts', content: 'only here' });
    const again = await imported(target, file);
    expect(again.updated.memory).toBe(1);
    expect(again.inserted.memory).toBe(0);
    const restored = await t.request('GET', `${MEMORIES}/${ids.m1}?tenant_id=${target}`);
    expect(restored.body.content).toBe('Ada prefers short answers (shared)');
    expect(await search(target, 'short answers')).toEqual(await search(source, 'short answers'));
    expect((await t.request('GET', `${MEMORIES}/${extra.body.id}?tenant_id=${target}`)).status).toBe(200);
    const extraLexemes = (await lexical(target)).terms.filter((term) => term.lexeme === 'long');
    expect(extraLexemes).toEqual([]);
  });

  it('commits batch by batch: a bad line rolls back its batch only, and a re-run resumes', async () => {
    const source = await newTenant(t);
    await newNamespace(t, source, 'notes');
    const batch = await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: source,
      namespace: 'notes',
      memories: Array.from({ length: 25 }, (_, i) => ({ content: `note number ${i}` })),
    });
    expect(batch.status).toBe(201);
    const file = await exported(source);
    const lines = file.trimEnd().split('\n');
    // header, 1 namespace, 25 memories, trailer; batches of 10 records: lines 2–11 (the namespace
    // and 9 memories), 12–21, 22–27.
    expect(lines).toHaveLength(28);
    const corrupt = [...lines];
    corrupt[16] = corrupt[16].slice(0, 40);
    const target = uniqueTenant('batch');
    const failure = await imported(target, corrupt.join('\n'), { batchSize: 10 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransferInputError);
    expect((failure as TransferInputError).line).toBe(17);
    expect((failure as Error).message).toMatch(/^line 17: not JSON/);
    const count = async () =>
      Number(
        (await ownerQuery<{ n: string }>(t, `SELECT count(*) AS n FROM memories WHERE tenant_id = $1`, [target]))[0].n,
      );
    expect(await count()).toBe(9);

    // The database refusing a row (a relation to a memory nowhere) rolls back the whole batch.
    const [firstMemory] = records(file).filter((line) => line.kind === 'memory');
    const dangling = [
      ...lines.slice(0, 27),
      JSON.stringify({
        kind: 'relation',
        from: firstMemory.id,
        relation: 'cites',
        to: '00000000-0000-4000-8000-000000000000',
        weight: 1,
        created_at: firstMemory.created_at,
      }),
    ];
    const refused = await imported(target, dangling.join('\n'), { batchSize: 10 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TransferInputError);
    expect((refused as Error).message).toMatch(
      /^lines 22–28 were not imported \(this batch rolled back\): .*foreign key/,
    );
    expect(await count()).toBe(19);

    const resumed = await imported(target, file, { batchSize: 10 });
    expect(resumed.inserted.memory).toBe(6);
    expect(await count()).toBe(25);
    expect((await lexical(target)).stats).toEqual((await lexical(source)).stats);
    const [usage] = (await lexical(target)).usage;
    expect(Number(usage.memories)).toBe(25);
  });

  it('refuses what is not an export, and a tenant that does not exist', async () => {
    const target = uniqueTenant('refuse');
    await expect(imported(target, '{"kind":"memory"}\n')).rejects.toThrow(/^line 1: bad memory record/);
    await expect(imported(target, '{"kind":"namespace","name":"x"}')).rejects.toThrow(/^line 1: bad namespace record/);
    await expect(imported(target, '')).rejects.toThrow(/no header line/);
    const source = await newTenant(t);
    await seed(source);
    const file = await exported(source);
    await expect(imported(target, file, { createTenant: false })).rejects.toThrow(TransferTenantError);
    const header = JSON.parse(file.split('\n')[0]);
    await expect(imported(target, JSON.stringify({ ...header, version: 2 }))).rejects.toThrow(/newer than this engram/);
    const truncated = file.trim().split('\n');
    truncated.splice(3, 1);
    await expect(imported(target, truncated.join('\n'))).rejects.toThrow(
      /trailer counts 3 pin but the file holds 2 pin/,
    );
    await expect(
      exportTenant(
        t.db,
        { tenantId: 'no-such-tenant', namespaces: null, pins: true, vectors: false, engramVersion: 'x' },
        new Writable({ write: (_c, _e, done) => done() }),
      ),
    ).rejects.toThrow(TransferTenantError);
  });

  it('keeps vectors of the target namespace model; others wait for the worker with their job queued', async () => {
    const source = await newTenant(t);
    const ids = await seed(source);
    // A long memory has more than one passage (migration 0023): one of them gets a second here.
    await ownerQuery(
      t,
      `INSERT INTO memory_embeddings (tenant_id, memory_id, model, namespace, passage, embedding)
       SELECT tenant_id, memory_id, model, namespace, 1, embedding FROM memory_embeddings WHERE tenant_id = $1 AND memory_id = $2`,
      [source, ids.m0],
    );
    const file = await exported(source, { vectors: true });
    const vectors = records(file).filter((line) => line.kind === 'memory');
    expect(vectors.every((m) => m.embeddings.every((e: { model: string }) => e.model === LOCAL_HASH_MODEL))).toBe(true);
    expect(
      Object.fromEntries(vectors.map((m) => [m.id, m.embeddings.map((e: { passage: number }) => e.passage)])),
    ).toEqual(Object.fromEntries(vectors.map((m) => [m.id, m.id === ids.m0 ? [0, 1] : [0]])));
    expect(vectors[0].embeddings[0].vector).toHaveLength(384);

    const same = uniqueTenant('same');
    const kept = await imported(same, file);
    expect(kept.vectorsKept).toBe(5);
    expect(queued).toEqual([]);
    const stored = (tenant: string) =>
      ownerQuery(
        t,
        `SELECT memory_id, model, passage, embedding::text AS v FROM memory_embeddings WHERE tenant_id = $1 ORDER BY 1, 3`,
        [tenant],
      );
    expect(await stored(same)).toEqual(await stored(source));

    const other = uniqueTenant('other');
    const moved = await imported(other, file, { embeddingModel: MINILM_MODEL });
    expect(moved.vectorsKept).toBe(0);
    expect(moved.pendingEmbedding).toEqual({ [MINILM_MODEL]: 5 });
    expect(queued.map((job) => [job.tenantId, job.model])).toEqual([[other, MINILM_MODEL]]);
    expect(queued[0].ids.sort()).toEqual(vectors.map((m) => m.id).sort());
    const statuses = await ownerQuery<{ embedding_status: string }>(
      t,
      `SELECT DISTINCT embedding_status FROM memories WHERE tenant_id = $1`,
      [other],
    );
    expect(statuses).toEqual([{ embedding_status: 'pending' }]);
    expect(await stored(other)).toEqual([]);
    if (database === 'postgres') {
      // Without a queue to tell (no Redis), a worker's embedding sweep finds them pending and
      // embeds them with the namespace's model (the sentence model, in its thread).
      const worker = await startTestApp({
        database_: t.database,
        queue: 'inline',
        env: { EMBEDDING_SWEEP_INTERVAL_SECONDS: '1' },
      });
      try {
        await eventually(async () => {
          const rows = await ownerQuery<{ n: string }>(
            t,
            `SELECT count(*) AS n FROM memories m JOIN memory_embeddings e ON e.tenant_id = m.tenant_id AND e.memory_id = m.id
              WHERE m.tenant_id = $1 AND m.embedding_status = 'ready' AND e.model = $2`,
            [other, MINILM_MODEL],
          );
          return Number(rows[0].n) === 5;
        }, 30_000);
      } finally {
        await worker.close();
      }
    }
  }, 90_000);

  if (database === 'postgres') {
    it('exports one snapshot: writes committed while it runs are not in the file', async () => {
      const tenant = await newTenant(t);
      const ids = await seed(tenant);
      let wrote = false;
      const file = await exported(tenant, {
        batchSize: 2,
        onBatch: async (counts) => {
          if (counts.memory > 0 && !wrote) {
            wrote = true;
            // Another connection (the test's own owner pool), committed before the next FETCH.
            await t.database.db.query(
              `INSERT INTO memories (tenant_id, namespace, content, type) VALUES ($1, 'notes', 'written meanwhile', 'semantic')`,
              [tenant],
            );
            await t.database.db.query(
              `INSERT INTO memory_relations (tenant_id, from_id, relation, to_id) VALUES ($1, $2, 'later', $3)`,
              [tenant, ids.m3, ids.m0],
            );
          }
        },
      });
      expect(wrote).toBe(true);
      expect(file).not.toContain('written meanwhile');
      expect(records(file).at(-1)!.counts).toMatchObject({ memory: 5, relation: 3 });
      expect(records(await exported(tenant)).at(-1)!.counts).toMatchObject({ memory: 6, relation: 4 });
    });
  }

  it('exports one tenant only: never a row of another, even with the same names and ids', async () => {
    const mine = await newTenant(t);
    const theirs = await newTenant(t);
    await seed(mine, 'mine');
    await seed(theirs, 'SECRET-theirs');
    // Copy mine into theirs: the same ids now exist in both tenants.
    await imported(theirs, await exported(mine));
    const theirIds = (
      await ownerQuery<{ id: string }>(t, `SELECT id FROM memories WHERE tenant_id = $1`, [theirs])
    ).map((row) => row.id);
    const file = await exported(mine, { vectors: true });
    expect(file).not.toContain('SECRET-theirs');
    const memoryIds = records(file)
      .filter((line) => line.kind === 'memory')
      .map((line) => line.id);
    expect(memoryIds).toHaveLength(5);
    expect(theirIds).toEqual(expect.arrayContaining(memoryIds));
    expect(theirIds.length).toBe(10);
    const onlyFacts = records(await exported(theirs, { namespaces: ['facts'], pins: false }));
    expect(
      onlyFacts
        .filter((line) => line.kind === 'memory')
        .map((line) => line.content)
        .sort(),
    ).toEqual(['Lisbon is the capital of Portugal (SECRET-theirs)', 'Lisbon is the capital of Portugal (mine)']);
    expect(onlyFacts.filter((line) => line.kind === 'pin')).toEqual([]);
    // Relations with one end outside the namespaces are left out.
    expect(onlyFacts.filter((line) => line.kind === 'relation')).toEqual([]);
    await expect(exported(mine, { namespaces: ['nope'] })).rejects.toThrow(/has no namespace nope/);

    // Row-level security backs the tenant predicate up: each section's SQL, asked for `mine`
    // inside `theirs`'s context, returns nothing at all.
    for (const kind of RECORD_KINDS) {
      const rows = await t.db.withTenant(theirs, (tx) =>
        tx.query(EXPORT_SQL[kind](true), kind === 'pin' ? [mine] : [mine, null]),
      );
      expect(rows).toEqual([]);
    }
  });
});
