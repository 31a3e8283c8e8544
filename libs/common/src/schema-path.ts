import type { z } from 'zod';

type AnySchema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

/** Wrappers that keep the shape of what they wrap. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/**
 * The schema reached by one step of a value's path, and whether that step is a field the schema
 * names (an object key) rather than data (an array index, a record key, a free-form JSON key).
 */
function step(schema: AnySchema, segment: PropertyKey, seen = 0): { schema: AnySchema; named: boolean } | undefined {
  if (seen > 32) {
    return undefined;
  }
  const def = defOf(schema);
  if (WRAPPERS.has(def.type)) {
    return step(def.innerType as AnySchema, segment, seen + 1);
  }
  switch (def.type) {
    case 'lazy':
      return step((def.getter as () => AnySchema)(), segment, seen + 1);
    case 'pipe':
      return step(def.in as AnySchema, segment, seen + 1) ?? step(def.out as AnySchema, segment, seen + 1);
    case 'union': {
      for (const option of def.options as AnySchema[]) {
        const found = step(option, segment, seen + 1);
        if (found) {
          return found;
        }
      }
      return undefined;
    }
    case 'object': {
      const shape = def.shape as Record<string, AnySchema>;
      return typeof segment === 'string' && Object.hasOwn(shape, segment)
        ? { schema: shape[segment], named: true }
        : undefined;
    }
    case 'array':
      return typeof segment === 'number' ? { schema: def.element as AnySchema, named: false } : undefined;
    case 'record':
      return { schema: def.valueType as AnySchema, named: false };
    default:
      return undefined;
  }
}

/**
 * The field names along `path` that the schema itself declares: array indices, record keys and
 * keys inside free-form JSON are left out, so an error code built from them is the same for
 * every request (`metadata`, never `metadata_<a caller's key>`). Without a schema, every string
 * segment counts.
 */
export function schemaFieldNames(schema: AnySchema | undefined, path: readonly PropertyKey[]): string[] {
  if (schema === undefined) {
    return path.filter((segment): segment is string => typeof segment === 'string');
  }
  const names: string[] = [];
  let current: AnySchema = schema;
  for (const segment of path) {
    const next = step(current, segment);
    if (!next) {
      break;
    }
    if (next.named) {
      names.push(segment as string);
    }
    current = next.schema;
  }
  return names;
}

/** `invalid_filters_types` from `["filters", "types", 1]`: a stable code naming the field. */
export function fieldCode(names: readonly string[]): string {
  return names
    .join('_')
    .replace(/[^a-zA-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
