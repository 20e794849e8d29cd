#!/usr/bin/env -S node --import tsx
// Development entry point: runs the TypeScript in src/ directly (through tsx), no build needed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
require('@oclif/core').execute({development: true, dir: __dirname})
