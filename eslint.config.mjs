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
      // Jest isolates each test file, so a helper module may export and register its own afterAll clean-up.
      'mocha/no-exports': 'off',
      // Jest, not mocha, runs our tests.
      'mocha/no-mocha-arrows': 'off',
      'mocha/no-setup-in-describe': 'off',
      'mocha/no-top-level-hooks': 'off',
      // process.exit is the right tool in the emulator daemon and in tests' child scripts.
      'n/no-process-exit': 'off',
      'unicorn/no-process-exit': 'off',
      // The project is CommonJS by design (see DESIGN.md section 9): require and __dirname are fine.
      'unicorn/prefer-module': 'off',
    },
  },
  {
    // The layers of DESIGN.md section 1: data flows from commands through config and the domain out to AWS, and
    // the domain never prints. The emulator is a server of its own and shares no code with the client side.
    files: ['src/**/*.ts'],
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              from: ['./src/commands', './src/flags', './src/output', './src/wait'],
              message: 'src/batch and src/config are the core: they never print or parse flags.',
              target: ['./src/batch', './src/config'],
            },
            {
              from: ['./src/batch', './src/config', './src/commands', './src/flags', './src/output', './src/wait'],
              message: 'the emulator is a server of its own: it imports nothing of the client side.',
              target: './src/emulator',
            },
          ],
        },
      ],
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
