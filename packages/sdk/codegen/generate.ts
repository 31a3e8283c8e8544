import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

/**
 * The SDK's types, generated from the committed openapi.json with openapi-typescript into
 * src/openapi.ts. `openapi.spec.ts` regenerates them in memory and fails when the committed file
 * is stale; `UPDATE_SDK_TYPES=1` on that spec rewrites it.
 */
export const OPENAPI_DOCUMENT = join(__dirname, '../../../openapi.json');
export const GENERATED_FILE = join(__dirname, '../src/openapi.ts');

const HEADER = `// Generated from openapi.json by packages/sdk/codegen/generate.ts (openapi-typescript): do not edit.
// Regenerate with UPDATE_SDK_TYPES=1 on packages/sdk/src/openapi.spec.ts.

/** Any JSON value: components.schemas.JsonValue, as a named alias (a recursive member of an interface does not compile). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `value` with every `$ref` that `rename` maps replaced. */
function withRefs(value: Json, rename: (ref: string) => string | undefined): Json {
  if (Array.isArray(value)) {
    return value.map((item) => withRefs(item, rename));
  }
  if (!isObject(value)) {
    return value;
  }
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof item === 'string' ? (rename(item) ?? item) : withRefs(item, rename);
  }
  return out;
}

const canonical = (value: Json): string =>
  JSON.stringify(value, (_key, item: Json) =>
    isObject(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item,
  );

/**
 * Request-body schemas that zod renders with recursion (any JSON value) carry their own nested
 * `definitions` and refer to them as `#/definitions/<name>`, a pointer that resolves against the
 * document's root, where nothing is: a generator cannot follow it. Each such definition is the
 * same as a named component (JsonValue), so its refs are pointed at that component and the
 * nested block dropped. A definition that matches no component stops the generation rather than
 * typing the field as `unknown` without anyone noticing.
 */
export function resolveNestedDefinitions(input: object): Record<string, unknown> {
  const document = input as JsonObject;
  const components = (
    isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {}
  ) as JsonObject;
  const componentFor = (name: string, definition: Json): string => {
    for (const [component, schema] of Object.entries(components)) {
      const target = `#/components/schemas/${component}`;
      const local = withRefs(definition, (ref) => (ref === `#/definitions/${name}` ? target : undefined));
      if (canonical(local) === canonical(schema)) {
        return target;
      }
    }
    throw new Error(`openapi.json: a nested definition ${name} matches no component: ${canonical(definition)}`);
  };
  const visit = (value: Json): Json => {
    if (Array.isArray(value)) {
      return value.map(visit);
    }
    if (!isObject(value)) {
      return value;
    }
    let node = value;
    if (isObject(node.definitions)) {
      const { definitions, ...rest } = node;
      const targets = new Map(
        Object.entries(definitions).map(([name, def]) => [`#/definitions/${name}`, componentFor(name, def)]),
      );
      node = withRefs(rest, (ref) => targets.get(ref)) as JsonObject;
    }
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, visit(item)]));
  };
  return visit(document) as JsonObject;
}

/** The text of src/openapi.ts for the committed document. */
export async function generateTypes(documentPath = OPENAPI_DOCUMENT): Promise<string> {
  const document = resolveNestedDefinitions(JSON.parse(readFileSync(documentPath, 'utf8')) as object);
  const ast = await openapiTS(document as never, {
    alphabetize: true,
    transform: (_schema, options) =>
      options.path === '#/components/schemas/JsonValue' ? ts.factory.createTypeReferenceNode('JsonValue') : undefined,
  });
  return HEADER + astToString(ast);
}
