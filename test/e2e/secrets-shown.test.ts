/**
 * What a person sees never repeats a secret: `--env-file` and reserved-name errors name the file, the line and the
 * variable but never the value, and `--dry-run` masks credentials in URLs (`DB_URL=postgres://u:pw@...`, a URL in
 * the command) besides the values of secret-looking names. `--dry-run --json` is for programs and stays exact.
 * No AWS call is made: every case stops before one.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../helpers/emulator'

let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfbatch-secrets-shown-'))
  writeFileSync(join(dir, 'pasted.env'), 'MODE=fast\nsk-live-abcdef123456\n')
  writeFileSync(join(dir, 'reserved.env'), '# job settings\nAWS_BATCH_JOB_ID=hunter2\n')
})

afterAll(() => rmSync(dir, {force: true, recursive: true}))

const submit = (args: string[]) =>
  runCli(['submit', '--queue', 'q', '--region', 'us-east-1', ...args], {cwd: dir, env: {AWS_REGION: 'us-east-1'}})

describe('errors name the file, the line and the variable, never the value', () => {
  test.each([
    [
      'a line of an env file that is no NAME=VALUE',
      ['--env-file', 'pasted.env', '--', 'true'],
      '--env-file pasted.env line 2: not a NAME=VALUE line (not shown: it may hold a secret); use NAME=VALUE lines and # comments',
    ],
    [
      'a reserved name in an env file',
      ['--env-file', 'reserved.env', '--', 'true'],
      '--env-file reserved.env line 2: "AWS_BATCH_JOB_ID" is not allowed; names starting with AWS_BATCH are reserved for AWS Batch',
    ],
    [
      'a reserved name in --env',
      ['--env', 'AWS_BATCH_JOB_ID=hunter3', '--', 'true'],
      '--env: "AWS_BATCH_JOB_ID" is not allowed; names starting with AWS_BATCH are reserved for AWS Batch',
    ],
    [
      'a bad name in --env',
      ['--env', 'MY-VAR=hunter4', '--', 'true'],
      '--env: "MY-VAR" is not allowed; names are letters, digits and _, not starting with a digit',
    ],
    [
      'an --env with no name',
      ['--env', 'MODE=fast', '--env', 'sk-live-nokey', '--', 'true'],
      '--env: value 2 has no NAME= (not shown: it may hold a secret); use NAME=VALUE; names are letters, digits and _, not starting with a digit',
    ],
  ])('%s', async (_, args, line) => {
    expect(await submit(['--dry-run', ...args])).toEqual({code: 2, stderr: `mfbatch: ${line}\n`, stdout: ''})
  })
})

describe('--dry-run masks credentials in URLs for people', () => {
  const args = [
    '--dry-run',
    '--env',
    'DB_URL=postgres://app:pw-123@db.example.com:5432/prod',
    '--env',
    'API_TOKEN=tok-456',
    '--env',
    'MODE=fast',
    '--',
    'psql',
    'postgres://admin:pw-789@db.example.com/prod',
  ]

  test('the printed requests', async () => {
    const run = await submit(args)
    expect(run.code).toBe(0)
    expect(run.stdout).not.toMatch(/pw-123|tok-456|pw-789/)
    const {submitJob} = JSON.parse(run.stdout)
    expect(submitJob.containerOverrides.environment).toEqual([
      {name: 'DB_URL', value: 'postgres://app:****@db.example.com:5432/prod'},
      {name: 'API_TOKEN', value: '****'},
      {name: 'MODE', value: 'fast'},
    ])
    expect(submitJob.containerOverrides.command).toEqual(['psql', 'postgres://admin:****@db.example.com/prod'])
  })

  test('--json keeps what would be sent', async () => {
    const run = await submit(['--json', ...args])
    expect(run.code).toBe(0)
    const {submitJob} = JSON.parse(run.stdout)
    expect(submitJob.containerOverrides.environment).toEqual([
      {name: 'DB_URL', value: 'postgres://app:pw-123@db.example.com:5432/prod'},
      {name: 'API_TOKEN', value: 'tok-456'},
      {name: 'MODE', value: 'fast'},
    ])
    expect(submitJob.containerOverrides.command).toEqual(['psql', 'postgres://admin:pw-789@db.example.com/prod'])
  })
})
