const base = require('./jest.config.js')

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/peers/**/*.test.ts'],
  testTimeout: 120_000,
  transform: {'^.+\\.ts$': base.swc},
}
