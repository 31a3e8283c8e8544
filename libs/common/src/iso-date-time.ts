import { z } from 'zod';

/**
 * Timestamps a client sends, checked so Postgres accepts every one that passes: zod's ISO 8601
 * check allows year 0000 ("date/time field value out of range" in Postgres) and offsets up to
 * ±23:59 (Postgres stops at ±15:59), so both are refused here. Years run 0001–9999.
 */
const TIMESTAMP_PARTS =
  /^(\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2})(?::?\d{2}(?::?\d{2})?)?)?$/i;

export const MIN_YEAR = 1;
export const MAX_YEAR = 9999;
/** Postgres refuses a UTC offset of 16 hours or more. */
const MAX_OFFSET_HOURS = 15;

/**
 * True when `text` is a calendar timestamp (ISO 8601, or Postgres's own `timestamptz::text`
 * form) that Postgres stores as it reads: a real date in years 0001–9999, a real time, an offset
 * Postgres accepts. For values the API wrote itself (cursors) and for schema refinements.
 */
export function isStorableTimestamp(text: string): boolean {
  const match = TIMESTAMP_PARTS.exec(text);
  if (!match) {
    return false;
  }
  const [, year, month, day, hour, minute, second = '0', , offsetHours = '0'] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1) {
    return false;
  }
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]) {
    return false;
  }
  return Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60 && Number(offsetHours) <= MAX_OFFSET_HOURS;
}

/** An ISO 8601 date-time with an offset (`Z` or `±hh:mm`) that Postgres can store. */
export function isoDateTime() {
  return z.iso
    .datetime({ offset: true })
    .refine(isStorableTimestamp, 'must be a real date-time in years 0001 to 9999 with an offset within ±15:59');
}
