import { randomBytes } from 'node:crypto';
import { TestApp, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { EngramClient } from '@engram-memory/sdk';
import { STEPS, runAgentLoop } from './ts-agent-loop';

/** The agent loop example against a real server, with a tenant's own machine key, as an agent runs. */
const ADMIN_TOKEN = `admin-token-${randomBytes(12).toString('hex')}`;

describe('examples/ts-agent-loop.ts', () => {
  let t: TestApp;
  let agent: EngramClient;

  beforeAll(async () => {
    t = await startTestApp({ env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN } });
    const baseUrl = await t.listen();
    const admin = new EngramClient({ baseUrl, token: ADMIN_TOKEN });
    const tenant = uniqueTenant('loop');
    await admin.tenants.create({ id: tenant, name: 'Agent loop' });
    const { key } = await admin.apiKeys.create(tenant, { name: 'agent', role: 'machine' });
    agent = new EngramClient({ baseUrl, apiKey: key });
  });
  afterAll(() => t?.close());

  it('finds in each step the context the earlier steps wrote, and a rerun stores nothing twice', async () => {
    const lines: string[] = [];
    const reports = await runAgentLoop(agent, { log: (line) => lines.push(line) });
    expect(reports.map((report) => report.missing)).toEqual(STEPS.map(() => []));
    expect(reports.map((report) => report.found)).toEqual(STEPS.map((step) => step.needs));
    expect(reports.every((report) => report.contextTokens <= 600)).toBe(true);
    expect(lines).toHaveLength(STEPS.length);
    expect(lines[2]).toMatch(/^step 3: Schedule the billing deploy — context \d+ tokens, \d+ blocks$/);

    const stored = await collectIds(agent);
    const again = await runAgentLoop(agent);
    expect(again.flatMap((report) => report.stored)).toEqual(reports.flatMap((report) => report.stored));
    expect(await collectIds(agent)).toEqual(stored);
    expect((await agent.pins.get('agent-loop:progress')).value).toEqual({
      step: STEPS.length,
      of: STEPS.length,
      task: STEPS[STEPS.length - 1].task,
    });
  });

  it('a step whose needs were never written reports them missing', async () => {
    const [report] = await runAgentLoop(agent, {
      namespace: 'agent-loop-empty',
      steps: [{ task: 'Rotate the database password', needs: ['vault path'], learns: [] }],
    });
    expect(report).toMatchObject({ found: [], missing: ['vault path'] });
  });
});

async function collectIds(client: EngramClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const memory of client.memories.iterate({ namespace: 'agent-loop' })) {
    ids.push(memory.id);
  }
  return ids.sort();
}
