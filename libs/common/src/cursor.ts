import { z } from 'zod';
import { AppError } from './app-error';

/**
 * The one list-cursor codec: a JSON object, base64url without padding. A cursor holds only the
 * position of the last row of a page; the tenant always comes from the request, never from a
 * cursor, so a cursor copied across tenants names nothing the caller cannot already see.
 *
 * Each list route declares its cursor as a strict zod object (short keys: `{ k }`, `{ i }`,
 * `{ c, i }`, `{ t, i }`). Whatever its parts feed (a SQL cast, a comparison) the schema must
 * refuse what Postgres would refuse, so a tampered cursor is a 400, never a 500.
 */
export class InvalidCursorError extends AppError {
  readonly code = 'invalid_cursor';

  constructor(message = 'cursor is not one this API returned') {
    super(message);
  }
}

/** Longer than any cursor this API writes; decoding stops before parsing anything bigger. */
export const MAX_CURSOR_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export type CursorSchema = z.ZodType<unknown, Record<string, unknown>>;

/**
 * Encodes `value` through `schema` (so a codec such as Date → ISO string runs), refusing a
 * value its own decoder would reject: a page must never hand out a cursor the next page refuses.
 */
export function encodeCursor<S extends CursorSchema>(value: z.output<S>, schema: S): string {
  const wire = z.encode(schema, value);
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
}

/** The position a cursor names, or InvalidCursorError for anything this API did not write. */
export function decodeCursor<S extends CursorSchema>(raw: string, schema: S): z.output<S> {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw)) {
    throw new InvalidCursorError();
  }
  const bytes = Buffer.from(raw, 'base64url');
  // Buffer skips what it cannot decode; only the canonical spelling of the bytes is ours.
  if (bytes.toString('base64url') !== raw) {
    throw new InvalidCursorError();
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidCursorError();
  }
  return parsed.data;
}
