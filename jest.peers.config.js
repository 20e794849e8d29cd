process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/peers/**/*.test.ts'],
  testTimeout: 120_000,
  transform: require('./jest.transform.js'),
}
