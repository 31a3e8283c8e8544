// Lint that catches real bugs: type-aware rules for promises and exhaustive switches, strict
// equality, braces, no focused tests, and the layering (eslint.layering.mjs): path aliases
// instead of relative imports across libs, migrations and test support; libs/db never imports
// migrations; migrations import no library or app; production code never imports test support.
import tseslint from 'typescript-eslint';
import layering from './eslint.layering.mjs';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      '.tmp/**',
      'coverage/**',
      'ops/**/*.js',
      'ops/seed-memory-pins',
      'ops/expire-memory-pins',
      'eslint.config.mjs',
      'eslint.layering.mjs',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    plugins: { engram: layering },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      'engram/relative-imports': 'error',
      'engram/layers': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(it|describe|test)$/][callee.property.name='only']",
          message: 'No focused tests.',
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'ops/lib/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
