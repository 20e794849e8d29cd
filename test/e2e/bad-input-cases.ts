/**
 * Bad input to `mfbatch submit` from every kind of source, shared by bad-input.test.ts (with `--dry-run`, no AWS at
 * all) and reliability-hostile-input.test.ts (a real submit pointed at an emulator, which must see no call). Each
 * case is the arguments after `submit`, the environment and files it needs, and the one stderr line it must give.
 */
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'

export const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecution'
const EC2_ONLY = 'it works only on EC2 queues, not on Fargate'
const FARGATE = ['--platform', 'fargate', '--execution-role', EXEC_ROLE]

export interface Case {
  args: string[]
  /** Only a dry run refuses this (a real submit would ask AWS for the default queue). */
  dryRunOnly?: boolean
  env?: Record<string, string>
  /** Files to create, relative to the temp root (`project/` is the working directory). */
  files?: Record<string, object | string>
  /** The whole stderr line, without the `mfbatch: ` prefix; `{root}` is the temp root. */
  line: string
}

/**
 * A temp root's layout: `project/` (the working directory), `home/` (HOME) and `home/metaflow` (METAFLOW_HOME),
 * with the case's files written.
 */
export function layOut(root: string, files: Case['files'] = {}): void {
  mkdirSync(path.join(root, 'project'), {recursive: true})
  mkdirSync(path.join(root, 'home', 'metaflow'), {recursive: true})
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative)
    mkdirSync(path.dirname(target), {recursive: true})
    writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content))
  }
}

/** HOME and METAFLOW_HOME inside the temp root. */
export function homes(root: string): Record<string, string> {
  return {HOME: path.join(root, 'home'), METAFLOW_HOME: path.join(root, 'home', 'metaflow')}
}

export const SUBMIT_CASES: Array<[string, Case]> = [
  // Flags
  [
    'negative cpu',
    {
      args: ['--queue', 'q', '--cpu', '-1', '--', 'x'],
      line: '--cpu: "-1" is not allowed; use a number greater than 0 (fractions like 0.25 are fine)',
    },
  ],
  [
    'cpu in words',
    {
      args: ['--queue', 'q', '--cpu=four', '--', 'x'],
      line: '--cpu: "four" is not allowed; use a number greater than 0 (fractions like 0.25 are fine)',
    },
  ],
  [
    'fractional gpu',
    {
      args: ['--queue', 'q', '--gpu', '0.5', '--', 'x'],
      line: '--gpu: "0.5" is not allowed; use a whole number, 0 or more',
    },
  ],
  [
    'memory zero',
    {
      args: ['--queue', 'q', '--memory', '0', '--', 'x'],
      line: '--memory: "0" is not allowed; use a whole number of MiB greater than 0 or a size such as 4GiB or 512MiB',
    },
  ],
  [
    'swappiness above 100',
    {
      args: ['--queue', 'q', '--swappiness', '101', '--', 'x'],
      line: '--swappiness: "101" is not allowed; use a whole number from 0 to 100',
    },
  ],
  [
    'shared memory on Fargate',
    {
      args: ['--queue', 'q', ...FARGATE, '--shared-memory', '64', '--', 'x'],
      line: `--shared-memory: "64" is not allowed; ${EC2_ONLY}`,
    },
  ],
  [
    'tmpfs on Fargate',
    {
      args: ['--queue', 'q', ...FARGATE, '--use-tmpfs', '--', 'x'],
      line: `--use-tmpfs: true is not allowed; ${EC2_ONLY}`,
    },
  ],
  [
    'gpu on Fargate',
    {args: ['--queue', 'q', ...FARGATE, '--gpu', '1', '--', 'x'], line: `--gpu: "1" is not allowed; ${EC2_ONLY}`},
  ],
  [
    'a vCPU count Fargate does not offer',
    {
      args: ['--queue', 'q', ...FARGATE, '--cpu', '3', '--', 'x'],
      line: '--cpu: "3" is not allowed; on Fargate use 0.25, 0.5, 1, 2, 4, 8 or 16 vCPUs',
    },
  ],
  [
    'a memory size Fargate does not pair with the vCPUs',
    {
      args: ['--queue', 'q', ...FARGATE, '--cpu', '2', '--memory', '2048', '--', 'x'],
      line: '--memory: "2048" is not allowed; on Fargate with 2 vCPU use 4096 to 16384 in steps of 1024 MiB',
    },
  ],
  [
    'Fargate without an execution role',
    {
      args: ['--queue', 'q', '--platform', 'fargate', '--', 'x'],
      line: '--execution-role (METAFLOW_ECS_FARGATE_EXECUTION_ROLE) is required; Fargate jobs need a task execution role ARN',
    },
  ],
  [
    'ephemeral storage too small',
    {
      args: ['--queue', 'q', ...FARGATE, '--ephemeral-storage', '10', '--', 'x'],
      line: '--ephemeral-storage: "10" is not allowed; use a whole number of GiB from 21 to 200 or a size such as 50GiB or 51200MiB',
    },
  ],
  [
    'inferentia and trainium together',
    {
      args: ['--queue', 'q', '--inferentia', '1', '--trainium', '1', '--', 'x'],
      line: '--trainium: "1" is not allowed; use either --inferentia or --trainium, not both',
    },
  ],
  [
    'a relative host volume',
    {
      args: ['--queue', 'q', '--host-volume', 'data', '--', 'x'],
      line: '--host-volume: "data" is not allowed; use /absolute/host/path or /host/path:/container/path',
    },
  ],
  [
    'an EFS id that is not one',
    {
      args: ['--queue', 'q', '--efs-volume', 'my-fs', '--', 'x'],
      line: '--efs-volume: "my-fs" is not allowed; use an EFS file system id like fs-0123abcd, optionally with :/container/path',
    },
  ],
  [
    'a log option without a colon',
    {
      args: ['--queue', 'q', '--log-option', 'awslogs-group', '--', 'x'],
      line: '--log-option: "awslogs-group" is not allowed; use KEY:VALUE, e.g. awslogs-group:/my/jobs',
    },
  ],
  [
    'a reserved tag key',
    {
      args: ['--queue', 'q', '--tag', 'aws:owner=me', '--', 'x'],
      line: '--tag: "aws:owner=me" is not allowed; tag keys starting with aws: are reserved',
    },
  ],
  [
    'a reserved environment variable',
    {
      args: ['--queue', 'q', '--env', 'AWS_BATCH_JOB_ID=1', '--', 'x'],
      line: '--env: "AWS_BATCH_JOB_ID" is not allowed; names starting with AWS_BATCH are reserved for AWS Batch',
    },
  ],
  [
    'an environment variable name a shell cannot use',
    {
      args: ['--queue', 'q', '--env', 'MY-VAR=1', '--', 'x'],
      line: '--env: "MY-VAR" is not allowed; names are letters, digits and _, not starting with a digit',
    },
  ],
  [
    'a bad line in an env file',
    {
      args: ['--queue', 'q', '--env-file', 'job.env', '--', 'x'],
      files: {'project/job.env': 'A=1\n# fine\njust words\n'},
      line: '--env-file job.env line 3: not a NAME=VALUE line (not shown: it may hold a secret); use NAME=VALUE lines and # comments',
    },
  ],
  // A missing --env-file is not here: Node 20 itself exits 9 ("node: FILE: not found") when `--env-file` names a
  // missing file anywhere before a `--` in argv, before any mfbatch code runs (nodejs/node#54232). The unit tests
  // cover mfbatch's own message for it.
  [
    'a job name AWS rejects',
    {
      args: ['--queue', 'q', '--name', 'my job', '--', 'x'],
      line: '--name: "my job" is not allowed; use up to 128 letters, digits, - and _, starting with a letter or digit',
    },
  ],
  [
    'an empty job name (an unset variable in a script)',
    {
      args: ['--queue', 'q', '--name', '', '--', 'x'],
      line: '--name: "" is not allowed; it must not be empty; use up to 128 letters, digits, - and _, starting with a letter or digit',
    },
  ],
  [
    'an empty image',
    {
      args: ['--queue', 'q', '--image=', '--', 'x'],
      line: '--image: "" is not allowed; it must not be empty; use an image reference like python:3.11 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1',
    },
  ],
  [
    'too many retries',
    {
      args: ['--queue', 'q', '--retries', '10', '--', 'x'],
      line: '--retries: "10" is not allowed; use a whole number from 0 to 9',
    },
  ],
  [
    'a timeout under a minute',
    {
      args: ['--queue', 'q', '--timeout', '30s', '--', 'x'],
      line: '--timeout: "30s" is not allowed; use seconds (at least 60) or a duration like 90m, 1h30m or 2d',
    },
  ],
  [
    'an array of one',
    {
      args: ['--queue', 'q', '--array-size', '1', '--', 'x'],
      line: '--array-size: "1" is not allowed; use a whole number from 2 to 10000',
    },
  ],
  [
    'an N_TO_N dependency without an array',
    {
      args: ['--queue', 'q', '--depends-on', '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f:N_TO_N', '--', 'x'],
      line: '--depends-on: "6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f:N_TO_N" is not allowed; N_TO_N dependencies are for array jobs; add --array-size',
    },
  ],
  [
    'a secret without an ARN',
    {
      args: ['--queue', 'q', '--execution-role', EXEC_ROLE, '--secret', 'TOKEN', '--', 'x'],
      line: '--secret: "TOKEN" is not allowed; use NAME=ARN of a Secrets Manager secret or SSM parameter',
    },
  ],
  [
    'an unknown platform',
    {
      args: ['--queue', 'q', '--platform', 'k8s', '--', 'x'],
      line: '--platform: "k8s" is not allowed; use ec2, fargate or auto',
    },
  ],
  [
    'a role that is not an ARN',
    {
      args: ['--queue', 'q', '--iam-role', 'my-role', '--', 'x'],
      line: '--iam-role: "my-role" is not allowed; use an IAM role ARN like arn:aws:iam::123456789012:role/name',
    },
  ],
  // Usage
  ['no command', {args: ['--queue', 'q'], line: 'a command is required after --, e.g. submit -- python train.py'}],
  [
    'a command without --',
    {
      args: ['--queue', 'q', 'python', 'train.py'],
      line: 'put the command after --, e.g. submit --cpu 2 -- python train.py (got "python train.py" before it)',
    },
  ],
  [
    'a mistyped flag',
    {args: ['--queue', 'q', '--cpus', '2', '--', 'x'], line: '--cpus: not a flag here; did you mean --cpu?'},
  ],
  [
    'no queue in a dry run',
    {
      args: ['--', 'x'],
      dryRunOnly: true,
      line: '--queue is required for a dry run (it cannot look up the default queue); set --queue or METAFLOW_BATCH_JOB_QUEUE',
    },
  ],
  // Environment variables
  [
    'METAFLOW_DEFAULT_RUNTIME_LIMIT too short',
    {
      args: ['--queue', 'q', '--', 'x'],
      env: {METAFLOW_DEFAULT_RUNTIME_LIMIT: '30'},
      line: 'METAFLOW_DEFAULT_RUNTIME_LIMIT: "30" is not allowed; use seconds (at least 60) or a duration like 90m, 1h30m or 2d',
    },
  ],
  [
    'METAFLOW_BATCH_JOB_QUEUE with a space',
    {
      args: ['--', 'x'],
      env: {METAFLOW_BATCH_JOB_QUEUE: 'my queue'},
      line: 'METAFLOW_BATCH_JOB_QUEUE: "my queue" is not allowed; use a job queue name or ARN',
    },
  ],
  [
    'METAFLOW_BATCH_DEFAULT_TAGS with a reserved key',
    {
      args: ['--queue', 'q', '--', 'x'],
      env: {METAFLOW_BATCH_DEFAULT_TAGS: '{"aws:team": "ml"}'},
      line: 'METAFLOW_BATCH_DEFAULT_TAGS: "aws:team=ml" is not allowed; tag keys starting with aws: are reserved',
    },
  ],
  [
    'METAFLOW_ECS_FARGATE_EXECUTION_ROLE that is not an ARN',
    {
      args: ['--queue', 'q', '--platform', 'fargate', '--', 'x'],
      env: {METAFLOW_ECS_FARGATE_EXECUTION_ROLE: 'exec'},
      line: 'METAFLOW_ECS_FARGATE_EXECUTION_ROLE: "exec" is not allowed; use an IAM role ARN like arn:aws:iam::123456789012:role/name',
    },
  ],
  // Config files
  [
    'a project file with a negative cpu',
    {
      args: ['--queue', 'q', '--', 'x'],
      files: {'project/.mfbatchrc.json': {cpu: -1}},
      line: '{root}/project/.mfbatchrc.json (key cpu): "-1" is not allowed; use a number greater than 0 (fractions like 0.25 are fine)',
    },
  ],
  [
    'a project file with an empty image',
    {
      args: ['--queue', 'q', '--', 'x'],
      files: {'project/.mfbatchrc.json': {image: ''}},
      line: '{root}/project/.mfbatchrc.json (key image): "" is not allowed; it must not be empty; use an image reference like python:3.11 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1',
    },
  ],
  [
    'a project file with an EC2-only setting, on Fargate',
    {
      args: ['--queue', 'q', ...FARGATE, '--', 'x'],
      files: {'project/.mfbatchrc.json': {maxSwap: 0}},
      line: `{root}/project/.mfbatchrc.json (key maxSwap): "0" is not allowed; ${EC2_ONLY}`,
    },
  ],
  [
    'a Metaflow local config with an image containing a space',
    {
      args: ['--queue', 'q', '--', 'x'],
      files: {'project/.metaflow/config.json': {METAFLOW_BATCH_CONTAINER_IMAGE: 'my image'}},
      line: '{root}/project/.metaflow/config.json (METAFLOW_BATCH_CONTAINER_IMAGE): "my image" is not allowed; use an image reference like python:3.11 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1',
    },
  ],
  [
    'a Metaflow global config with a bad job role',
    {
      args: ['--queue', 'q', '--', 'x'],
      files: {'home/metaflow/config.json': {METAFLOW_ECS_S3_ACCESS_IAM_ROLE: 'role/x'}},
      line: '{root}/home/metaflow/config.json (METAFLOW_ECS_S3_ACCESS_IAM_ROLE): "role/x" is not allowed; use an IAM role ARN like arn:aws:iam::123456789012:role/name',
    },
  ],
]
