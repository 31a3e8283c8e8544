import { PassThrough } from 'node:stream';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { newNamespace, newTenant, ownerQuery } from '@engram/test-support/fixtures';
import { exportTenant } from './tenant-export';
import { importTenant } from './tenant-import';

const MEMORIES = '/api/v1/memories';

/** Supersede state, links and versions through export → import (docs/memories.md). */
describe('export and import of superseded memories (postgres)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  async function exported(tenantId: string): Promise<string> {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await exportTenant(
      t.db,
      { tenantId, namespaces: null, pins: false, vectors: false, engramVersion: 'test', batchSize: 1 },
      out,
    );
    out.end();
    return Buffer.concat(chunks).toString('utf8');
  }

  async function imported(tenantId: string, file: string) {
    return importTenant(
      t.db,
      {
        tenantId,
        createTenant: false,
        // One record per batch: a link names a memory of another batch.
        batchSize: 1,
        embedder: { inline: () => null, queue: async () => undefined },
      },
      PassThrough.from([file]),
    );
  }

  it('keeps state and links, in any batch order; a re-run changes nothing; hard delete leaves no trace', async () => {
    const source = await newTenant(t);
    const copy = await newTenant(t);
    await newNamespace(t, source, 'facts');
    const a = (await t.request('POST', MEMORIES, { tenant_id: source, namespace: 'facts', content: 'v1 of the plan' }))
      .body;
    const b = (
      await t.request('POST', `${MEMORIES}/${a.id}/supersede`, { tenant_id: source, content: 'v2 of the plan' })
    ).body.memory;
    const c = (
      await t.request('POST', `${MEMORIES}/${b.id}/supersede`, { tenant_id: source, content: 'v3 of the plan' })
    ).body.memory;
    const file = await exported(source);

    const first = await imported(copy, file);
    expect(first.inserted.memory).toBe(3);
    // Before any read: a search's access counts would differ from the file's.
    const versionsBefore = await ownerQuery(t, 'SELECT * FROM memory_versions WHERE tenant_id = $1 ORDER BY 2, 3', [
      copy,
    ]);
    const again = await imported(copy, file);
    expect(again.inserted.memory + again.updated.memory).toBe(0);
    expect(await ownerQuery(t, 'SELECT * FROM memory_versions WHERE tenant_id = $1 ORDER BY 2, 3', [copy])).toEqual(
      versionsBefore,
    );

    const read = async (id: string) => (await t.request('GET', `${MEMORIES}/${id}?tenant_id=${copy}`)).body;
    expect(await read(a.id)).toMatchObject({ state: 'superseded', superseded_by: b.id, supersedes: null });
    expect(await read(b.id)).toMatchObject({ state: 'superseded', superseded_by: c.id, supersedes: a.id });
    expect(await read(c.id)).toMatchObject({ state: 'active', superseded_by: null, supersedes: b.id });
    const search = await t.request('POST', `${MEMORIES}/search`, {
      tenant_id: copy,
      namespace: 'facts',
      query: 'plan',
    });
    expect(search.body.results.map((r: { memory: { id: string } }) => r.memory.id)).toEqual([c.id]);
    // The history comes along, version for version.
    const history = async (tenant: string, id: string) =>
      (await t.request('GET', `${MEMORIES}/${id}?tenant_id=${tenant}`.replace(id, `${id}/history`))).body;
    for (const id of [a.id, b.id, c.id]) {
      expect((await history(copy, id)).versions).toEqual((await history(source, id)).versions);
    }
    expect((await history(copy, a.id)).versions.map((v: { change: string }) => v.change)).toEqual([
      'create',
      'superseded',
    ]);
    // Just before c superseded b (the API's timestamps have milliseconds, the database's microseconds).
    const asOf = (await history(source, b.id)).versions[1].at as string;
    const then = await t.request('GET', `${MEMORIES}?tenant_id=${copy}&namespace=facts&as_of=${asOf}`);
    expect(then.body.memories.map((m: { id: string; state: string }) => [m.id, m.state])).toEqual([[b.id, 'active']]);

    // A file from before versions: the history starts at the import, valid from updated_at.
    const legacy = file
      .split('\n')
      .map((line) => {
        const record = (line ? JSON.parse(line) : {}) as Record<string, unknown>;
        if (record.kind !== 'memory') {
          return line;
        }
        delete record.versions;
        return JSON.stringify(record);
      })
      .join('\n');
    const third = await newTenant(t);
    await imported(third, legacy);
    const started = (await history(third, a.id)).versions;
    expect(started).toEqual([
      expect.objectContaining({ version: 1, change: 'import', reason: 'import', state: 'superseded' }),
    ]);
    expect(started[0].at).toBe((await t.request('GET', `${MEMORIES}/${a.id}?tenant_id=${third}`)).body.updated_at);

    expect((await t.request('DELETE', `${MEMORIES}/${a.id}?tenant_id=${copy}`)).status).toBe(204);
    expect(await read(b.id)).toMatchObject({ supersedes: null });
    expect((await t.request('GET', `${MEMORIES}/${a.id}/history?tenant_id=${copy}`)).status).toBe(404);
    const after = await exported(copy);
    expect(after).not.toContain(a.id);
    expect(after).not.toContain('v1 of the plan');
    expect(
      await ownerQuery(t, 'SELECT 1 FROM memory_versions WHERE tenant_id = $1 AND memory_id = $2', [copy, a.id]),
    ).toEqual([]);
  });
});
