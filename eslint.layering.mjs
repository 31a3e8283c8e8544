// The repository's layering, as lint rules (see eslint.config.mjs; test/layering.spec.ts proves
// they fire). Every import is resolved to the part of the repository it lands in:
//   libs/<name> (alias @engram/<name>), migrations (@engram/migrations),
//   test/support (@engram/test-support/<file>), apps/<name>, and the other top-level folders.
import path from 'node:path';

const ROOT = import.meta.dirname;

/** The part of the repository `file` (absolute) belongs to, or null outside it. */
function partOf(file) {
  const fromRoot = path.relative(ROOT, file);
  if (fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) {
    return null;
  }
  const relative = fromRoot.split(path.sep);
  const [top, second] = relative;
  if (top === 'libs' && second !== undefined && relative.length > 2) {
    return { kind: 'lib', name: second, label: `libs/${second}`, alias: `@engram/${second}` };
  }
  if (top === 'apps' && second !== undefined && relative.length > 2) {
    return { kind: 'app', name: second, label: `apps/${second}`, alias: null };
  }
  if (top === 'migrations') {
    return { kind: 'migrations', name: 'migrations', label: 'migrations', alias: '@engram/migrations' };
  }
  if (top === 'test' && second === 'support') {
    return { kind: 'test-support', name: 'test-support', label: 'test/support', alias: '@engram/test-support/<file>' };
  }
  return { kind: 'other', name: top, label: top, alias: null };
}

/** The part an `@engram/...` specifier names. */
function partOfAlias(specifier) {
  if (specifier === '@engram/migrations') {
    return partOf(path.join(ROOT, 'migrations', 'index.ts'));
  }
  if (specifier === '@engram/test-support' || specifier.startsWith('@engram/test-support/')) {
    return partOf(path.join(ROOT, 'test', 'support', 'index.ts'));
  }
  const name = specifier.slice('@engram/'.length).split('/')[0];
  return partOf(path.join(ROOT, 'libs', name, 'src', 'index.ts'));
}

const same = (a, b) => a !== null && b !== null && a.kind === b.kind && a.name === b.name;
const isTestFile = (file) => /\.spec\.ts$/.test(file) || path.relative(ROOT, file).split(path.sep)[0] === 'test';

/** Calls `check(node, specifier)` for every module specifier in the file. */
function visitSpecifiers(check) {
  const literal = (node, source) => {
    if (source && source.type === 'Literal' && typeof source.value === 'string') {
      check(node, source.value, source);
    }
  };
  return {
    ImportDeclaration: (node) => literal(node, node.source),
    ExportNamedDeclaration: (node) => literal(node, node.source),
    ExportAllDeclaration: (node) => literal(node, node.source),
    ImportExpression: (node) => literal(node, node.source),
    TSImportEqualsDeclaration: (node) => literal(node, node.moduleReference?.expression),
    TSImportType: (node) => literal(node, node.argument?.literal ?? node.source),
    CallExpression(node) {
      const callee = node.callee;
      const isRequire = callee.type === 'Identifier' && callee.name === 'require';
      const isJestModuleCall =
        callee.type === 'MemberExpression' &&
        callee.object.type === 'Identifier' &&
        callee.object.name === 'jest' &&
        callee.property.type === 'Identifier' &&
        ['mock', 'doMock', 'unmock', 'requireActual', 'requireMock'].includes(callee.property.name);
      if (isRequire || isJestModuleCall) {
        literal(node, node.arguments[0]);
      }
    },
  };
}

/** No relative path into another lib, migrations or test/support, and none out of a lib. */
const relativeImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Cross libs, migrations and test/support through their @engram/* aliases only' },
    schema: [],
    messages: {
      leavesLib: "Relative import '{{specifier}}' leaves {{from}}; import {{to}} through {{alias}}.",
      entersPart: "Relative import '{{specifier}}' reaches into {{to}}; use {{alias}}.",
    },
  },
  create(context) {
    const file = context.filename;
    const from = partOf(file);
    if (from === null) {
      return {};
    }
    return visitSpecifiers((node, specifier) => {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
        return;
      }
      const to = partOf(path.resolve(path.dirname(file), specifier));
      if (to === null || same(from, to)) {
        return;
      }
      const alias = to.alias ?? 'its public entry point';
      if (from.kind === 'lib') {
        context.report({ node, messageId: 'leavesLib', data: { specifier, from: from.label, to: to.label, alias } });
      } else if (to.alias !== null) {
        context.report({ node, messageId: 'entersPart', data: { specifier, to: to.label, alias } });
      }
    });
  },
};

/** Which part may depend on which, whatever the specifier looks like. */
const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'libs/db ↛ migrations; migrations ↛ libs, apps; production code ↛ test support' },
    schema: [],
    messages: {
      dbImportsMigrations:
        'libs/db may not import migrations: the database layer does not depend on the schema history (the migrator lives in migrations/).',
      migrationsImportCode:
        'A migration may not import {{to}}: migrations are frozen SQL and must not change when a library does.',
      codeImportsTestSupport: '{{from}} may not import test support outside its specs.',
    },
  },
  create(context) {
    const file = context.filename;
    const from = partOf(file);
    if (from === null) {
      return {};
    }
    return visitSpecifiers((node, specifier) => {
      let to;
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        to = partOf(path.resolve(path.dirname(file), specifier));
      } else if (specifier.startsWith('@engram/')) {
        to = partOfAlias(specifier);
      } else {
        return;
      }
      if (to === null || same(from, to)) {
        return;
      }
      if (from.kind === 'lib' && from.name === 'db' && to.kind === 'migrations') {
        context.report({ node, messageId: 'dbImportsMigrations' });
      } else if (from.kind === 'migrations' && (to.kind === 'lib' || to.kind === 'app')) {
        context.report({ node, messageId: 'migrationsImportCode', data: { to: to.label } });
      } else if (to.kind === 'test-support' && ['lib', 'app', 'migrations'].includes(from.kind) && !isTestFile(file)) {
        context.report({ node, messageId: 'codeImportsTestSupport', data: { from: from.label } });
      }
    });
  },
};

export default { rules: { 'relative-imports': relativeImports, layers } };
