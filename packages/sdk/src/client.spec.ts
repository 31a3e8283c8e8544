import { randomBytes } from 'node:crypto';
import { TestApp, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { freePort } from '@engram/test-support/net';
import {
  AuthError,
  ConflictError,
  EngramClient,
  EngramError,
  ForbiddenError,
  Memory,
  NetworkError,
  NotFoundError,
  Pin,
  RateLimitedError,
  ValidationError,
} from '@engram-memory/sdk';

/**
 * Every method of the SDK against the real server (Postgres, Redis, real HTTP on a loopback
 * port), through the package's alias, as the CLI and the examples use it.
 */
const ADMIN_TOKEN = `admin-token-${randomBytes(12).toString('hex')}`;

async function rejection(promise: Promise<unknown>): Promise<EngramError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EngramError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
  }
  return out;
}

describe('the TypeScript SDK against a real server', () => {
  let t: TestApp;
  let baseUrl: string;
  let admin: EngramClient;
  let tenantId: string;
  let agent: EngramClient;
  /** Deletes need an operator: the machine role reads and writes, and deletes nothing. */
  let owner: EngramClient;

  beforeAll(async () => {
    t = await startTestApp({ env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN } });
    baseUrl = await t.listen();
    admin = new EngramClient({ baseUrl, token: ADMIN_TOKEN });
    tenantId = uniqueTenant('sdk');
    await admin.tenants.create({ id: tenantId, name: 'SDK tenant' });
    const key = await admin.apiKeys.create(tenantId, { name: 'agent', role: 'machine' });
    agent = new EngramClient({ baseUrl, apiKey: key.key });
    owner = admin.withTenant(tenantId);
  });
  afterAll(() => t?.close());

  it('health and ready', async () => {
    expect(await agent.health()).toMatchObject({ status: 'ok' });
    expect(await agent.ready()).toMatchObject({ status: 'ok' });
  });

  describe('tenants and api keys (operators)', () => {
    it('create, get, list, iterate, update, usage, suspend, activate, delete', async () => {
      const id = uniqueTenant('crud');
      const created = await admin.tenants.create({ id, name: 'Crud', plan: 'free' });
      expect(created).toMatchObject({ id, name: 'Crud', plan: 'free', status: 'active' });
      expect(await admin.tenants.get(id)).toMatchObject({ id, name: 'Crud' });
      const conflict = await rejection(admin.tenants.create({ id, name: 'Again' }));
      expect(conflict).toBeInstanceOf(ConflictError);
      expect(conflict).toMatchObject({ code: 'tenant_exists', status: 409 });

      const page = await admin.tenants.list({ limit: 1 });
      expect(page.tenants).toHaveLength(1);
      expect(page.has_more).toBe(true);
      const all = await collect(admin.tenants.iterate({ limit: 1 }));
      expect(all.map((tenant) => tenant.id)).toEqual(expect.arrayContaining(['global', id, tenantId]));
      expect(new Set(all.map((tenant) => tenant.id)).size).toBe(all.length);

      expect(await admin.tenants.update(id, { name: 'Renamed', quotas: { max_pins: 7 } })).toMatchObject({
        name: 'Renamed',
        quotas: { max_pins: 7 },
      });
      expect(await admin.tenants.usage(id)).toMatchObject({
        tenant_id: id,
        usage: { pins: 0, memories: 0 },
        quotas: { max_pins: 7 },
      });
      expect(await admin.tenants.suspend(id)).toMatchObject({ status: 'suspended' });
      expect(await admin.tenants.activate(id)).toMatchObject({ status: 'active' });
      expect(await admin.tenants.delete(id)).toMatchObject({ status: 'pending_deletion' });

      const missing = await rejection(admin.tenants.get(uniqueTenant('none')));
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing).toMatchObject({ code: 'tenant_not_found', status: 404 });
    });

    it('keys: create (the raw key once), list (never the raw key), revoke', async () => {
      const created = await admin.apiKeys.create(tenantId, { name: 'short-lived', role: 'readonly' });
      expect(created.key).toMatch(/^eng_/);
      const listed = await admin.apiKeys.list(tenantId);
      expect(listed.map((key) => key.id)).toContain(created.id);
      expect(JSON.stringify(listed)).not.toContain(created.key);

      const reader = new EngramClient({ baseUrl, apiKey: created.key });
      expect(await reader.namespaces.list()).toEqual(expect.any(Array));
      await admin.apiKeys.revoke(tenantId, created.id);
      const revoked = await rejection(reader.namespaces.list());
      expect(revoked).toBeInstanceOf(AuthError);
      expect(revoked).toMatchObject({ code: 'revoked_credentials', status: 401 });
    });
  });

  describe('namespaces', () => {
    it('create, get, list, update, delete', async () => {
      const created = await agent.namespaces.create({ name: 'ns-crud', description: 'to delete' });
      expect(created).toMatchObject({ name: 'ns-crud', tenant_id: tenantId, description: 'to delete' });
      expect(await agent.namespaces.get('ns-crud')).toMatchObject({ id: created.id });
      expect((await agent.namespaces.list()).map((ns) => ns.name)).toContain('ns-crud');
      expect(await agent.namespaces.update('ns-crud', { default_token_budget: 1000 })).toMatchObject({
        default_token_budget: 1000,
      });
      const exists = await rejection(agent.namespaces.create({ name: 'ns-crud' }));
      expect(exists).toMatchObject({ code: 'namespace_exists', status: 409 });
      await owner.namespaces.delete('ns-crud');
      const gone = await rejection(agent.namespaces.get('ns-crud'));
      expect(gone).toBeInstanceOf(NotFoundError);
      expect(gone).toMatchObject({ code: 'namespace_not_found', status: 404 });
      expect(gone.requestId).toEqual(expect.any(String));
    });
  });

  describe('memories and the agent verbs', () => {
    beforeAll(async () => {
      await agent.namespaces.create({ name: 'notes' });
    });

    it('remember stores once: equal content comes back as the same memory, duplicate: true', async () => {
      const first = await agent.remember('notes', 'The deploy pipeline runs on Tuesdays.', { tags: ['ops'] });
      expect(first).toMatchObject({ namespace: 'notes', tags: ['ops'], tenant_id: tenantId });
      expect(first.duplicate).toBeFalsy();
      const again = await agent.remember('notes', 'The deploy pipeline runs on Tuesdays.');
      expect(again).toMatchObject({ id: first.id, duplicate: true });
    });

    it('recall finds it, context packs it under a budget, forget deletes it', async () => {
      const memory = await agent.remember('notes', 'Customer Zed prefers invoices in euros.', { importance: 0.9 });
      const recalled = await agent.recall('invoices euros', { namespace: 'notes', k: 3 });
      expect(recalled.results[0]).toMatchObject({ memory: { id: memory.id } });

      const context = await agent.context('which currency for Zed invoices?', {
        namespace: 'notes',
        token_budget: 500,
      });
      expect(context.text).toContain('Customer Zed prefers invoices in euros.');
      expect(context.tokens_used).toBeLessThanOrEqual(500);
      expect(Object.keys(context.zones).sort()).toEqual(['critical', 'middle', 'recency']);
      expect(context.blocks.map((block) => block.memory_id)).toContain(memory.id);

      await owner.forget(memory.id);
      const gone = await rejection(agent.memories.get(memory.id));
      expect(gone).toBeInstanceOf(NotFoundError);
      expect(gone).toMatchObject({ code: 'memory_not_found', status: 404 });
    });

    it('create, get, update, list with filters, iterate over pages, relate, related, delete', async () => {
      await agent.namespaces.create({ name: 'paged' });
      const created: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const memory = await agent.memories.create({
          namespace: 'paged',
          content: `fact number ${i}`,
          type: i % 2 === 0 ? 'semantic' : 'episodic',
          tags: i < 2 ? ['early'] : ['late'],
          metadata: { index: i },
        });
        created.push(memory.id);
      }
      const updated = await agent.memories.update(created[0], { importance: 0.2, tags: ['early', 'edited'] });
      expect(updated).toMatchObject({ id: created[0], importance: 0.2, tags: ['early', 'edited'] });
      expect(await agent.memories.get(created[0])).toMatchObject({ content: 'fact number 0', importance: 0.2 });

      const page = await agent.memories.list({ namespace: 'paged', limit: 2 });
      expect(page.memories).toHaveLength(2);
      expect(page.next_cursor).toEqual(expect.any(String));
      const all: Memory[] = await collect(agent.memories.iterate({ namespace: 'paged', limit: 2 }));
      expect(all.map((memory) => memory.id).sort()).toEqual([...created].sort());
      const episodicLate = await agent.memories.list({ namespace: 'paged', type: ['episodic'], tags: ['late'] });
      expect(episodicLate.memories.map((memory) => memory.content)).toEqual(['fact number 3']);
      const byMetadata = await agent.memories.list({ namespace: 'paged', metadata: { index: 4 } });
      expect(byMetadata.memories.map((memory) => memory.id)).toEqual([created[4]]);

      await agent.memories.relate(created[0], [{ to: created[1], relation: 'supports' }]);
      const related = await agent.memories.related(created[0]);
      expect(related.related.map((edge) => edge.memory.id)).toEqual([created[1]]);

      const batch = await agent.memories.createBatch({
        namespace: 'paged',
        memories: [{ content: 'batched one' }, { content: 'batched two' }],
      });
      expect(batch.memories).toHaveLength(2);
      expect(await agent.memories.search({ query: 'batched', namespace: 'paged' })).toMatchObject({
        results: expect.arrayContaining([
          expect.objectContaining({ memory: expect.objectContaining({ content: 'batched one' }) }),
        ]),
      });

      await owner.memories.delete(created[4]);
      expect(await rejection(owner.memories.delete(created[4]))).toMatchObject({ code: 'memory_not_found' });
    });

    it('supersede, history, and list with include_superseded and as_of', async () => {
      await agent.namespaces.create({ name: 'lineage' });
      const old = await agent.memories.create({ namespace: 'lineage', content: 'the meeting is at 9' });
      const before = new Date().toISOString();
      const result = await agent.memories.supersede(old.id, { content: 'the meeting is at 10' });
      expect(result.superseded).toMatchObject({ id: old.id, state: 'superseded', superseded_by: result.memory.id });
      expect(await rejection(agent.memories.supersede(old.id, { content: 'at 11' }))).toMatchObject({
        code: 'memory_already_superseded',
      });
      const history = await agent.memories.history(old.id);
      expect(history.versions.map((version) => version.change)).toEqual(['create', 'superseded']);
      const active = await agent.memories.list({ namespace: 'lineage' });
      expect(active.memories.map((memory) => memory.id)).toEqual([result.memory.id]);
      const all = await agent.memories.list({ namespace: 'lineage', include_superseded: true });
      expect(all.memories).toHaveLength(2);
      const then = await agent.memories.list({ namespace: 'lineage', as_of: before });
      expect(then.memories.map((memory) => [memory.id, memory.state])).toEqual([[old.id, 'active']]);
    });

    it('conversations: ingest (a retry stores nothing), the session read back, and extraction as a job', async () => {
      await agent.namespaces.create({ name: 'chat' });
      const exchange = {
        namespace: 'chat',
        session_id: 'sdk-session',
        messages: [
          { role: 'user' as const, content: 'I live in Oslo.' },
          { role: 'assistant' as const, content: 'Noted.' },
        ],
      };
      const first = await agent.conversations.ingest({ ...exchange, extract: true });
      expect(first).toMatchObject({ created: 2, duplicates: 0, extraction: { status: 'queued' } });
      const retry = await agent.conversations.ingest({ ...exchange, extract: true });
      expect(retry).toMatchObject({ created: 0, duplicates: 2, extraction: { status: 'nothing_new' } });
      const session = await agent.conversations.session('sdk-session', { limit: 10 });
      expect(session.memories.map((memory) => memory.content)).toEqual(['I live in Oslo.', 'Noted.']);

      const jobId = first.extraction.job_id!;
      let job = await agent.jobs.get(jobId);
      for (const deadline = Date.now() + 20_000; job.status !== 'succeeded' && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        job = await agent.jobs.get(jobId);
      }
      expect(job).toMatchObject({ status: 'succeeded', decisions: [{ action: 'add', key: 'user.location' }] });
      const again = await agent.jobs.extract({ namespace: 'chat', message_ids: [first.messages[0].id] });
      expect(again).toMatchObject({ type: 'extraction', status: 'queued' });
      expect(await rejection(agent.jobs.get('00000000-0000-4000-8000-000000000000'))).toMatchObject({
        code: 'job_not_found',
        status: 404,
      });
    });

    it('an unknown namespace is 404 namespace_not_found unless create_namespace is set', async () => {
      const missing = await rejection(agent.remember('nowhere', 'text'));
      expect(missing).toMatchObject({ code: 'namespace_not_found', status: 404, details: { namespace: 'nowhere' } });
      expect(await agent.remember('somewhere', 'text', { create_namespace: true })).toMatchObject({
        namespace: 'somewhere',
      });
    });
  });

  describe('pins', () => {
    it('set (create, then replace with the same id), get, list, iterate, delete, cleanup', async () => {
      const created = await agent.pins.set('config:rate_limits', { rpm: 600 }, { ttl_seconds: 3600 });
      const replaced = await agent.pins.set('config:rate_limits', { rpm: 900 });
      expect(replaced).toMatchObject({ id: created.id, value: { rpm: 900 }, expires_at: null });
      expect(await agent.pins.get('config:rate_limits')).toMatchObject({ value: { rpm: 900 } });
      await agent.pins.set('config/nested/key', ['a', 1, null, true]);
      expect((await agent.pins.get('config/nested/key')).value).toEqual(['a', 1, null, true]);
      for (const n of [1, 2, 3]) {
        await agent.pins.set(`page:${n}`, n);
      }
      const page = await agent.pins.list({ prefix: 'page:', limit: 2 });
      expect(page).toMatchObject({ total: 3, has_more: true });
      const pins: Pin[] = await collect(agent.pins.iterate({ prefix: 'page:', limit: 2 }));
      expect(pins.map((pin) => pin.key)).toEqual(['page:1', 'page:2', 'page:3']);

      await owner.pins.delete('page:1');
      const gone = await rejection(agent.pins.get('page:1'));
      expect(gone).toBeInstanceOf(NotFoundError);
      expect(gone).toMatchObject({ code: 'pin_not_found', status: 404 });
      expect(await owner.pins.cleanup({ dry_run: true })).toMatchObject({ dry_run: true });
    });

    it('an operator acts for a tenant with withTenant', async () => {
      await owner.pins.set('set:by-operator', 'yes');
      expect((await agent.pins.get('set:by-operator')).value).toBe('yes');
      const elsewhere = await rejection(admin.pins.get('set:by-operator'));
      expect(elsewhere).toMatchObject({ code: 'pin_not_found' });
    });
  });

  describe('errors', () => {
    it('400: a ValidationError with the field in its code and details', async () => {
      const error = await rejection(agent.remember('notes', 'x', { importance: 2 }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'invalid_importance', status: 400, details: { path: ['importance'] } });
      expect(error.message).toContain('invalid_importance');
    });

    it('401: an AuthError, missing or unknown credentials', async () => {
      const anonymous = await rejection(new EngramClient({ baseUrl }).pins.list());
      expect(anonymous).toBeInstanceOf(AuthError);
      expect(anonymous).toMatchObject({ code: 'missing_credentials', status: 401 });
      const unknown = await rejection(new EngramClient({ baseUrl, apiKey: `eng_${'0'.repeat(64)}` }).pins.list());
      expect(unknown).toMatchObject({ code: 'unknown_credentials', status: 401 });
      const bearer = await rejection(new EngramClient({ baseUrl, token: 'not-the-admin-token' }).pins.list());
      expect(bearer).toBeInstanceOf(AuthError);
    });

    it('403: a ForbiddenError, e.g. a machine key on the admin API or another tenant', async () => {
      const forbidden = await rejection(agent.tenants.list());
      expect(forbidden).toBeInstanceOf(ForbiddenError);
      expect(forbidden).toMatchObject({ code: 'forbidden', status: 403 });
      const mismatch = await rejection(agent.withTenant('global').pins.list());
      expect(mismatch).toMatchObject({ code: 'tenant_mismatch', status: 403 });
    });

    it('429 from the rate limiter: a RateLimitedError with Retry-After, not waited for past maxDelayMs', async () => {
      const id = uniqueTenant('rl');
      await admin.tenants.create({ id, name: 'Limited', quotas: { requests_per_minute: 2 } });
      const { key } = await admin.apiKeys.create(id, { name: 'limited', role: 'machine' });
      let sent = 0;
      const limited = new EngramClient({
        baseUrl,
        apiKey: key,
        retry: { retries: 3, maxDelayMs: 500 },
        fetch: (input, init) => {
          sent += 1;
          return fetch(input, init);
        },
      });
      await limited.pins.list();
      await limited.pins.list();
      const started = Date.now();
      const error = await rejection(limited.pins.list());
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(error.retryAfterMs).toBeGreaterThan(500);
      expect(sent).toBe(3);
      // Not waited for: the Retry-After of a 2-per-minute limit is seconds away.
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('an unreachable server: a NetworkError (status 0) after the retries', async () => {
      const port = await freePort();
      let sent = 0;
      const nowhere = new EngramClient({
        baseUrl: `http://127.0.0.1:${port}`,
        retry: { retries: 2, minDelayMs: 10 },
        fetch: (input, init) => {
          sent += 1;
          return fetch(input, init);
        },
      });
      const error = await rejection(nowhere.pins.get('x'));
      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ code: 'network_error', status: 0 });
      expect(error.message).toContain('ECONNREFUSED');
      expect(sent).toBe(3);
    });
  });
});
