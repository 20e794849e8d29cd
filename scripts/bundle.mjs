/**
 * `npm run build`: the CLI as one CommonJS file, dist/mfbatch.js (oclif, every command, the help class), plus
 * files loaded only when needed: dist/chunks/aws-sdk.js (Batch and Logs clients) on the first AWS call,
 * dist/chunks/aws-s3.js for `submit --package`, dist/chunks/emulator.js for the emulator; and dist/startup.js,
 * the small loader bin/run.js calls (code cache, src/startup/). Each chunk is a bundle of its own: what it shares
 * with the main file is copied, which is safe because none of it holds state across that line.
 */
import {build} from 'esbuild'
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
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

/** The chunks of the AWS SDK. */
const SDK_CHUNKS = new Set(['aws-s3', 'aws-sdk'])

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

/**
 * Three changes to what oclif's help costs, each measured in bench/README.md (B1):
 * - oclif's help formatter, wrap-ansi and widest-line get src/output/help-string-width.ts for `string-width`
 *   (the package's answer for anything but printable ASCII);
 * - the help formatter gets src/output/help-wrap-ansi.ts for `wrap-ansi` (the package's answer for every line
 *   that does not already fit);
 * - oclif sorts the command ids with `localeCompare` at every start, and the first `localeCompare` of a process
 *   builds ICU's collator: 5.5 ms of every command. mfbatch's ids (lowercase words and colons) sort the same by
 *   code unit (test/unit/startup/command-order.test.ts), so that is how the bundle sorts them.
 * A build fails rather than ship without them when an oclif upgrade changes the code they expect.
 */
function helpCosts() {
  const helpStringWidth = src('output/help-string-width.ts')
  const helpWrapAnsi = src('output/help-wrap-ansi.ts')
  const localeSort = '.sort((a, b) => a.id.localeCompare(b.id))'
  const codeUnitSort = '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))'
  return {
    name: 'help-costs',
    setup(b) {
      b.onResolve({filter: /^string-width$/}, (args) =>
        /node_modules[/\\](wrap-ansi|widest-line|@oclif[/\\]core)[/\\]/.test(args.importer)
          ? {path: helpStringWidth}
          : undefined,
      )
      b.onResolve({filter: /^wrap-ansi$/}, (args) =>
        /node_modules[/\\]@oclif[/\\]core[/\\]lib[/\\]help[/\\]/.test(args.importer) ? {path: helpWrapAnsi} : undefined,
      )
      b.onLoad({filter: /@oclif[/\\]core[/\\]lib[/\\]config[/\\]plugin\.js$/}, (args) => {
        const code = readFileSync(args.path, 'utf8')
        if (!code.includes(localeSort)) throw new Error(`${args.path} no longer sorts with \`${localeSort}\``)
        return {contents: code.replace(localeSort, codeUnitSort), loader: 'js'}
      })
    },
  }
}

/**
 * esbuild leaves a regular expression's characters as they are, and one of oclif's dependencies has two outside
 * ASCII: written as `\uXXXX` escapes (the same expression), the files are pure ASCII, which src/startup/code-cache.ts
 * reads without decoding UTF-8 (a millisecond of every start for the 740 kB main file).
 */
function asciiOnly(dir) {
  for (const entry of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue
    const file = resolve(entry.parentPath ?? entry.path, entry.name)
    const code = readFileSync(file, 'utf8')
    const ascii = code.replaceAll(/[^\0-\u007F]/g, (c) => `\\u${c.codePointAt(0).toString(16).padStart(4, '0')}`)
    if (ascii !== code) writeFileSync(file, ascii)
  }
}

rmSync(resolve(root, 'dist'), {force: true, recursive: true})
await Promise.all([
  build({
    ...common,
    entryPoints: {mfbatch: src('mfbatch.ts')},
    outdir: 'dist',
    plugins: [helpCosts(), chunksExternal('')],
  }),
  build({...common, entryPoints: {startup: src('startup/run.ts')}, outdir: 'dist'}),
  build({
    ...common,
    entryPoints: Object.fromEntries(
      Object.entries(CHUNKS)
        .filter(([n]) => !SDK_CHUNKS.has(n))
        .map(([n, p]) => [`chunks/${n}`, p]),
    ),
    outdir: 'dist',
    plugins: [chunksExternal('../')],
  }),
  // The SDK's ES modules (its packages' `module` field) rather than its CommonJS files: only ES modules let esbuild
  // leave out what aws-sdk.ts and aws-s3.ts do not name (the other operations of each service, their schemas).
  build({
    ...common,
    entryPoints: Object.fromEntries([...SDK_CHUNKS].map((n) => [`chunks/${n}`, CHUNKS[n]])),
    mainFields: ['module', 'main'],
    outdir: 'dist',
    plugins: [chunksExternal('../')],
  }),
])
asciiOnly(resolve(root, 'dist'))
