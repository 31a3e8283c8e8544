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

/** The text of src/openapi.ts for the committed document. */
export async function generateTypes(documentPath = OPENAPI_DOCUMENT): Promise<string> {
  const document = JSON.parse(readFileSync(documentPath, 'utf8')) as object;
  const ast = await openapiTS(document as never, {
    alphabetize: true,
    transform: (_schema, options) =>
      options.path === '#/components/schemas/JsonValue' ? ts.factory.createTypeReferenceNode('JsonValue') : undefined,
  });
  return HEADER + astToString(ast);
}
