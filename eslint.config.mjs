import oclif from 'eslint-config-oclif'
import prettier from 'eslint-config-prettier'

export default [
  {ignores: ['dist', 'node_modules', 'coverage', 'vendor', 'bench/results', 'oclif.manifest.json', '.scratch*']},
  ...oclif,
  prettier,
  {
    rules: {
      // The emulator and a few services are classes with many small private helpers; no value in JSDoc for each.
      'jsdoc/require-jsdoc': 'off',
      'jsdoc/require-param': 'off',
      'jsdoc/require-returns': 'off',
      'mocha/max-top-level-suites': 'off',
      // Jest, not mocha, runs our tests.
      'mocha/no-mocha-arrows': 'off',
      'mocha/no-setup-in-describe': 'off',
      // process.exit is the right tool in the emulator daemon and in tests' child scripts.
      'n/no-process-exit': 'off',
      'unicorn/no-process-exit': 'off',
      // The project is CommonJS by design (see DESIGN.md section 9): require and __dirname are fine.
      'unicorn/prefer-module': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.js', 'bin/*.js', '*.js', '*.mjs'],
    languageOptions: {
      globals: {
        afterAll: true,
        afterEach: true,
        beforeAll: true,
        beforeEach: true,
        expect: true,
        jest: true,
        test: true,
      },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      'n/no-unpublished-import': 'off',
      'n/no-unpublished-require': 'off',
      'unicorn/prefer-module': 'off',
    },
  },
]
