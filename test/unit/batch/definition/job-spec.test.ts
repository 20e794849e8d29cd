import type {ResolvedSettings, Sourced} from '../../../../src/config/types'

import {buildJobSpec} from '../../../../src/batch/definition/job-spec'
import {planDryRun} from '../../../../src/batch/submit/dry-run'
import {resolveSettings} from '../../../../src/config/resolve'
import {errorOf, EXEC_ROLE, JOB_ROLE, specFor} from '../support'

const flag = (label: string, value: unknown): Sourced => ({origin: {kind: 'flag', label}, value})

function missingFile(): never {
  throw Object.assign(new Error('nope'), {code: 'ENOENT'})
}

describe('buildJobSpec', () => {
  test('a spec with every EC2 setting, whole', () => {
    const spec = specFor(
      {
        arraySize: '4',
        cpu: '2',
        efa: '1',
        efsVolumes: ['fs-12345678'],
        env: ['A=1'],
        gpu: '1',
        hostVolumes: ['/data'],
        iamRole: JOB_ROLE,
        image: 'app:1',
        logDriver: 'awslogs',
        logOptions: ['awslogs-group:/g'],
        maxSwap: '100',
        memory: '8000',
        privileged: true,
        registry: 'r.example.com',
        retries: '2',
        sharedMemory: '256',
        swappiness: '5',
        tags: ['k=v'],
        timeout: '2h',
        tmpfsSize: '100',
        trainium: '1',
      },
      {dependsOn: flag('--depends-on', ['6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'])},
    )
    expect(spec).toEqual({
      arraySize: 4,
      attempts: 3,
      command: ['python', 'train.py'],
      dependsOn: [{jobId: '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'}],
      environment: [
        {name: 'METAFLOW_TEMPDIR', value: '/metaflow_temp'},
        {name: 'A', value: '1'},
      ],
      image: 'r.example.com/app:1',
      jobRoleArn: JOB_ROLE,
      linuxParameters: {
        devices: [
          {containerPath: '/dev/neuron0', hostPath: '/dev/neuron0', permissions: ['READ', 'WRITE']},
          {
            containerPath: '/dev/infiniband/uverbs0',
            hostPath: '/dev/infiniband/uverbs0',
            permissions: ['READ', 'WRITE', 'MKNOD'],
          },
        ],
        maxSwap: 100,
        sharedMemorySize: 256,
        swappiness: 5,
        tmpfs: {containerPath: '/metaflow_temp', mountOptions: ['defaults'], size: 100},
      },
      logConfiguration: {logDriver: 'awslogs', options: {'awslogs-group': '/g'}},
      name: 'alice-python-train_py',
      platform: 'EC2',
      privileged: true,
      queue: 'q',
      resources: {gpu: 1, memory: 8000, vcpu: '2'},
      secrets: [],
      tags: {k: 'v'},
      timeoutSeconds: 7200,
      volumes: [
        {containerPath: '/data', kind: 'host', name: '_data', sourcePath: '/data'},
        {containerPath: '/mnt/fs-12345678', fileSystemId: 'fs-12345678', kind: 'efs', name: 'efs_fs-12345678'},
      ],
      warnings: [],
    })
  })

  test('the minimal spec: defaults only, no queue', () => {
    const settings = resolveSettings({env: {}, flags: {}})
    expect(buildJobSpec(settings, ['true'], {platform: 'EC2'})).toEqual({
      attempts: 1,
      command: ['true'],
      dependsOn: [],
      environment: [],
      image: 'python:3.11',
      linuxParameters: {devices: []},
      name: 'mfbatch-true',
      platform: 'EC2',
      privileged: false,
      resources: {gpu: 0, memory: 4096, vcpu: '1'},
      secrets: [],
      tags: {},
      timeoutSeconds: 432_000,
      volumes: [],
      warnings: [],
    })
  })

  test('settings objects with missing members still build (callers may pass a partial set)', () => {
    const settings: Partial<ResolvedSettings> = {cpu: flag('--cpu', '2'), queue: flag('--queue', 'q')}
    expect(buildJobSpec(settings, ['x'], {platform: 'EC2'}).resources).toEqual({gpu: 0, memory: 4096, vcpu: '2'})
  })

  describe('warnings (returned, never printed)', () => {
    test('--swappiness without --max-swap', () => {
      expect(specFor({swappiness: '60'}).warnings).toEqual([
        '--swappiness: has no effect without --max-swap (AWS Batch ignores swappiness then)',
      ])
    })

    test('--tmpfs-path without tmpfs; a default path warns about nothing', () => {
      expect(specFor({tmpfsPath: '/scratch'}).warnings).toEqual([
        '--tmpfs-path: has no effect without --use-tmpfs or --tmpfs-size',
      ])
      expect(specFor({}).warnings).toEqual([])
    })
  })

  describe('every source is validated the same way and named in the error', () => {
    const PROJECT = '/repo/.mfbatchrc.json'
    const GLOBAL = '/home/u/.metaflowconfig/config.json'

    test.each([
      [
        // In its flag's form, as `--cpu -1` gives it (src/config/coerce.ts).
        'a JSON number from the project file',
        {env: {}, flags: {}, projectConfig: {config: {cpu: -1}, filepath: PROJECT}},
        `${PROJECT} (key cpu): "-1" is not allowed; use a number greater than 0 (fractions like 0.25 are fine)`,
      ],
      [
        'a JSON boolean where a number belongs',
        {env: {}, flags: {}, projectConfig: {config: {memory: true}, filepath: PROJECT}},
        `${PROJECT} (key memory): true is not allowed; use a whole number of MiB greater than 0 or a size such as 4GiB or 512MiB`,
      ],
      [
        'a project file list',
        {env: {}, flags: {}, projectConfig: {config: {hostVolumes: ['/ok', 'rel']}, filepath: PROJECT}},
        `${PROJECT} (key hostVolumes): "rel" is not allowed; use /absolute/host/path or /host/path:/container/path`,
      ],
      [
        'a project file tag object',
        {env: {}, flags: {}, projectConfig: {config: {tags: {'aws:x': 'y'}}, filepath: PROJECT}},
        `${PROJECT} (key tags): "aws:x=y" is not allowed; tag keys starting with aws: are reserved`,
      ],
      [
        'an environment variable',
        {env: {METAFLOW_DEFAULT_RUNTIME_LIMIT: '30'}, flags: {}},
        'METAFLOW_DEFAULT_RUNTIME_LIMIT: "30" is not allowed; use seconds (at least 60) or a duration like 90m, 1h30m or 2d',
      ],
      [
        'a Metaflow global file',
        {env: {}, flags: {}, metaflowGlobal: {config: {METAFLOW_ECS_S3_ACCESS_IAM_ROLE: 'my-role'}, filepath: GLOBAL}},
        `${GLOBAL} (METAFLOW_ECS_S3_ACCESS_IAM_ROLE): "my-role" is not allowed; use an IAM role ARN like arn:aws:iam::123456789012:role/name`,
      ],
    ])('%s', (_case, input, message) => {
      expect(errorOf(() => buildJobSpec(resolveSettings(input), ['x'], {platform: 'EC2'}))).toBe(
        `InputError: ${message}`,
      )
    })
  })

  describe('rules', () => {
    const ALLOWED_CPU = 'use a number greater than 0 (fractions like 0.25 are fine)'
    test.each([
      [{cpu: '0'}, `--cpu: "0" is not allowed; ${ALLOWED_CPU}`],
      [{cpu: '1e2'}, `--cpu: "1e2" is not allowed; ${ALLOWED_CPU}`],
      [{cpu: 'two'}, `--cpu: "two" is not allowed; ${ALLOWED_CPU}`],
      [{gpu: '1.5'}, '--gpu: "1.5" is not allowed; use a whole number, 0 or more'],
      [
        {memory: '0'},
        '--memory: "0" is not allowed; use a whole number of MiB greater than 0 or a size such as 4GiB or 512MiB',
      ],
      [{swappiness: '101'}, '--swappiness: "101" is not allowed; use a whole number from 0 to 100'],
      [
        {maxSwap: '-1'},
        '--max-swap: "-1" is not allowed; use a whole number of MiB (0 or more) or a size such as 4GiB or 512MiB; 0 turns swap off',
      ],
      [
        {inferentia: '1', trainium: '1'},
        '--trainium: "1" is not allowed; use either --inferentia or --trainium, not both',
      ],
      [
        {tmpfsPath: 'tmp', useTmpfs: true},
        '--tmpfs-path: "tmp" is not allowed; use an absolute path such as /metaflow_temp',
      ],
      [{retries: '10'}, '--retries: "10" is not allowed; use a whole number from 0 to 9'],
      [{arraySize: '1'}, '--array-size: "1" is not allowed; use a whole number from 2 to 10000'],
      [{arraySize: '10001'}, '--array-size: "10001" is not allowed; use a whole number from 2 to 10000'],
      [
        {timeout: '59s'},
        '--timeout: "59s" is not allowed; use seconds (at least 60) or a duration like 90m, 1h30m or 2d',
      ],
      [{queue: 'my queue'}, '--queue: "my queue" is not allowed; use a job queue name or ARN'],
      [
        {image: 'a b'},
        '--image: "a b" is not allowed; use an image reference like python:3.11 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1',
      ],
      [
        {env: ['AWS_BATCH_JOB_ID=1']},
        '--env: "AWS_BATCH_JOB_ID" is not allowed; names starting with AWS_BATCH are reserved for AWS Batch',
      ],
      [{env: ['1X=1']}, '--env: "1X" is not allowed; names are letters, digits and _, not starting with a digit'],
      [
        {env: ['NOVALUE']},
        '--env: value 1 has no NAME= (not shown: it may hold a secret); use NAME=VALUE; names are letters, digits and _, not starting with a digit',
      ],
      [
        {tags: [`${'k'.repeat(129)}=v`]},
        `--tag: "${'k'.repeat(129)}=v" is not allowed; tag keys are at most 128 characters`,
      ],
      [
        {tags: [`k=${'v'.repeat(257)}`]},
        `--tag: "k=${'v'.repeat(257)}" is not allowed; tag values are at most 256 characters`,
      ],
      [
        {tags: Array.from({length: 51}, (_, i) => `k${i}=v`)},
        '--tag: 51 tags is too many; AWS allows at most 50 tags on a job',
      ],
      [{logOptions: ['novalue']}, '--log-option: "novalue" is not allowed; use KEY:VALUE, e.g. awslogs-group:/my/jobs'],
      [
        {logDriver: 'logentries'},
        '--log-driver: "logentries" is not allowed; use awsfirelens, awslogs, fluentd, gelf, journald, json-file, splunk or syslog',
      ],
      [{hostVolumes: ['/a.b', '/a/b']}, '--host-volume: "/a/b" is not allowed; mount each volume once'],
      [{secrets: ['DB=']}, '--secret: "DB=" is not allowed; use NAME=ARN of a Secrets Manager secret or SSM parameter'],
      // A value that is no ARN may be the secret itself: it is never echoed.
      [
        {secrets: ['DB_PASSWORD=hunter2']},
        '--secret: "DB_PASSWORD=****" is not allowed; use NAME=ARN of a Secrets Manager secret or SSM parameter',
      ],
      [
        {secrets: ['DB=arn:aws:s3:::bucket']},
        '--secret: "DB=arn:aws:s3:::bucket" is not allowed; use NAME=ARN of a Secrets Manager secret or SSM parameter',
      ],
      [
        {env: ['MY-TOKEN=abc']},
        '--env: "MY-TOKEN" is not allowed; names are letters, digits and _, not starting with a digit',
      ],
    ])('%j', (flags, message) => {
      expect(errorOf(() => specFor(flags))).toBe(`InputError: ${message}`)
    })

    test('--name must already be valid (only the default is cleaned)', () => {
      expect(errorOf(() => specFor({}, {name: flag('--name', '-bad')}))).toBe(
        'InputError: --name: "-bad" is not allowed; use up to 128 letters, digits, - and _, starting with a letter or digit',
      )
    })

    test('--depends-on: at most 20; typed dependencies need an array job', () => {
      const many = flag(
        '--depends-on',
        Array.from({length: 21}, (_, i) => `6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e${String(i).padStart(2, '0')}`),
      )
      expect(errorOf(() => specFor({}, {dependsOn: many}))).toBe(
        'InputError: --depends-on: 21 dependencies is too many; AWS allows at most 20',
      )
      expect(
        errorOf(() =>
          specFor({}, {dependsOn: flag('--depends-on', ['6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f:SEQUENTIAL'])}),
        ),
      ).toBe(
        `InputError: --depends-on: "6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f:SEQUENTIAL" is not allowed; SEQUENTIAL dependencies are for array jobs; add --array-size`,
      )
    })

    test('--env-file problems name the file and line', () => {
      const envFiles = flag('--env-file', ['a.env'])
      expect(errorOf(() => specFor({}, {envFileReader: () => 'A=1\noops', envFiles}))).toBe(
        'InputError: --env-file a.env line 2: not a NAME=VALUE line (not shown: it may hold a secret); use NAME=VALUE lines and # comments',
      )
      expect(errorOf(() => specFor({}, {envFileReader: () => 'AWS_BATCH_X=1', envFiles}))).toBe(
        'InputError: --env-file a.env line 1: "AWS_BATCH_X" is not allowed; names starting with AWS_BATCH are reserved for AWS Batch',
      )
      expect(errorOf(() => specFor({}, {envFileReader: missingFile, envFiles}))).toBe(
        'InputError: --env-file: "a.env" cannot be read (ENOENT); use a readable file',
      )
    })

    test('the command: required, and no empty arguments', () => {
      const settings = resolveSettings({env: {}, flags: {}})
      expect(errorOf(() => buildJobSpec(settings, [], {platform: 'EC2'}))).toBe(
        'InputError: a command is required after --, e.g. -- python train.py',
      )
      expect(errorOf(() => buildJobSpec(settings, ['echo', ''], {platform: 'EC2'}))).toBe(
        'InputError: command: argument 2 is empty; AWS Batch rejects empty arguments',
      )
    })
  })

  describe('dry-run plan', () => {
    test('platform auto assumes EC2 and says so', () => {
      const settings = resolveSettings({env: {}, flags: {queue: 'q', swappiness: '1'}})
      const plan = planDryRun(settings, ['x'], {})
      expect(plan.notices).toEqual([
        '--platform auto: a dry run makes no AWS call, so it assumes ec2 (pass --platform fargate for Fargate)',
      ])
      expect(plan.warnings).toEqual([
        '--swappiness: has no effect without --max-swap (AWS Batch ignores swappiness then)',
      ])
      expect(plan.requests.registerJobDefinition.platformCapabilities).toEqual(['EC2'])
    })

    test('an explicit platform gives no notice', () => {
      const settings = resolveSettings({env: {}, flags: {executionRole: EXEC_ROLE, platform: 'FARGATE', queue: 'q'}})
      const plan = planDryRun(settings, ['x'], {})
      expect(plan.notices).toEqual([])
      expect(plan.requests.registerJobDefinition.platformCapabilities).toEqual(['FARGATE'])
    })

    test('a dry run needs a queue and a valid platform', () => {
      expect(errorOf(() => planDryRun(resolveSettings({env: {}, flags: {}}), ['x'], {}))).toBe(
        'InputError: --queue is required for a dry run (it cannot look up the default queue); set --queue or METAFLOW_BATCH_JOB_QUEUE',
      )
      expect(
        errorOf(() => planDryRun(resolveSettings({env: {}, flags: {platform: 'k8s', queue: 'q'}}), ['x'], {})),
      ).toBe('InputError: --platform: "k8s" is not allowed; use ec2, fargate or auto')
    })
  })
})
