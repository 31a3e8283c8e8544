import { z } from 'zod';
import { decodeCursor, encodeCursor, isoDateTime } from '@engram/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The (ts, id) position of the last row of a page, `ts` as an ISO string on the wire. */
const auditCursorSchema = z.strictObject({
  t: z.codec(isoDateTime(), z.date(), {
    decode: (text) => new Date(text),
    encode: (date) => date.toISOString(),
  }),
  i: z.string().regex(UUID),
});

export function encodeAuditCursor(ts: Date, id: string): string {
  return encodeCursor({ t: ts, i: id }, auditCursorSchema);
}

export function decodeAuditCursor(cursor: string): { ts: Date; id: string } {
  const { t, i } = decodeCursor(cursor, auditCursorSchema);
  return { ts: t, id: i };
}
