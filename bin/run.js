#!/usr/bin/env -S node --
// `--` stops Node 20 from reading mfbatch's own `--env-file` flag as its own (nodejs/node#54232).
// The installed entry point: runs the built commands in dist/. Keep it tiny, no SDK imports here.
// The AWS SDK prints a Node 22 notice on every start under Node 20; it says nothing a user can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
require('@oclif/core').execute({dir: __dirname})
