import { InvalidAuditCursorError } from './rbac.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The position of the last row of a page; the tenant always comes from the request, never the cursor. */
export function encodeAuditCursor(ts: Date, id: string): string {
  return Buffer.from(JSON.stringify({ t: ts.toISOString(), i: id })).toString('base64url');
}

export function decodeAuditCursor(cursor: string): { ts: Date; id: string } {
  try {
    const { t, i } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown };
    const ts = typeof t === 'string' ? new Date(t) : null;
    if (ts && !Number.isNaN(ts.getTime()) && typeof i === 'string' && UUID.test(i)) {
      return { ts, id: i };
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidAuditCursorError('cursor is not one this API returned');
}
