// `npm run lint` runs `tsc -p .` (types) and then this. typescript-eslint's recommended rules
// (syntax only: the type-aware set would make lint several times slower for little gain here,
// since tsc already runs in strict mode), react-hooks' recommended rules for the console.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        fetch: 'readonly',
        ReadableStream: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    linterOptions: {
      // The disable comments for no-control-regex predate this config, which turns the rule off.
      reportUnusedDisableDirectives: 'off',
    },
    rules: {
      // Matching control and invisible characters is the job of the escaping code and its tests.
      'no-control-regex': 'off',
      // The class in core/escape.ts lists invisible and combining code points one by one, on purpose.
      'no-misleading-character-class': 'off',
      // Tests match aligned table columns, where the literal spaces are the point.
      'no-regex-spaces': 'off',
      // `_name` is how this code base marks a value it must take but does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Sizes (issue #17): a file over 300 lines or a function over 60 does more than one job.
    // No file over 300 lines, no function over 60 (blank and comment lines do not count).
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Commander tables: one long chain of options and help text per command, on purpose.
    files: ['src/commands/rules.ts', 'src/commands/config.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    files: ['src/tui/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // The console keeps this render's values in refs for Ink's input handler, which Ink swaps
      // in only after the frame is drawn ("latest ref", see App.tsx): assigning refs in render is the design.
      'react-hooks/refs': 'off',
    },
  },
);
