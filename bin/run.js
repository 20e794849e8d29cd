#!/usr/bin/env -S node --
// `--` stops Node 20 from reading mfbatch's own `--env-file` flag as its own (nodejs/node#54232).
// The installed entry point: runs the built commands in dist/. Keep it tiny, no SDK imports here.
// The AWS SDK prints a Node 22 notice on every start under Node 20; it says nothing a user can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// oclif's own Node version check loads semver on every start; package.json's engines field says it already.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true'
// oclif would run src/ through tsx when NODE_ENV is test or development (a test's child, a dev shell): the
// installed entry point always runs what `npm run build` made, so tests test the build.
globalThis.oclif = {...globalThis.oclif, enableAutoTranspile: false}
// @oclif/core as one file (dist/oclif-core.js, made by `npm run build`) instead of ~200: every
// `require('@oclif/core')` gets it, so the commands share one copy with this file (bench/README.md, B1).
const Module = require('node:module')
const bundle = require('node:path').join(__dirname, '..', 'dist', 'oclif-core.js')
if (require('node:fs').existsSync(bundle)) {
  const resolve = Module._resolveFilename
  Module._resolveFilename = function (request, ...rest) {
    return request === '@oclif/core' ? bundle : resolve.call(this, request, ...rest)
  }
}

require('@oclif/core').execute({dir: __dirname})
