/**
 * Reliability 6, secrets stay secret. mfbatch runs with distinctive AWS credentials in its environment; no output of
 * any command (a dry run, --verbose traces, JSON, errors from bad input, from AWS and from the network, the job's own
 * environment) may contain them. Human output masks the values of variables whose names look secret, and
 * `--secret NAME=ARN` puts Secrets Manager secrets and SSM parameters into the job definition's `secrets`, never
 * into the environment.
 */
import {type BatchClient, DescribeJobDefinitionsCommand, DescribeJobsCommand} from '@aws-sdk/client-batch'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, type RunResult, startEmulator, type TestEmulator} from '../helpers/emulator'
import {printFigures} from '../helpers/figures'
import {batchClient} from './jobs-fixture'

/** What must never be printed, whole or in part. */
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAMFBATCHLEAKTEST7',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/mfbatchLeakTestSecretKey',
}
const FRAGMENTS = [...Object.values(CREDENTIALS), 'mfbatchLeakTest', 'LEAKTEST']
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecution'
const DB_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf'
const TOKEN_PARAMETER = 'arn:aws:ssm:us-east-1:123456789012:parameter/api/token'
const UNKNOWN = '00000000-0000-4000-8000-000000000000'

let emulator: TestEmulator
let batch: BatchClient
let home: string
const outputs: Array<{args: string[]; result: RunResult}> = []

/** Runs mfbatch with the credentials in its environment and keeps every output for the final check. */
async function mfbatch(args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
  const result = await runCli(args, {cwd: home, env: {...emulator.env, ...CREDENTIALS, HOME: home, ...extra}})
  outputs.push({args, result})
  return result
}

beforeAll(async () => {
  // The emulator accepts only its own keys: these are made its keys, so every call signs with them.
  const stateDir = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-secrets-state-'))
  const keys = {accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDENTIALS.AWS_SECRET_ACCESS_KEY}
  writeFileSync(join(stateDir, 'credentials'), JSON.stringify(keys), {mode: 0o600})
  emulator = await startEmulator({args: ['--vcpus', '2'], stateDir})
  batch = batchClient(emulator)
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-secrets-'))
})

afterAll(async () => {
  batch?.destroy()
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  if (home) rmSync(home, {force: true, recursive: true})
})

describe('secrets stay secret', () => {
  test('human output masks secret-looking values: the status detail view and errors echoing a variable', async () => {
    const submitted = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--wait',
      '--env',
      'MODE=fast',
      '--env',
      'DB_PASSWORD=hunter2',
      '--env',
      'API_TOKEN=tok-123',
      '--',
      'true',
    ])
    expect(submitted.code).toBe(0)
    const id = submitted.stdout.trim()
    const detail = await mfbatch(['status', id])
    expect(detail.stdout).toContain('Environment\tMODE=fast DB_PASSWORD=**** API_TOKEN=****\n')
    // JSON carries no environment at all: a script never gets a value it did not ask for.
    const json = await mfbatch(['status', '--json', id])
    expect(json.stdout).not.toMatch(/hunter2|tok-123|MODE/)
    const bad = await mfbatch(['submit', '--queue', 'local', '--env', 'DB-PASSWORD=hunter2', '--', 'true'])
    expect(bad).toEqual({
      code: 2,
      stderr:
        'mfbatch: --env: "DB-PASSWORD" is not allowed; names are letters, digits and _, not starting with a digit\n',
      stdout: '',
    })
    // A dry run shows the requests masked to people, and exactly to programs (--json).
    const dry = ['submit', '--dry-run', '--queue', 'local', '--env', 'DB_PASSWORD=sesame', '--', 'true']
    const shown = JSON.parse((await mfbatch(dry)).stdout)
    expect(shown.submitJob.containerOverrides.environment).toEqual([{name: 'DB_PASSWORD', value: '****'}])
    const exact = JSON.parse((await mfbatch([...dry.slice(0, 2), '--json', ...dry.slice(2)])).stdout)
    expect(exact.submitJob.containerOverrides.environment).toEqual([{name: 'DB_PASSWORD', value: 'sesame'}])
    // AWS itself keeps the real value: masking is for people, not for the job.
    const {jobs = []} = await batch.send(new DescribeJobsCommand({jobs: [id]}))
    expect(jobs[0].container?.environment).toContainEqual({name: 'DB_PASSWORD', value: 'hunter2'})
    for (const {result} of outputs) expect(result.stdout + result.stderr).not.toMatch(/hunter2|tok-123/)
  })

  test('--secret NAME=ARN (repeatable) goes into the definition`s secrets, not the environment', async () => {
    const secrets = ['--secret', `DB_PASSWORD=${DB_SECRET}`, '--secret', `API_TOKEN=${TOKEN_PARAMETER}`]
    const args = ['--queue', 'local', '--execution-role', EXEC_ROLE, ...secrets, '--', 'true']
    const dry = await mfbatch(['submit', '--dry-run', '--platform', 'ec2', ...args])
    const plan = JSON.parse(dry.stdout)
    const expected = [
      {name: 'DB_PASSWORD', valueFrom: DB_SECRET},
      {name: 'API_TOKEN', valueFrom: TOKEN_PARAMETER},
    ]
    expect(plan.registerJobDefinition.containerProperties.secrets).toEqual(expected)
    expect(JSON.stringify(plan.submitJob)).not.toMatch(/DB_PASSWORD|API_TOKEN/)

    const submitted = await mfbatch(['submit', '--json', ...args])
    expect(submitted.code).toBe(0)
    const {jobDefinition, jobId} = JSON.parse(submitted.stdout)
    const {jobDefinitions = []} = await batch.send(new DescribeJobDefinitionsCommand({jobDefinitions: [jobDefinition]}))
    expect(jobDefinitions[0].containerProperties?.secrets).toEqual(expected)
    expect(jobDefinitions[0].containerProperties?.executionRoleArn).toBe(EXEC_ROLE)
    const {jobs = []} = await batch.send(new DescribeJobsCommand({jobs: [jobId]}))
    expect((jobs[0].container?.environment ?? []).map((v) => v.name)).not.toContain('DB_PASSWORD')
  })

  test('no output of any command shows the AWS credentials, not even in part', async () => {
    // Results, traces and JSON.
    await mfbatch(['submit', '--dry-run', '--queue', 'local', '--verbose', '--', 'true'])
    const followed = await mfbatch(['submit', '--queue', 'local', '--follow', '--verbose', '--', 'sh', '-c', 'env'])
    expect(followed.code).toBe(0)
    // The job's environment has AWS_BATCH_* but none of the submitter's credentials.
    expect(followed.stdout).toMatch(/^AWS_BATCH_JOB_ID=/m)
    const id = /status (\S+)\n/.exec(followed.stderr)![1]
    await mfbatch(['status', '--verbose', id])
    await mfbatch(['status', '--verbose', '--json', '--queue', 'local', '--state', 'all'])
    await mfbatch(['logs', '--verbose', '--timestamps', id])
    await mfbatch(['kill', '--verbose', id])
    await mfbatch(['config'])
    await mfbatch(['config', '--json'])
    // Errors: bad input, AWS refusing, an unknown job, nothing listening, a missing profile, with debug stacks.
    await mfbatch(['submit', '--queue', 'local', '--cpu', 'lots', '--', 'true'])
    await mfbatch(['submit', '--queue', 'nope', '--verbose', '--', 'true'])
    await mfbatch(['status', '--verbose', UNKNOWN], {MFBATCH_DEBUG: '1'})
    await mfbatch(['logs', UNKNOWN], {MFBATCH_DEBUG: '1'})
    await mfbatch(['kill', '--verbose', '--endpoint-url', 'http://127.0.0.1:9', UNKNOWN], {MFBATCH_DEBUG: '1'})
    await mfbatch(['status', '--profile', 'nope', UNKNOWN], {MFBATCH_DEBUG: '1'})
    await mfbatch([
      'submit',
      '--queue',
      'local',
      '--endpoint-url',
      `http://${CREDENTIALS.AWS_ACCESS_KEY_ID}:x@h`,
      '--',
      'true',
    ])

    const failures = outputs.filter(({result}) => result.code !== 0).length
    expect(failures).toBeGreaterThanOrEqual(7)
    const leaks = outputs.filter(({result}) =>
      FRAGMENTS.some((secret) => result.stdout.includes(secret) || result.stderr.includes(secret)),
    )
    expect(leaks.map(({args}) => args.join(' '))).toEqual([])
    printFigures('secrets', {
      bytesChecked: outputs.reduce((n, {result}) => n + result.stdout.length + result.stderr.length, 0),
      commandsRun: outputs.length,
      errorsChecked: failures,
      leaks: leaks.length,
    })
  }, 120_000)
})
