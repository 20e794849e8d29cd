/**
 * V8's code cache of the bundle, on the built CLI (src/startup/code-cache.ts): the first run saves one file for
 * its kind of run in MFBATCH_CACHE_DIR/v8, a later run uses it (a used cache is not written again), a broken file
 * costs a compile and is replaced, and an unwritable cache directory is only a slower start.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

const RUN = path.resolve(__dirname, '..', '..', 'bin', 'run.js')
const run = promisify(execFile)

let home: string

async function version(cacheDir: string): Promise<string> {
  const {stdout} = await run(process.execPath, [RUN, 'version'], {
    env: {MFBATCH_CACHE_DIR: cacheDir, PATH: process.env.PATH},
  })
  return stdout
}

describe('the code cache of the built CLI', () => {
  beforeAll(() => {
    home = mkdtempSync(path.join(tmpdir(), 'mfbatch-code-cache-e2e-'))
  })

  afterAll(() => rmSync(home, {force: true, recursive: true}))

  it('saved by the first run, used by the next, replaced when broken', async () => {
    const cacheDir = path.join(home, 'cache')
    const expected = /^mfbatch\/\d+\.\d+\.\d+ /
    expect(await version(cacheDir)).toMatch(expected)
    const files = readdirSync(path.join(cacheDir, 'v8'))
    expect(files).toEqual([expect.stringMatching(/-version\.v8$/)])
    const file = path.join(cacheDir, 'v8', files[0])
    const saved = readFileSync(file)
    const {mtimeMs} = statSync(file)
    expect(await version(cacheDir)).toMatch(expected)
    expect(statSync(file).mtimeMs).toBe(mtimeMs)
    expect(readFileSync(file).equals(saved)).toBe(true)
    writeFileSync(file, 'not a V8 cache')
    expect(await version(cacheDir)).toMatch(expected)
    expect(readFileSync(file).toString()).not.toBe('not a V8 cache')
    expect(statSync(file).size).toBeGreaterThan(10_000)
  })

  it('a cache directory that cannot be made (a file is in the way): the command runs all the same', async () => {
    const inTheWay = path.join(home, 'a-file')
    writeFileSync(inTheWay, 'not a folder')
    expect(await version(inTheWay)).toMatch(/^mfbatch\//)
    expect(readFileSync(inTheWay, 'utf8')).toBe('not a folder')
  })
})
