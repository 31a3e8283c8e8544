import { TestApp, startTestApp } from '@engram/test-support/app';
import { newTenant } from '@engram/test-support/fixtures';
import { tokenCount } from './context-assembler';

const MEMORIES = '/api/v1/memories';
const CONTEXT = '/api/v1/context';

describe.each(['postgres', 'pglite'] as const)('context over HTTP (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database, queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('packs pins and memories into zones under the budget, with provenance in a data block', async () => {
    const tenant = await newTenant(t);
    await t.request('POST', '/api/v1/memory/pins', {
      tenant_id: tenant,
      key: 'config:style',
      value: { tone: 'brief' },
    });
    await t.request('POST', '/api/v1/memory/pins', { tenant_id: tenant, key: 'other:x', value: 1 });
    await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'agent',
      create_namespace: true,
      memories: [
        { content: 'The customer Acme renews its contract in March', source: 'crm' },
        { content: 'Acme prefers invoices in euros' },
        { content: 'scratch: call the plumber', type: 'working' },
        { content: 'Unrelated note about the office plants' },
      ],
    });
    const response = await t.request('POST', CONTEXT, {
      tenant_id: tenant,
      namespace: 'agent',
      query: 'When does Acme renew the contract?',
      token_budget: 400,
      system_prompt: 'You are the account assistant.',
      pin_prefixes: ['config:'],
    });
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.tokens_used).toBe(tokenCount(body.text));
    expect(body.tokens_used).toBeLessThanOrEqual(400);
    expect(body.text.startsWith('You are the account assistant.\n\n<retrieved_memories')).toBe(true);
    expect(body.blocks[0]).toMatchObject({
      zone: 'critical',
      memory_id: null,
      pin_key: 'config:style',
      content: '{"tone":"brief"}',
    });
    expect(body.blocks[1]).toMatchObject({
      zone: 'critical',
      content: 'The customer Acme renews its contract in March',
    });
    // Provenance is compact: a ref the blocks map to the id, the date, and only what differs from the frame.
    const renews = body.blocks[1];
    expect(body.text).toContain(
      `\n[${renews.ref}] ${new Date().toISOString().slice(0, 10)} (source: crm) The customer Acme renews its contract in March\n`,
    );
    expect(body.text).not.toContain(renews.memory_id);
    expect(body.text).not.toContain('other:x');
    const zones = body.blocks.map((b: { zone: string }) => b.zone);
    expect(zones).toEqual(
      [...zones].sort(
        (a: string, b: string) =>
          ['critical', 'middle', 'recency'].indexOf(a) - ['critical', 'middle', 'recency'].indexOf(b),
      ),
    );
    expect(body.blocks.find((b: { content: string }) => b.content.startsWith('scratch:')).zone).toBe('recency');
    expect(Object.keys(body.zones)).toEqual(['critical', 'middle', 'recency']);
    expect(body.considered).toBe(body.blocks.length + body.skipped.length);
  });

  it('never exceeds small budgets and reports what it skipped', async () => {
    const tenant = await newTenant(t);
    await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'n',
      create_namespace: true,
      memories: Array.from({ length: 30 }, (_, i) => ({ content: `fact ${i} about widgets: ${'detail '.repeat(20)}` })),
    });
    for (const budget of [64, 100, 250, 777]) {
      const response = await t.request('POST', CONTEXT, {
        tenant_id: tenant,
        namespace: 'n',
        query: 'widgets',
        token_budget: budget,
      });
      expect(response.status).toBe(200);
      expect(response.body.tokens_used).toBeLessThanOrEqual(budget);
      expect(response.body.tokens_used).toBe(tokenCount(response.body.text));
      expect(response.body.skipped.length).toBeGreaterThan(0);
      expect(response.body.skipped[0].reason).toBe('budget');
    }
  });

  it('uses the namespace default budget, filters by type, and rejects an oversized system prompt', async () => {
    const tenant = await newTenant(t);
    expect(
      (await t.request('POST', '/api/v1/namespaces', { tenant_id: tenant, name: 'small', default_token_budget: 80 }))
        .status,
    ).toBe(201);
    await t.request('POST', `${MEMORIES}/batch`, {
      tenant_id: tenant,
      namespace: 'small',
      memories: Array.from({ length: 10 }, (_, i) => ({
        content: `gadget note ${i} ${'more words '.repeat(10)}`,
        type: i === 0 ? 'procedural' : 'semantic',
      })),
    });
    const response = await t.request('POST', CONTEXT, { tenant_id: tenant, namespace: 'small', query: 'gadget' });
    expect(response.body.tokens_used).toBeLessThanOrEqual(80);
    const typed = await t.request('POST', CONTEXT, {
      tenant_id: tenant,
      namespace: 'small',
      query: 'gadget',
      types: ['procedural'],
      token_budget: 2000,
    });
    expect(typed.body.blocks.map((b: { content: string }) => b.content)).toEqual([
      expect.stringMatching(/^gadget note 0 /),
    ]);
    const tooLong = await t.request('POST', CONTEXT, {
      tenant_id: tenant,
      namespace: 'small',
      query: 'gadget',
      token_budget: 64,
      system_prompt: 'word '.repeat(100),
    });
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'system_prompt_over_budget']);
    const badBudget = await t.request('POST', CONTEXT, {
      tenant_id: tenant,
      namespace: 'small',
      query: 'gadget',
      token_budget: 10,
    });
    expect([badBudget.status, badBudget.body.error.code]).toEqual([400, 'invalid_token_budget']);
  });

  it('never brings back a deleted memory from get, list, search or context', async () => {
    const tenant = await newTenant(t);
    const created = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'n',
      create_namespace: true,
      content: 'the vault code is 1234',
      importance: 1,
    });
    await t.request('POST', MEMORIES, { tenant_id: tenant, namespace: 'n', content: 'the vault is in the basement' });
    const id = created.body.id;
    const before = await t.request('POST', CONTEXT, { tenant_id: tenant, namespace: 'n', query: 'vault code' });
    expect(before.body.blocks.map((b: { memory_id: string }) => b.memory_id)).toContain(id);
    expect((await t.request('DELETE', `${MEMORIES}/${id}?tenant_id=${tenant}`)).status).toBe(204);
    await t.settle();
    expect((await t.request('GET', `${MEMORIES}/${id}?tenant_id=${tenant}`)).status).toBe(404);
    const list = await t.request('GET', `${MEMORIES}?tenant_id=${tenant}`);
    expect(list.body.memories.map((m: { id: string }) => m.id)).not.toContain(id);
    for (const fusion of ['rrf', 'weighted']) {
      const search = await t.request('POST', `${MEMORIES}/search`, {
        tenant_id: tenant,
        namespace: 'n',
        query: 'vault code 1234',
        k: 200,
        fusion,
      });
      expect(search.body.results.map((r: { memory: { id: string } }) => r.memory.id)).not.toContain(id);
    }
    const after = await t.request('POST', CONTEXT, { tenant_id: tenant, namespace: 'n', query: 'vault code 1234' });
    expect(after.body.text).not.toContain('1234');
    expect(after.body.blocks.map((b: { memory_id: string }) => b.memory_id)).not.toContain(id);
    // Re-storing the same content is a new memory, not the old one coming back.
    const again = await t.request('POST', MEMORIES, {
      tenant_id: tenant,
      namespace: 'n',
      content: 'the vault code is 1234',
    });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(id);
  });
});
