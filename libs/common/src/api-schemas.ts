import { z } from 'zod';

/**
 * The named schemas of the API's responses: each becomes `#/components/schemas/<name>` in the
 * OpenAPI document, and the same zod schema types what the services return, so the document,
 * the types and the responses have one source.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

/** Registers a response schema under its component name and returns it unchanged. */
const names = new Set<string>();

export function isApiSchemaName(name: string): boolean {
  return names.has(name);
}

export function apiSchema<S extends z.ZodType>(name: string, schema: S, description?: string): S {
  names.add(name);
  apiSchemas.add(schema, description === undefined ? { id: name } : { id: name, description });
  return schema;
}

/** The component name of a registered schema (a typo in a decorator fails at boot, not in a client). */
export function apiSchemaName(schema: z.ZodType): string {
  const name = apiSchemas.get(schema)?.id;
  if (name === undefined) {
    throw new Error('a response schema must be registered with apiSchema(name, schema)');
  }
  return name;
}

export function schemaRef(schema: z.ZodType): { $ref: string } {
  return { $ref: `#/components/schemas/${apiSchemaName(schema)}` };
}

/** A timestamp the API writes: ISO 8601 in UTC, e.g. 2026-01-31T12:00:00.000Z. */
export const timestampSchema = () => z.iso.datetime();

/** What every cursor-paged list answers with next to its items. */
export const cursorPageFields = {
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe('pass it back as `cursor` for the next page; null on the last'),
};

/** Any JSON value (a pin's value, a memory's metadata entries). */
export const jsonValueSchema = apiSchema('JsonValue', z.json(), 'any JSON value');
export type JsonValue = z.infer<typeof jsonValueSchema>;

export const errorBodySchema = apiSchema(
  'Error',
  z.object({
    error: z.object({
      code: z.string().describe('stable, for clients to match; docs/errors.md lists them'),
      message: z.string().describe('for humans; may change'),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
    request_id: z.string(),
  }),
  'Every error: a stable code, a message, optional details, and the request id',
);
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** `components.schemas` of the OpenAPI document: every registered schema, nested ones by reference. */
export function apiSchemaComponents(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: 'openapi-3.0',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Record<string, unknown>> };
  const components: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(schemas).sort()) {
    // OpenAPI 3.0 schema objects have no $id.
    const { $id: _id, ...schema } = schemas[name];
    components[name] = schema;
  }
  return components;
}
