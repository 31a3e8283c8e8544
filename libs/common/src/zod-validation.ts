import { z } from 'zod';
import { ValidationError } from './app-error';

/**
 * Turns the first zod issue into a stable error code naming the field, e.g.
 * `invalid_ttl_seconds`, and lists every issue in `details` for humans.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || where,
    message: issue.message,
  }));
  const first = issues[0];
  const fieldCode = first.field.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_|_$/g, '');
  const firstPath = result.error.issues[0].path;
  const missing = firstPath.length > 0 && valueAt(input, firstPath) === undefined;
  return throwValidation(
    `${missing ? 'missing' : 'invalid'}_${fieldCode || where}`,
    // zod says "Invalid input" for an absent z.json() field: name what is missing instead.
    missing ? `${first.field} is required` : `${first.field}: ${first.message}`,
    issues,
  );
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

function throwValidation(code: string, message: string, issues: unknown[]): never {
  throw new ValidationError(code, message, { issues });
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
