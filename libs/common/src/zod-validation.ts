import { z } from 'zod';
import { apiSchemas, isApiSchemaName } from './api-schemas';
import { ValidationError } from './app-error';
import { fieldCode, schemaFieldNames } from './schema-path';
import { findUnstorableInput } from './storable-input';

/**
 * Turns the first zod issue into a stable error code naming the field by its schema path, e.g.
 * `invalid_memories_type`: array indices are left out so a client can match the code, and
 * `details.path` gives the exact location (`["memories", 1, "type"]`). Every issue is listed in
 * `details.issues` for humans. Input that cannot be stored (NUL, lone surrogates, absurd nesting)
 * is refused the same way before the schema sees it.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  assertStorableInput(schema, input, where);
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
  const code = fieldCode(schemaFieldNames(schema, firstPath));
  const missing = firstPath.length > 0 && valueAt(input, firstPath) === undefined;
  return throwValidation(
    `${missing ? 'missing' : 'invalid'}_${code || where}`,
    // zod says "Invalid input" for an absent z.json() field: name what is missing instead.
    missing ? `${first.field} is required` : `${first.field}: ${first.message}`,
    first.path,
    issues,
  );
}

/**
 * Refuses what Postgres cannot store or zod cannot walk (see storable-input.ts) with the same
 * shape of error as a schema issue: `invalid_<field>`, `details.path`, `details.reason`.
 */
export function assertStorableInput(schema: z.ZodType | undefined, input: unknown, where: string): void {
  const problem = findUnstorableInput(input);
  if (!problem) {
    return;
  }
  const field = problem.path.map(String).join('.') || where;
  const issue = { field, path: problem.path, message: problem.message };
  throwValidation(
    `invalid_${fieldCode(schemaFieldNames(schema, problem.path)) || where}`,
    `${field}: ${problem.message}`,
    problem.path,
    [issue],
    problem.reason,
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

function throwValidation(
  code: string,
  message: string,
  path: (string | number)[],
  issues: unknown[],
  reason?: string,
): never {
  throw new ValidationError(code, message, { path, issues, ...(reason === undefined ? {} : { reason }) });
}

/**
 * JSON Schema for OpenAPI, generated from the same zod schema that validates. A named schema
 * inside it (JsonValue, which is recursive) becomes a reference to its component: zod would
 * put it under a local `definitions`, which a parameter or body in an OpenAPI document cannot
 * hold.
 */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    io: 'input',
    metadata: apiSchemas,
  }) as Record<string, unknown>;
  delete json.$schema;
  const definitions = (json.definitions ?? {}) as Record<string, unknown>;
  delete json.definitions;
  for (const name of Object.keys(definitions)) {
    if (!isApiSchemaName(name)) {
      throw new Error(`schema ${name} is used by reference: register it with apiSchema(name, schema)`);
    }
  }
  return componentRefs(json) as Record<string, unknown>;
}

function componentRefs(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(componentRefs);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === '$ref' && typeof inner === 'string'
        ? [key, inner.replace(/^#\/definitions\//, '#/components/schemas/')]
        : [key, componentRefs(inner)],
    ),
  );
}
