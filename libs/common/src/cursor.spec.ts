import fc from 'fast-check';
import { z } from 'zod';
import { InvalidCursorError, MAX_CURSOR_LENGTH, decodeCursor, encodeCursor } from './cursor';
import { statusForError } from './error-status';

const keyCursor = z.strictObject({ k: z.string().regex(/^[a-z:]{1,16}$/) });
const dateCursor = z.strictObject({
  t: z.codec(z.iso.datetime({ offset: true }), z.date(), {
    decode: (text) => new Date(text),
    encode: (date) => date.toISOString(),
  }),
  i: z.uuid(),
});
const ID = '3f2b8c1e-7a4d-4e5f-9a0b-1c2d3e4f5a6b';

/** A cursor spelled the way every list route wrote them before the shared codec. */
const legacy = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rejects(raw: string, schema: z.ZodType<unknown, Record<string, unknown>> = keyCursor): InvalidCursorError {
  try {
    decodeCursor(raw, schema);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCursorError);
    return error as InvalidCursorError;
  }
  throw new Error(`decoded ${raw}`);
}

describe('cursor codec', () => {
  it('round-trips a value, through a codec where the schema has one', () => {
    expect(decodeCursor(encodeCursor({ k: 'cfg:a' }, keyCursor), keyCursor)).toEqual({ k: 'cfg:a' });
    const ts = new Date('2024-05-06T07:08:09.123Z');
    const raw = encodeCursor({ t: ts, i: ID }, dateCursor);
    expect(JSON.parse(Buffer.from(raw, 'base64url').toString())).toEqual({ t: ts.toISOString(), i: ID });
    expect(decodeCursor(raw, dateCursor)).toEqual({ t: ts, i: ID });
  });

  it('reads cursors in the format the list routes have always written', () => {
    expect(decodeCursor(legacy({ k: 'cfg:a' }), keyCursor)).toEqual({ k: 'cfg:a' });
    expect(encodeCursor({ k: 'cfg:a' }, keyCursor)).toBe(legacy({ k: 'cfg:a' }));
    expect(decodeCursor(legacy({ t: '2024-05-06T07:08:09.123Z', i: ID }), dateCursor).i).toBe(ID);
  });

  it('maps to invalid_cursor, a 400', () => {
    const error = rejects('%%%');
    expect(error.code).toBe('invalid_cursor');
    expect(error.message).toBe('cursor is not one this API returned');
    expect(statusForError(error)).toBe(400);
  });

  it.each([
    ['empty', ''],
    ['not base64url', '%%%'],
    ['standard base64 characters', legacy({ k: 'a' }).replace(/-/g, '+') + '/'],
    ['padded', `${legacy({ k: 'ab' })}==`],
    // The last character carries 4 unused bits: 'R' decodes to the same bytes as the canonical 'Q'.
    ['a non-canonical final character', `${legacy({ k: 'ab' }).slice(0, -1)}R`],
    ['truncated JSON', legacy({ k: 'abc' }).slice(0, 8)],
    ['not JSON', Buffer.from('not-a-cursor').toString('base64url')],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString('base64url')],
    ['JSON null', legacy(null)],
    ['a JSON array', legacy(['cfg:a'])],
    ['a JSON string', legacy('cfg:a')],
    ['a JSON number', legacy(7)],
    ['a missing part', legacy({})],
    ['a part of the wrong type', legacy({ k: 7 })],
    ['a part its schema refuses', legacy({ k: "'; drop table pins; --" })],
    ['a NUL in a part', legacy({ k: 'a\u0000' })],
    ['an extra key', legacy({ k: 'cfg:a', tenant_id: 'other' })],
    ['a __proto__ key', Buffer.from('{"k":"cfg:a","__proto__":{"polluted":true}}').toString('base64url')],
    ['too long', 'A'.repeat(MAX_CURSOR_LENGTH + 4)],
  ])('refuses a cursor that is %s', (_name, raw) => {
    rejects(raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses tampered dates and ids', () => {
    rejects(legacy({ t: 'yesterday', i: ID }), dateCursor);
    rejects(legacy({ t: '2024-05-06T07:08:09Z', i: 'not-a-uuid' }), dateCursor);
    rejects(legacy({ t: 1714979289000, i: ID }), dateCursor);
  });

  it('never hands out a cursor its own decoder would refuse', () => {
    expect(() => encodeCursor({ k: 'NOT VALID' }, keyCursor)).toThrow();
    expect(() => encodeCursor({ t: new Date(Number.NaN), i: ID }, dateCursor)).toThrow();
  });

  it('answers any string with a valid position or invalid_cursor, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.base64String().map((text) => text.replace(/=+$/, '')),
          fc.jsonValue().map(legacy),
          fc.record({ k: fc.string() }).map(legacy),
        ),
        (raw) => {
          try {
            expect(keyCursor.safeParse(decodeCursor(raw, keyCursor)).success).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidCursorError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
