/**
 * `npm run build`'s last step: the installed @oclif/core and its dependencies as one minified file,
 * dist/oclif-core.js, which bin/run.js loads instead of the ~200 files under node_modules/@oclif/core.
 * Resolving, reading and compiling those files is most of the start-up of a command that makes no AWS call
 * (bench/README.md, B1). `typescript` stays out: oclif loads it only to run TypeScript sources (bin/dev.js).
 */
import {build} from 'esbuild'
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)

await build({
  bundle: true,
  entryPoints: [require.resolve('@oclif/core')],
  external: ['typescript'],
  format: 'cjs',
  // oclif and its users read error and class names (`err.name`, `constructor.name`).
  keepNames: true,
  logLevel: 'warning',
  minify: true,
  outfile: 'dist/oclif-core.js',
  platform: 'node',
  target: 'node20',
})
