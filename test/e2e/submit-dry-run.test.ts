/**
 * `mfbatch submit --dry-run` as a user runs it: the built CLI (`npm run build` first) in a child process, in a
 * temporary project with a temporary HOME and METAFLOW_HOME, and none of the real METAFLOW_* / AWS_* variables.
 * A dry run makes no AWS call, so no emulator is needed.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {definitionName} from '../../src/batch/definition/name'

const REPO = path.resolve(__dirname, '../..')
const RUN = path.join(REPO, 'bin/run.js')
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecution'
const JOB_ROLE = 'arn:aws:iam::123456789012:role/s3access'
const PLACEHOLDER = ['echo', 'mfbatch job definition: the command comes with each submit']

let root: string

beforeAll(() => {
  if (!existsSync(path.join(REPO, 'dist/mfbatch.js'))) throw new Error('build first: npm run build')
})

beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'mfbatch-e2e-submit-')))
  mkdirSync(path.join(root, 'project'), {recursive: true})
  mkdirSync(path.join(root, 'home', 'metaflow'), {recursive: true})
})

afterEach(() => rmSync(root, {force: true, recursive: true}))

function write(relative: string, content: object | string): void {
  const target = path.join(root, relative)
  mkdirSync(path.dirname(target), {recursive: true})
  writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content))
}

function mfbatch(args: string[], env: Record<string, string> = {}) {
  const clean: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(METAFLOW_|AWS_|MFBATCH_|XDG_)|^(SUDO_USER|USERNAME|USER|NODE_OPTIONS|FORCE_COLOR|NO_COLOR)$/.test(key))
      continue
    clean[key] = value
  }

  const result = spawnSync(process.execPath, [RUN, 'submit', ...args], {
    cwd: path.join(root, 'project'),
    encoding: 'utf8',
    env: {...clean, HOME: path.join(root, 'home'), METAFLOW_HOME: path.join(root, 'home', 'metaflow'), ...env},
  })
  return {status: result.status, stderr: result.stderr, stdout: result.stdout}
}

/** The printed document, after checking it is exactly one 2-space-indented JSON document and names itself right. */
function document(stdout: string) {
  const parsed = JSON.parse(stdout)
  expect(stdout).toBe(`${JSON.stringify(parsed, null, 2)}\n`)
  const {jobDefinitionName, ...definition} = parsed.registerJobDefinition
  expect(jobDefinitionName).toBe(definitionName(definition))
  expect(parsed.submitJob.jobDefinition).toBe(jobDefinitionName)
  return parsed
}

describe('mfbatch submit --dry-run', () => {
  test('the EC2 example: linux parameters in the definition, command and resources in the overrides', () => {
    const args =
      '--dry-run --platform ec2 --queue q --cpu 4 --memory 16000 --gpu 1 --shared-memory 1024 --max-swap 2048'
    const result = mfbatch([...args.split(' '), '--swappiness', '60', '--', 'python', 'train.py'], {USER: 'alice'})
    expect({status: result.status, stderr: result.stderr}).toEqual({status: 0, stderr: ''})
    const doc = document(result.stdout)
    const name = doc.registerJobDefinition.jobDefinitionName
    expect(doc).toEqual({
      registerJobDefinition: {
        containerProperties: {
          command: PLACEHOLDER,
          image: 'python:3.11',
          linuxParameters: {maxSwap: 2048, sharedMemorySize: 1024, swappiness: 60},
          resourceRequirements: [
            {type: 'VCPU', value: '1'},
            {type: 'MEMORY', value: '4096'},
          ],
        },
        jobDefinitionName: name,
        platformCapabilities: ['EC2'],
        propagateTags: true,
        type: 'container',
      },
      submitJob: {
        containerOverrides: {
          command: ['python', 'train.py'],
          resourceRequirements: [
            {type: 'VCPU', value: '4'},
            {type: 'GPU', value: '1'},
            {type: 'MEMORY', value: '16000'},
          ],
        },
        jobDefinition: name,
        jobName: 'alice-python-train_py',
        jobQueue: 'q',
        retryStrategy: {attempts: 1},
        timeout: {attemptDurationSeconds: 432_000},
      },
    })
    // The order is part of the contract: VCPU, GPU, MEMORY.
    expect(doc.submitJob.containerOverrides.resourceRequirements.map((r: {type: string}) => r.type)).toEqual([
      'VCPU',
      'GPU',
      'MEMORY',
    ])
  })

  test('a Fargate job, whole', () => {
    const result = mfbatch([
      '--dry-run',
      '--platform=fargate',
      '--queue=arn:aws:batch:us-east-1:123456789012:job-queue/small',
      '--cpu=0.5',
      '--memory=2048',
      `--execution-role=${EXEC_ROLE}`,
      '--ephemeral-storage=40',
      '--name=nightly',
      '--retries=2',
      '--timeout=1h30m',
      '--tag=team=ml',
      '--env=MODE=fast',
      '--',
      'sh',
      '-c',
      'echo $MODE',
    ])
    expect({status: result.status, stderr: result.stderr}).toEqual({status: 0, stderr: ''})
    const doc = document(result.stdout)
    const name = doc.registerJobDefinition.jobDefinitionName
    expect(doc).toEqual({
      registerJobDefinition: {
        containerProperties: {
          command: PLACEHOLDER,
          ephemeralStorage: {sizeInGiB: 40},
          executionRoleArn: EXEC_ROLE,
          image: 'python:3.11',
          networkConfiguration: {assignPublicIp: 'ENABLED'},
          resourceRequirements: [
            {type: 'VCPU', value: '1'},
            {type: 'MEMORY', value: '4096'},
          ],
        },
        jobDefinitionName: name,
        platformCapabilities: ['FARGATE'],
        propagateTags: true,
        type: 'container',
      },
      submitJob: {
        containerOverrides: {
          command: ['sh', '-c', 'echo $MODE'],
          environment: [{name: 'MODE', value: 'fast'}],
          resourceRequirements: [
            {type: 'VCPU', value: '0.5'},
            {type: 'MEMORY', value: '2048'},
          ],
        },
        jobDefinition: name,
        jobName: 'nightly',
        jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/small',
        retryStrategy: {attempts: 3},
        tags: {team: 'ml'},
        timeout: {attemptDurationSeconds: 5400},
      },
    })
  })

  test('--platform auto (the default) assumes ec2 and says so in one stderr line; warnings go to stderr too', () => {
    const result = mfbatch(['--dry-run', '--queue', 'q', '--swappiness', '10', '--', 'true'])
    expect(result.status).toBe(0)
    expect(result.stderr).toBe(
      'mfbatch: --platform auto: a dry run makes no AWS call, so it assumes ec2 (pass --platform fargate for Fargate)\n' +
        'mfbatch: warning: --swappiness: has no effect without --max-swap (AWS Batch ignores swappiness then)\n',
    )
    expect(document(result.stdout).registerJobDefinition.platformCapabilities).toEqual(['EC2'])
  })

  test('settings from the environment, the project file and Metaflow’s files reach the requests', () => {
    write('project/.mfbatchrc.json', {cpu: 2, hostVolumes: ['/data'], tags: {team: 'ml'}})
    write('project/.metaflow/config.json', {METAFLOW_BATCH_CONTAINER_IMAGE: 'team/app:3'})
    write('home/metaflow/config.json', {
      METAFLOW_BATCH_CONTAINER_REGISTRY: 'reg.example.com',
      METAFLOW_ECS_S3_ACCESS_IAM_ROLE: JOB_ROLE,
    })
    write('project/vars.env', '# job settings\nMODE=slow\nexport LEVEL="3"\n')
    const result = mfbatch(
      ['--dry-run', '--platform', 'ec2', '--env-file', 'vars.env', '--env', 'MODE=fast', '--', 'run'],
      {
        METAFLOW_BATCH_DEFAULT_TAGS: '{"org": "research", "team": "data"}',
        METAFLOW_BATCH_JOB_QUEUE: 'env-queue',
        METAFLOW_DEFAULT_RUNTIME_LIMIT: '7200',
        METAFLOW_USER: 'first.last',
      },
    )
    expect({status: result.status, stderr: result.stderr}).toEqual({status: 0, stderr: ''})
    const doc = document(result.stdout)
    const name = doc.registerJobDefinition.jobDefinitionName
    expect(doc).toEqual({
      registerJobDefinition: {
        containerProperties: {
          command: PLACEHOLDER,
          image: 'reg.example.com/team/app:3',
          jobRoleArn: JOB_ROLE,
          mountPoints: [{containerPath: '/data', sourceVolume: '_data'}],
          resourceRequirements: [
            {type: 'VCPU', value: '1'},
            {type: 'MEMORY', value: '4096'},
          ],
          volumes: [{host: {sourcePath: '/data'}, name: '_data'}],
        },
        jobDefinitionName: name,
        platformCapabilities: ['EC2'],
        propagateTags: true,
        type: 'container',
      },
      submitJob: {
        containerOverrides: {
          command: ['run'],
          environment: [
            {name: 'MODE', value: 'fast'},
            {name: 'LEVEL', value: '3'},
          ],
          resourceRequirements: [
            {type: 'VCPU', value: '2'},
            {type: 'MEMORY', value: '4096'},
          ],
        },
        jobDefinition: name,
        jobName: 'first_last-run',
        jobQueue: 'env-queue',
        retryStrategy: {attempts: 1},
        tags: {org: 'research', team: 'ml'},
        timeout: {attemptDurationSeconds: 7200},
      },
    })
  })

  test('the command is every word after --, in order, flags and repeated words included', () => {
    const result = mfbatch(['--dry-run', '--queue', 'train', '--name', 'x', '--', 'train', 'x', '--cpu', '--', '-v'])
    expect(result.status).toBe(0)
    expect(document(result.stdout).submitJob.containerOverrides.command).toEqual(['train', 'x', '--cpu', '--', '-v'])
  })

  test('--json prints the same document', () => {
    const args = ['--dry-run', '--platform', 'ec2', '--queue', 'q', '--', 'echo', 'hi']
    const plain = mfbatch(args)
    const json = mfbatch(['--json', ...args])
    expect(json.status).toBe(0)
    expect(json.stdout).toBe(plain.stdout)
  })

  test('two runs that differ only in what a submit overrides share one job definition', () => {
    const first = document(mfbatch(['--dry-run', '--platform', 'ec2', '--queue', 'a', '--', 'x']).stdout)
    const second = document(
      mfbatch([
        '--dry-run',
        '--platform',
        'ec2',
        '--queue',
        'b',
        '--cpu',
        '8',
        '--memory',
        '1000',
        '--tag',
        'k=v',
        '--',
        'y',
      ]).stdout,
    )
    expect(second.registerJobDefinition).toEqual(first.registerJobDefinition)
  })

  test('--help lists every flag, the environment variables and the exit codes', () => {
    const result = mfbatch(['--help'])
    expect(result.status).toBe(0)
    const flags = [
      '--cpu',
      '--gpu',
      '--memory',
      '--image',
      '--registry',
      '--queue',
      '--iam-role',
      '--execution-role',
      '--shared-memory',
      '--max-swap',
      '--swappiness',
      '--use-tmpfs',
      '--tmpfs-size',
      '--tmpfs-path',
      '--[no-]tmpfs-tempdir',
      '--inferentia',
      '--trainium',
      '--efa',
      '--host-volume',
      '--efs-volume',
      '--ephemeral-storage',
      '--log-driver',
      '--log-option',
      '--privileged',
      '--platform',
      '--tag',
      '--env',
      '--env-file',
      '--secret',
      '--name',
      '--retries',
      '--timeout',
      '--array-size',
      '--depends-on',
      '--user',
      '--dry-run',
      '--json',
      '--quiet',
      '--region',
      '--profile',
      '--endpoint-url',
    ]
    const listed = new Set(
      result.stdout.match(/^ +(?:-\w, )?(--[\w[\]-]+)/gm)?.map((line) => line.trim().replace(/^-\w, /, '')),
    )
    expect(flags.filter((flag) => !listed.has(flag))).toEqual([])
    for (const text of [
      'METAFLOW_BATCH_JOB_QUEUE',
      'METAFLOW_ECS_FARGATE_EXECUTION_ROLE',
      'EXIT CODES',
      '$ mfbatch submit',
    ]) {
      expect(result.stdout).toContain(text)
    }
  })
})
