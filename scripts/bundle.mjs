/**
 * `npm run build`: the CLI as one CommonJS file, dist/mfbatch.js (oclif, every command, the help class), plus
 * files loaded only when needed: dist/chunks/aws-sdk.js (Batch and Logs clients) on the first AWS call,
 * dist/chunks/aws-s3.js for `submit --package`, dist/chunks/emulator.js for the emulator; and dist/startup.js,
 * the small loader bin/run.js calls (code cache, src/startup/). Each chunk is a bundle of its own: what it shares
 * with the main file is copied, which is safe because none of it holds state across that line.
 */
import {build} from 'esbuild'
import {rmSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const src = (file) => resolve(root, 'src', file)

/**
 * Modules the main file loads with `await import()` and that become chunks: dist/chunks/<name>.js <- the source
 * file, or the package (ora for the spinner on a terminal, tar for `--package`).
 */
const CHUNKS = {
  'aws-s3': src('batch/aws-s3.ts'),
  'aws-sdk': src('batch/aws-sdk.ts'),
  emulator: src('emulator/create-emulator.ts'),
  ora: 'ora',
  tar: 'tar',
}

const common = {
  absWorkingDir: root,
  bundle: true,
  // `typescript` is what oclif loads to run TypeScript sources, which an installed mfbatch never does.
  external: ['typescript'],
  format: 'cjs',
  // oclif and the SDK read class and error names (`constructor.name`, `err.name`).
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  minify: process.env.PROFILE !== '1',
  platform: 'node',
  // Every `import()` becomes a require: the bundle runs as a vm.Script (src/startup/code-cache.ts), which cannot
  // import, and everything it loads is CommonJS (plugins included: their code is in the bundle).
  supported: {'dynamic-import': false},
  target: 'node20',
}

/**
 * Turns an import of a chunk's source into a load of the chunk's file through the code cache of
 * dist/startup.js (the copy bin/run.js already loaded, so the same cache folder), relative to the importing file.
 */
function chunksExternal(fromDir) {
  const byPath = new Map(Object.entries(CHUNKS).map(([name, path]) => [path, name]))
  return {
    name: 'chunks',
    setup(b) {
      b.onResolve({filter: /.*/}, async (args) => {
        if (args.pluginData === 'chunks' || args.kind !== 'dynamic-import') return
        const found = await b.resolve(args.path, {kind: args.kind, pluginData: 'chunks', resolveDir: args.resolveDir})
        const name = byPath.get(found.path) ?? byPath.get(args.path)
        if (name === undefined) return
        return {namespace: 'chunk', path: name}
      })
      b.onLoad({filter: /.*/, namespace: 'chunk'}, (args) => ({
        contents: `module.exports = require('./${fromDir}startup.js').loadChunk(require('node:path').join(__dirname, '${fromDir}chunks', '${args.path}.js'))`,
        loader: 'js',
        resolveDir: resolve(root, 'dist'),
      }))
      // The chunk loader's own require of startup.js stays a require: bin/run.js has loaded that file already.
      b.onResolve({filter: /startup\.js$/, namespace: 'chunk'}, (args) => ({external: true, path: args.path}))
    },
  }
}

rmSync(resolve(root, 'dist'), {force: true, recursive: true})
await Promise.all([
  build({...common, entryPoints: {mfbatch: src('mfbatch.ts')}, outdir: 'dist', plugins: [chunksExternal('')]}),
  build({...common, entryPoints: {startup: src('startup/run.ts')}, outdir: 'dist'}),
  build({
    ...common,
    entryPoints: Object.fromEntries(Object.entries(CHUNKS).map(([n, p]) => [`chunks/${n}`, p])),
    outdir: 'dist',
    plugins: [chunksExternal('../')],
  }),
])
