process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

/**
 * `npm test`: unit tests and the end-to-end tests of every command. The reliability suites (test/e2e/reliability-*,
 * minutes of faults, restarts and thousands of requests) run on their own: `npm run test:reliability`.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/reliability-'],
  testTimeout: 60_000,
  transform: require('./jest.transform.js'),
}
