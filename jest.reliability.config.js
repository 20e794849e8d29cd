process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

/**
 * `npm run test:reliability`: the promises of README's Reliability section, each held by one suite of faults,
 * restarts, interrupts and load against the built CLI and the emulator.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/e2e/reliability-*.test.ts'],
  testTimeout: 60_000,
  transform: require('./jest.transform.js'),
}
