import { z } from 'zod';
import { ValidationError } from './app-error';

/**
 * Turns the first zod issue into a stable error code naming the field by its schema path, e.g.
 * `invalid_memories_type`: array indices are left out so a client can match the code, and
 * `details.path` gives the exact location (`["memories", 1, "type"]`). Every issue is listed in
 * `details.issues` for humans.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || where,
    path: issue.path.map(jsonPathSegment),
    message: issue.message,
  }));
  const first = issues[0];
  const firstPath = result.error.issues[0].path;
  const fieldCode = firstPath
    .filter((segment) => typeof segment === 'string')
    .join('_')
    .replace(/[^a-zA-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  const missing = firstPath.length > 0 && valueAt(input, firstPath) === undefined;
  return throwValidation(
    `${missing ? 'missing' : 'invalid'}_${fieldCode || where}`,
    // zod says "Invalid input" for an absent z.json() field: name what is missing instead.
    missing ? `${first.field} is required` : `${first.field}: ${first.message}`,
    first.path,
    issues,
  );
}

/** Array indices stay numbers in `details.path`; symbols (never produced by our schemas) become strings. */
function jsonPathSegment(segment: PropertyKey): string | number {
  return typeof segment === 'number' ? segment : String(segment);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') {
      return undefined;
    }
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function throwValidation(code: string, message: string, path: (string | number)[], issues: unknown[]): never {
  throw new ValidationError(code, message, { path, issues });
}

/** JSON Schema for OpenAPI, generated from the same zod schema that validates. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}
