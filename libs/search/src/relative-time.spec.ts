import { parseRelativeTime } from './relative-time';

// Tuesday 8 December 2026, 15:30 UTC.
const NOW = new Date('2026-12-08T15:30:00Z');
const window = (query: string) => {
  const found = parseRelativeTime(query, NOW);
  return found && { phrase: found.phrase, after: found.after.toISOString(), before: found.before.toISOString() };
};

describe('parseRelativeTime', () => {
  it.each([
    ['what did I say yesterday', 'yesterday', '2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z'],
    ['the day before yesterday', 'day before yesterday', '2026-12-06T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['notes from today', 'today', '2026-12-08T00:00:00.000Z', '2026-12-09T00:00:00.000Z'],
    ['meeting last week', 'last week', '2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ['this week so far', 'this week', '2026-12-07T00:00:00.000Z', '2026-12-09T00:00:00.000Z'],
    ['invoices last month', 'last month', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['trip in May', 'in may', '2026-05-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'],
    ['the launch during march 2025', 'during march 2025', '2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z'],
    ['3 days ago', '3 days ago', '2026-12-05T00:00:00.000Z', '2026-12-06T00:00:00.000Z'],
    ['two weeks ago', 'two weeks ago', '2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
    ['in the past 10 days', 'past 10 days', '2026-11-28T00:00:00.000Z', '2026-12-09T00:00:00.000Z'],
    ['what happened last friday', 'last friday', '2026-12-04T00:00:00.000Z', '2026-12-05T00:00:00.000Z'],
    ['on tuesday', 'on tuesday', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'],
    ['last year', 'last year', '2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
  ])('%s', (query, phrase, after, before) => {
    expect(window(query)).toEqual({ phrase, after, before });
  });

  it('takes a later month of the name as last year', () => {
    expect(window('the offsite in December')?.after).toBe('2026-12-01T00:00:00.000Z');
    expect(window('the offsite in dec')?.after).toBe('2026-12-01T00:00:00.000Z');
    expect(window('what we planned in june')?.after).toBe('2026-06-01T00:00:00.000Z');
    expect(parseRelativeTime('in June', new Date('2026-03-01T00:00:00Z'))?.after.toISOString()).toBe(
      '2025-06-01T00:00:00.000Z',
    );
  });

  it('finds nothing where there is no phrase, and the first phrase where there are several', () => {
    expect(window('what is the capital of France')).toBeNull();
    expect(window('you may go')).toBeNull();
    expect(window('weekly report')).toBeNull();
    expect(window('yesterday, not last week')?.phrase).toBe('yesterday');
    expect(window('last week, not yesterday')?.phrase).toBe('last week');
  });
});
