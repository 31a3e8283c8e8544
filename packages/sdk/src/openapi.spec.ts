import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_FILE, generateTypes } from '../codegen/generate';

/**
 * src/openapi.ts is what openapi-typescript makes of the committed openapi.json (itself checked
 * against the running code by apps/api/src/api.http.spec.ts). UPDATE_SDK_TYPES=1 rewrites it.
 */
describe('the SDK types generated from openapi.json', () => {
  it('are up to date', async () => {
    const generated = await generateTypes();
    if (process.env.UPDATE_SDK_TYPES === '1') {
      writeFileSync(GENERATED_FILE, generated);
    }
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(generated);
  });

  it('type every operation of the document', async () => {
    const document = JSON.parse(readFileSync(require.resolve('../../../openapi.json'), 'utf8'));
    const generated = readFileSync(GENERATED_FILE, 'utf8');
    const operationIds = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>)
      .flatMap((operations) => Object.values(operations))
      .map((operation) => operation.operationId);
    expect(operationIds.length).toBeGreaterThan(30);
    expect(operationIds.filter((id) => !generated.includes(`    ${id}: {`))).toEqual([]);
  });
});
