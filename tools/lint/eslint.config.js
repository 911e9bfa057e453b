// typescript-eslint (flat config) for sigv4-presign, run from the project root:
//   npm run lint
// Type-aware rules are off: the project compiles with TypeScript 7, whose checker this
// TypeScript 5.9 would second-guess; tsc --noEmit is the type check.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'tools/**', 'test-artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser }, ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // tsc's noUnusedLocals/noUnusedParameters already refuse these.
      '@typescript-eslint/no-unused-vars': 'off',
      'no-control-regex': 'off', // control characters in patterns are the point of several validators
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
      'no-var': 'error',
    },
  },
);
