/** The TypeScript transform every jest config of the project shares (jest.config.js, jest.*.config.js). */
module.exports = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {parser: {syntax: 'typescript'}, target: 'es2022'},
      // Keep `await import()` real: ora and some oclif internals are ESM-only.
      module: {ignoreDynamic: true, type: 'commonjs'},
    },
  ],
}
