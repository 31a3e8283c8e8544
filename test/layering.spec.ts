import { join } from 'node:path';
import { ESLint } from 'eslint';

/**
 * The layering rules of eslint.layering.mjs, run through the repository's own eslint.config.mjs
 * (so a rule that is written but not switched on, or scoped to the wrong files, fails here) on
 * snippets placed at paths inside the repository. Only the layering rules run: the type-aware
 * ones would need each snippet in the TypeScript project.
 */
const ROOT = join(__dirname, '..');
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId.startsWith('engram/'),
});

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length > 0) {
    throw new Error(`${filePath}: ${fatal.map((message) => message.message).join('; ')}`);
  }
  return result.messages.map((message) => message.ruleId ?? '(none)');
}

describe('layering lint rules', () => {
  it.each([
    ['a lib reaching into another lib', 'libs/pins/src/x.ts', "import { AppError } from '../../common/src/errors';"],
    [
      'a lib reaching into test support',
      'libs/pins/src/x.spec.ts',
      "import { startTestApp } from '../../../test/support/app';",
    ],
    [
      'a lib reaching into an app',
      'libs/pins/src/x.ts',
      "import { createApi } from '../../../apps/api/src/bootstrap';",
    ],
    ['a lib re-exporting another lib', 'libs/pins/src/x.ts', "export * from '../../common/src';"],
    [
      'a lazy import across libs',
      'libs/tenants/src/x.spec.ts',
      "export const load = () => import('../../pins/src/pins.jobs');",
    ],
    ['an app reaching into a lib', 'apps/api/src/x.ts', "import { Database } from '../../../libs/db/src';"],
    ['a top-level test reaching into a lib', 'test/x.spec.ts', "import { Database } from '../libs/db/src/database';"],
    [
      'a fault test reaching into test support',
      'test/faults/x.spec.ts',
      "import { startTestApp } from '../support/app';",
    ],
    ['a bench reaching into migrations', 'bench/pins/x.ts', "import { MIGRATIONS } from '../../migrations';"],
  ])('rejects %s', async (_label, filePath, code) => {
    expect(await violations(filePath, code)).toContain('engram/relative-imports');
  });

  it.each([
    [
      'libs/db importing the migrations by alias',
      'libs/db/src/x.ts',
      "import { MIGRATIONS } from '@engram/migrations';",
    ],
    [
      'libs/db importing the migrations by path',
      'libs/db/src/x.ts',
      "import { MIGRATIONS } from '../../../migrations';",
    ],
    [
      'a migration importing a lib',
      'migrations/0099-x.ts',
      "import { MEMORIES_LEXICAL_SCHEMA } from '@engram/search';",
    ],
    [
      'a migration importing a lib by path',
      'migrations/0099-x.ts',
      "import { x } from '../libs/search/src/lexical/bm25.ddl';",
    ],
    ['a migration importing an app', 'migrations/0099-x.ts', "import { createApi } from '../apps/api/src/bootstrap';"],
    ['a migration spec importing a lib', 'migrations/0099-x.spec.ts', "import { Database } from '@engram/db';"],
    [
      'library code importing test support',
      'libs/pins/src/x.ts',
      "import { newTenant } from '@engram/test-support/fixtures';",
    ],
    ['app code requiring test support', 'apps/api/src/x.ts', "export const env = require('@engram/test-support/env');"],
  ])('rejects %s', async (_label, filePath, code) => {
    expect(await violations(filePath, code)).toContain('engram/layers');
  });

  it.each([
    ['a lib importing its own files', 'libs/pins/src/x.ts', "import { PinsService } from './pins.service';"],
    ['a lib importing another through its alias', 'libs/pins/src/x.ts', "import { AppError } from '@engram/common';"],
    [
      'a spec importing test support through its alias',
      'libs/pins/src/x.spec.ts',
      "import { startTestApp } from '@engram/test-support/app';",
    ],
    ['test support importing its own files', 'test/support/x.ts', "import { databaseUrl } from './env';"],
    ['a migration importing its base class', 'migrations/0099-x.ts', "import { SqlMigration } from './migration';"],
    [
      'a migration spec importing test support',
      'migrations/0099-x.spec.ts',
      "import { createTestDatabase } from '@engram/test-support/database';",
    ],
    ['an app importing the migrations', 'apps/cli/src/x.ts', "import { migrateUp } from '@engram/migrations';"],
    ['a bench importing its own helpers', 'bench/pins/x.ts', "import { formatTable } from '../lib/report';"],
  ])('allows %s', async (_label, filePath, code) => {
    expect(await violations(filePath, code)).toEqual([]);
  });
});
