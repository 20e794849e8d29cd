process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const swc = [
  '@swc/jest',
  {
    jsc: {parser: {syntax: 'typescript'}, target: 'es2022'},
    // Keep `await import()` real: ora and some oclif internals are ESM-only.
    module: {ignoreDynamic: true, type: 'commonjs'},
  },
]

/** @type {import('jest').Config} */
module.exports = {
  swc,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
  testTimeout: 60_000,
  transform: {'^.+\\.ts$': swc},
}
