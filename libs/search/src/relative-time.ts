/**
 * Relative time in a search query ("yesterday", "last week", "in May", "3 days ago") turned into
 * a window of occurred_at. Small, deterministic, no dependency: English phrases only, days in
 * UTC, weeks starting on Monday. The first phrase found wins; a query without one gives null.
 */

export interface TimeWindow {
  /** Inclusive start. */
  after: Date;
  /** Exclusive end. */
  before: Date;
  /** The phrase as found in the query. */
  phrase: string;
}

const DAY_MS = 86_400_000;
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

function startOfWeek(date: Date): Date {
  const day = startOfDay(date);
  return addDays(day, -((day.getUTCDay() + 6) % 7));
}

function monthWindow(year: number, month: number): { after: Date; before: Date } {
  return { after: new Date(Date.UTC(year, month, 1)), before: new Date(Date.UTC(year, month + 1, 1)) };
}

function count(word: string): number | null {
  if (/^\d{1,3}$/.test(word)) {
    return Number(word);
  }
  return NUMBER_WORDS[word] ?? null;
}

type Rule = { pattern: RegExp; window: (match: RegExpExecArray, now: Date) => { after: Date; before: Date } | null };

const UNIT = '(day|week|month|year)s?';
const NUM = '(\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten)';
const MONTH = `(${MONTHS.join('|')}|${MONTHS.map((m) => m.slice(0, 3)).join('|')})`;

function unitWindow(unit: string, n: number, now: Date, ago: boolean): { after: Date; before: Date } {
  const today = startOfDay(now);
  const tomorrow = addDays(today, 1);
  switch (unit) {
    case 'day':
      return ago
        ? { after: addDays(today, -n), before: addDays(today, -n + 1) }
        : { after: addDays(today, -n), before: tomorrow };
    case 'week':
      return ago
        ? { after: addDays(startOfWeek(now), -7 * n), before: addDays(startOfWeek(now), -7 * n + 7) }
        : { after: addDays(today, -7 * n), before: tomorrow };
    case 'month': {
      const y = now.getUTCFullYear();
      const m = now.getUTCMonth();
      return ago ? monthWindow(y, m - n) : { after: new Date(Date.UTC(y, m - n, now.getUTCDate())), before: tomorrow };
    }
    default: {
      const y = now.getUTCFullYear();
      return ago
        ? { after: new Date(Date.UTC(y - n, 0, 1)), before: new Date(Date.UTC(y - n + 1, 0, 1)) }
        : { after: new Date(Date.UTC(y - n, now.getUTCMonth(), now.getUTCDate())), before: tomorrow };
    }
  }
}

const RULES: Rule[] = [
  {
    pattern: /\bday before yesterday\b/,
    window: (_m, now) => ({ after: addDays(startOfDay(now), -2), before: addDays(startOfDay(now), -1) }),
  },
  { pattern: /\byesterday\b/, window: (_m, now) => ({ after: addDays(startOfDay(now), -1), before: startOfDay(now) }) },
  {
    pattern: /\b(today|this morning|this afternoon|this evening|tonight)\b/,
    window: (_m, now) => ({ after: startOfDay(now), before: addDays(startOfDay(now), 1) }),
  },
  {
    pattern: new RegExp(`\\b${NUM} ${UNIT} ago\\b`),
    window: (m, now) => {
      const n = count(m[1]);
      return n === null ? null : unitWindow(m[2], n, now, true);
    },
  },
  {
    pattern: new RegExp(`\\b(?:last|past|previous) ${NUM} ${UNIT}\\b`),
    window: (m, now) => {
      const n = count(m[1]);
      return n === null ? null : unitWindow(m[2], n, now, false);
    },
  },
  {
    pattern: /\b(?:last|previous) (week|month|year)\b/,
    window: (m, now) => unitWindow(m[1], 1, now, true),
  },
  {
    pattern: /\bthis (week|month|year)\b/,
    window: (m, now) => {
      const tomorrow = addDays(startOfDay(now), 1);
      if (m[1] === 'week') {
        return { after: startOfWeek(now), before: tomorrow };
      }
      if (m[1] === 'month') {
        return { after: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), before: tomorrow };
      }
      return { after: new Date(Date.UTC(now.getUTCFullYear(), 0, 1)), before: tomorrow };
    },
  },
  {
    // "last friday", "on monday": the most recent such day before today.
    pattern: new RegExp(`\\b(?:last|on) (${WEEKDAYS.join('|')})\\b`),
    window: (m, now) => {
      const today = startOfDay(now);
      const back = (today.getUTCDay() - WEEKDAYS.indexOf(m[1]) + 7) % 7 || 7;
      return { after: addDays(today, -back), before: addDays(today, -back + 1) };
    },
  },
  {
    // "in May", "during march 2025", "last june": the latest such month not after now.
    pattern: new RegExp(`\\b(?:in|during|last|since) ${MONTH}(?: (\\d{4}))?\\b`),
    window: (m, now) => {
      const month = MONTHS.findIndex((name) => name === m[1] || name.slice(0, 3) === m[1]);
      const year =
        m[2] !== undefined
          ? Number(m[2])
          : month <= now.getUTCMonth()
            ? now.getUTCFullYear()
            : now.getUTCFullYear() - 1;
      if (m[0].startsWith('since')) {
        return { after: new Date(Date.UTC(year, month, 1)), before: addDays(startOfDay(now), 1) };
      }
      return monthWindow(year, month);
    },
  },
];

/** The time window a query's first relative-time phrase names, relative to `now`; null if none. */
export function parseRelativeTime(query: string, now: Date = new Date()): TimeWindow | null {
  const text = query.toLowerCase().replace(/\s+/g, ' ');
  let best: { index: number; window: TimeWindow } | null = null;
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (!match || (best !== null && match.index >= best.index)) {
      continue;
    }
    const window = rule.window(match, now);
    if (window) {
      best = { index: match.index, window: { ...window, phrase: match[0] } };
    }
  }
  return best?.window ?? null;
}
