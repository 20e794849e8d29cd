/**
 * The project file takes what the flags take: `memory: 2GiB` and `package: true` in `.mfbatchrc.yaml` are what
 * `--memory 2GiB` and `--package` are, for `mfbatch config` and for the request a submit builds (`--dry-run`, no
 * AWS call). The row-by-row proof over every setting is test/unit/config/flag-form.test.ts.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../helpers/emulator'

let project: string

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'mfbatch-flag-form-'))
})

afterEach(() => rmSync(project, {force: true, recursive: true}))

const ENV = {AWS_REGION: 'us-east-1'}

/** The MEMORY a dry run would send in SubmitJob's overrides. */
async function submittedMemory(args: string[]): Promise<{code: number; memory?: string; stderr: string}> {
  const run = await runCli(['submit', '--dry-run', '--json', '--queue', 'q', ...args, '--', 'true'], {
    cwd: project,
    env: ENV,
  })
  if (run.code !== 0) return {code: run.code, stderr: run.stderr}
  const requests = JSON.parse(run.stdout) as {
    submitJob: {containerOverrides: {resourceRequirements: Array<{type: string; value: string}>}}
  }
  const memory = requests.submitJob.containerOverrides.resourceRequirements.find((r) => r.type === 'MEMORY')?.value
  return {code: run.code, memory, stderr: ''}
}

describe('.mfbatchrc.yaml takes what the flags take', () => {
  test('memory: 2GiB in the project file is --memory 2GiB, for submit and for config', async () => {
    writeFileSync(join(project, '.mfbatchrc.yaml'), 'memory: 2GiB\n')
    const file = await submittedMemory([])
    rmSync(join(project, '.mfbatchrc.yaml'))
    const flag = await submittedMemory(['--memory', '2GiB'])
    expect(file).toEqual({code: 0, memory: '2048', stderr: ''})
    expect(flag).toEqual(file)
    writeFileSync(join(project, '.mfbatchrc.yaml'), 'memory: 2GiB\npackage: true\n')
    const config = await runCli(['config', '--json'], {cwd: project, env: ENV})
    expect({code: config.code, stderr: config.stderr}).toEqual({code: 0, stderr: ''})
    const {settings} = JSON.parse(config.stdout) as {settings: Record<string, unknown>}
    const label = (key: string) => `${project}/.mfbatchrc.yaml (key ${key})`
    expect(settings.memory).toEqual({label: label('memory'), source: 'project', value: '2GiB'})
    expect(settings.package).toEqual({label: label('package'), source: 'project', value: true})
  })

  test('package: 4096 names a directory, as --package-dir 4096 does', async () => {
    writeFileSync(join(project, '.mfbatchrc.yaml'), 'package: 4096\npackageRoot: s3://bucket/p\n')
    const file = await runCli(['submit', '--dry-run', '--queue', 'q', '--', 'true'], {cwd: project, env: ENV})
    rmSync(join(project, '.mfbatchrc.yaml'))
    const flag = await runCli(
      ['submit', '--dry-run', '--queue', 'q', '--package-dir', '4096', '--package-root', 's3://bucket/p', '--', 'true'],
      {cwd: project, env: ENV},
    )
    const directory = join(project, '4096')
    expect(flag.code).not.toBe(0)
    expect(flag.stderr).toContain(directory)
    expect({
      code: file.code,
      stderr: file.stderr.replace(`${project}/.mfbatchrc.yaml (key package)`, '--package-dir'),
    }).toEqual({
      code: flag.code,
      stderr: flag.stderr,
    })
  })
})
