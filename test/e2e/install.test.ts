/**
 * The packed package as a user installs it: `npm pack`, `npm install -g --prefix DIR` of the tarball (its
 * dependencies come from the npm cache), then the installed `mfbatch` run from another directory, against an
 * emulator on a free port with its state in a temporary XDG_DATA_HOME.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {stopDaemon} from '../../src/emulator/daemon'
import {cleanEnv, ROOT} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let work: string

const run = (command: string, args: string[], options: {cwd: string; env?: Record<string, string>}) =>
  spawnSync(command, args, {cwd: options.cwd, encoding: 'utf8', env: {...cleanEnv(), ...options.env}, timeout: 80_000})

describe('the packed package', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mfbatch-install-'))
  })

  afterAll(async () => {
    await stopDaemon(join(work, 'data', 'mfbatch', 'emulator'))
    rmSync(work, {force: true, recursive: true})
  })

  test('installs into a prefix, ships LICENSE and not bin/dev.js, and runs a job from another directory', async () => {
    // dist/ is already built by `npm run build`; --ignore-scripts keeps `prepare` from building it again.
    const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {cwd: ROOT})
    expect(pack.status).toBe(0)
    const tarball = join(work, pack.stdout.trim().split('\n').pop()!)

    const prefix = join(work, 'prefix')
    const install = run(
      'npm',
      ['install', '-g', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball],
      {
        cwd: work,
      },
    )
    // npm 11 warns about install scripts not covered by allowScripts: the package has none to warn about.
    expect([install.status, install.stderr]).toEqual([0, expect.not.stringMatching(/install-scripts|allow-scripts/)])
    const installed = join(prefix, 'lib', 'node_modules', 'mfbatch')
    expect([existsSync(join(installed, 'LICENSE')), existsSync(join(installed, 'bin', 'dev.js'))]).toEqual([
      true,
      false,
    ])

    const mfbatch = join(prefix, 'bin', 'mfbatch')
    const version = run(mfbatch, ['--version'], {cwd: work})
    expect([version.status, version.stdout]).toMatchObject([0, expect.stringMatching(/^mfbatch\/0\.1\.0 /)])

    const env = {MFBATCH_EMULATOR_PORT: String(await freePort()), XDG_DATA_HOME: join(work, 'data')}
    const job = run(mfbatch, ['submit', '--local', '--follow', '--', 'echo', 'hello from mfbatch'], {cwd: work, env})
    expect([job.status, job.stdout]).toEqual([0, 'hello from mfbatch\n'])
  }, 90_000)

  test('npm install -g . from the clone: a link, and no install-scripts warning', () => {
    const prefix = join(work, 'linked')
    const install = run(
      'npm',
      ['install', '-g', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', prefix, '.'],
      {
        cwd: ROOT,
      },
    )
    expect({status: install.status, stderr: install.stderr}).toEqual({status: 0, stderr: ''})
    const version = run(join(prefix, 'bin', 'mfbatch'), ['--version'], {cwd: work})
    expect([version.status, version.stdout]).toMatchObject([0, expect.stringMatching(/^mfbatch\/0\.1\.0 /)])
  }, 60_000)
})
