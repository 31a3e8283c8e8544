import { TestApp, startTestApp } from '@engram/test-support/app';
import { newNamespace, newTenant } from '@engram/test-support/fixtures';
import { parseRelativeTime } from './relative-time';

/**
 * Does reading relative time help? A synthetic set, through the real search path: 12 topics,
 * each mentioned at five moments (yesterday, 3 days ago, a day of last week, the 15th two months
 * ago, 200 days ago) in near-identical words, and one query per topic and phrase naming the
 * moment ("… yesterday", "… 3 days ago", "… last week", "… in <month>"). A query's answer is the
 * memory of that moment. Measured: hit@1 and MRR@10, relative_time off and on (docs/conversations.md).
 */
const TOPICS = [
  'budget',
  'hiring plan',
  'database migration',
  'marketing site',
  'customer churn',
  'security audit',
  'office move',
  'quarterly goals',
  'mobile release',
  'pricing change',
  'support backlog',
  'vendor contract',
];
const DAY = 86_400_000;

function moments(now: Date): Record<string, Date> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY;
  const twoMonths = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 15, 12));
  return {
    yesterday: new Date(today - DAY + 12 * 3_600_000),
    '3 days ago': new Date(today - 3 * DAY + 9 * 3_600_000),
    'last week': new Date(monday - 4 * DAY + 15 * 3_600_000),
    [`in ${twoMonths.toLocaleString('en', { month: 'long', timeZone: 'UTC' })}`]: twoMonths,
    old: new Date(today - 200 * DAY),
  };
}

describe('relative time in search queries (postgres)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres', queue: 'inline' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('helps: the named moment ranks first far more often with relative_time on', async () => {
    const tenant = await newTenant(t);
    await newNamespace(t, tenant, 'diary');
    const now = new Date();
    const at = moments(now);
    const memories = TOPICS.flatMap((topic) =>
      Object.entries(at).map(([moment, date], i) => ({
        content: `Team sync on the ${topic}: we went over the ${topic} again (note ${i + 1})`,
        occurred_at: date.toISOString(),
        metadata: { topic, moment },
      })),
    );
    const stored = await t.request('POST', '/api/v1/memories/batch', {
      tenant_id: tenant,
      namespace: 'diary',
      memories,
    });
    expect(stored.status).toBe(201);
    const target = new Map<string, string>(
      stored.body.memories.map((m: { id: string; metadata: { topic: string; moment: string } }) => [
        `${m.metadata.topic}|${m.metadata.moment}`,
        m.id,
      ]),
    );

    const score = { off: { hits: 0, rr: 0 }, on: { hits: 0, rr: 0 } };
    let queries = 0;
    for (const topic of TOPICS) {
      for (const moment of Object.keys(at).filter((m) => m !== 'old')) {
        const query = `what did we say about the ${topic} ${moment}`;
        expect(parseRelativeTime(query, now)).not.toBeNull();
        const wanted = target.get(`${topic}|${moment}`);
        queries++;
        for (const mode of ['off', 'on'] as const) {
          const response = await t.request('POST', '/api/v1/memories/search', {
            tenant_id: tenant,
            namespace: 'diary',
            query,
            k: 10,
            relative_time: mode === 'on',
          });
          const rank = response.body.results.findIndex((r: { memory: { id: string } }) => r.memory.id === wanted);
          if (rank === 0) {
            score[mode].hits++;
          }
          score[mode].rr += rank < 0 ? 0 : 1 / (rank + 1);
        }
      }
    }
    const report = (mode: 'off' | 'on') => ({
      hit_at_1: Number((score[mode].hits / queries).toFixed(3)),
      mrr_at_10: Number((score[mode].rr / queries).toFixed(3)),
    });
    // The numbers docs/conversations.md quotes.
    process.stdout.write(
      `relative time, ${queries} queries: off ${JSON.stringify(report('off'))}, on ${JSON.stringify(report('on'))}\n`,
    );
    expect(report('on').hit_at_1).toBeGreaterThan(report('off').hit_at_1 + 0.3);
    expect(report('on').mrr_at_10).toBeGreaterThan(report('off').mrr_at_10);
  });
});
