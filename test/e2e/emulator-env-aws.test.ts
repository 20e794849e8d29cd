/**
 * `emulator env` works with the AWS CLI the user has. The AWS CLI before 2.13 (Debian 12's 2.9, /usr/bin/aws)
 * ignores AWS_ENDPOINT_URL: the command finds the `aws` on PATH and says on stderr how to point it at the emulator,
 * and what it says works (the flag, and the shell function it offers). An `aws` that reads the variable gets no note.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cleanEnv, RUN, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

const DEBIAN_AWS = '/usr/bin/aws'

let emulator: TestEmulator
let bin: string

beforeAll(async () => {
  emulator = await startEmulator()
  bin = mkdtempSync(join(tmpdir(), 'mfbatch-aws-bin-'))
})

afterAll(async () => {
  await emulator.stop()
  rmSync(emulator.stateDir, {force: true, recursive: true})
  rmSync(bin, {force: true, recursive: true})
})

/** PATH with `dir`'s aws first, then the system's directories for sh (no pyenv or other aws before it). */
const pathWith = (dir: string) => `${dir}:/usr/bin:/bin`

function shell(script: string, path: string): {status: null | number; stderr: string; stdout: string} {
  const env = {...cleanEnv(), PATH: path}
  const emulatorEnv = `"${process.execPath}" "${RUN}" emulator env --state-dir "${emulator.stateDir}" --port ${emulator.port}`
  return spawnSync('sh', ['-c', `eval "$(${emulatorEnv} 2>/dev/null)" && ${script}`], {encoding: 'utf8', env})
}

describe('emulator env and the aws on PATH', () => {
  test('an AWS CLI 2.9 gets a note naming it, with the flag and a shell function, and both reach the emulator', async () => {
    if (!existsSync(DEBIAN_AWS)) {
      console.warn(`skipped: no ${DEBIAN_AWS} (Debian's awscli) on this machine`)
      return
    }

    const dir = join(bin, 'debian')
    mkdirSync(dir)
    symlinkSync(DEBIAN_AWS, join(dir, 'aws'))
    const version = /aws-cli\/(\S+)/.exec(spawnSync(DEBIAN_AWS, ['--version'], {encoding: 'utf8'}).stdout)![1]
    const path = pathWith(dir)
    const result = await runCli(
      ['emulator', 'env', '--state-dir', emulator.stateDir, '--port', String(emulator.port)],
      {
        env: {PATH: path},
      },
    )
    expect(result.code).toBe(0)
    const fn =
      // eslint-disable-next-line no-template-curly-in-string -- shell text, as printed
      'aws() { if [ -n "${AWS_ENDPOINT_URL-}" ]; then command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; else ' +
      'command aws "$@"; fi; }'
    expect(result.stderr).toBe(
      `mfbatch: the AWS CLI at ${join(dir, 'aws')} (aws-cli/${version}) ignores AWS_ENDPOINT_URL (it is read from ` +
        '2.13 on): without --endpoint-url its calls go to AWS, not to the emulator. Give it the flag:\n' +
        'mfbatch:   aws --endpoint-url "$AWS_ENDPOINT_URL" batch describe-job-queues\n' +
        'mfbatch: or, for this shell only, define:\n' +
        `mfbatch:   ${fn}\n`,
    )
    const queues = 'batch describe-job-queues --query "jobQueues[].jobQueueName" --output text'
    const withFlag = shell(`aws --endpoint-url "$AWS_ENDPOINT_URL" ${queues}`, path)
    expect([withFlag.status, withFlag.stdout]).toEqual([0, 'local\tlocal-fargate\n'])
    const withFunction = shell(`${fn}\naws ${queues}`, path)
    expect([withFunction.status, withFunction.stdout]).toEqual([0, 'local\tlocal-fargate\n'])
  }, 60_000)

  test('an AWS CLI that reads AWS_ENDPOINT_URL (2.13 and later) gets no note', async () => {
    const dir = join(bin, 'recent')
    mkdirSync(dir)
    writeFileSync(join(dir, 'aws'), '#!/bin/sh\necho "aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64"\n', {
      mode: 0o755,
    })
    const result = await runCli(
      ['emulator', 'env', '--state-dir', emulator.stateDir, '--port', String(emulator.port)],
      {
        env: {PATH: pathWith(dir)},
      },
    )
    expect([result.code, result.stderr]).toEqual([0, ''])
    expect(result.stdout).toMatch(/^export AWS_ENDPOINT_URL='http:\/\/127\.0\.0\.1:\d+'\n/)
  })

  test('with no aws on PATH there is no note', async () => {
    const result = await runCli(
      ['emulator', 'env', '--state-dir', emulator.stateDir, '--port', String(emulator.port)],
      {
        env: {PATH: '/nonexistent'},
      },
    )
    expect([result.code, result.stderr]).toEqual([0, ''])
  })
})
