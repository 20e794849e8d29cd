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
// The whole CLI is dist/mfbatch.js (`npm run build`); dist/startup.js loads it through V8's code cache.
// By a built path: dist/ exists only after `npm run build`, and lint runs before it in a fresh clone.
require(require('node:path').join(__dirname, '..', 'dist', 'startup.js')).run(__dirname)
