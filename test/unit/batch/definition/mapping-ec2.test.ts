import type {JobSpecOptions} from '../../../../src/batch/definition/job-spec'
/**
 * DESIGN.md section 3, row by row, on EC2: each row's flags and the whole RegisterJobDefinition and SubmitJob
 * inputs they produce (the hashed definition name aside).
 */
import type {SettingName} from '../../../../src/config/types'

import {EXEC_ROLE, JOB_ROLE, requestsFor, withoutName} from '../support'

const PROPS = {
  command: ['echo', 'mfbatch job definition: the command comes with each submit'],
  image: 'python:3.11',
  resourceRequirements: [
    {type: 'VCPU', value: '1'},
    {type: 'MEMORY', value: '4096'},
  ],
}
const DEFINITION = {containerProperties: PROPS, platformCapabilities: ['EC2'], propagateTags: true, type: 'container'}
const RESOURCES = [
  {type: 'VCPU', value: '1'},
  {type: 'MEMORY', value: '4096'},
]
const OVERRIDES = {command: ['python', 'train.py'], resourceRequirements: RESOURCES}
const SUBMIT = {
  containerOverrides: OVERRIDES,
  jobName: 'alice-python-train_py',
  jobQueue: 'q',
  retryStrategy: {attempts: 1},
  timeout: {attemptDurationSeconds: 432_000},
}
const TMPFS_ENV = [{name: 'METAFLOW_TEMPDIR', value: '/metaflow_temp'}]
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf'

interface Row {
  definition?: object
  env?: Record<string, string>
  flags: Partial<Record<SettingName, unknown>>
  opts?: Partial<JobSpecOptions>
  row: string
  submit?: object
}

const ROWS: Row[] = [
  {flags: {}, row: 'defaults'},
  {
    flags: {cpu: '4'},
    row: '--cpu 4',
    submit: {
      ...SUBMIT,
      containerOverrides: {...OVERRIDES, resourceRequirements: [{type: 'VCPU', value: '4'}, RESOURCES[1]]},
    },
  },
  {
    flags: {cpu: '0.250'},
    row: '--cpu 0.250 (fractions, shortest decimal)',
    submit: {
      ...SUBMIT,
      containerOverrides: {...OVERRIDES, resourceRequirements: [{type: 'VCPU', value: '0.25'}, RESOURCES[1]]},
    },
  },
  {
    flags: {cpu: '2.0'},
    row: '--cpu 2.0 is sent as 2',
    submit: {
      ...SUBMIT,
      containerOverrides: {...OVERRIDES, resourceRequirements: [{type: 'VCPU', value: '2'}, RESOURCES[1]]},
    },
  },
  {
    flags: {gpu: '2'},
    row: '--gpu 2: VCPU, GPU, MEMORY',
    submit: {
      ...SUBMIT,
      containerOverrides: {...OVERRIDES, resourceRequirements: [RESOURCES[0], {type: 'GPU', value: '2'}, RESOURCES[1]]},
    },
  },
  {flags: {gpu: '0'}, row: '--gpu 0: no GPU entry'},
  {
    flags: {memory: '16000'},
    row: '--memory 16000',
    submit: {
      ...SUBMIT,
      containerOverrides: {...OVERRIDES, resourceRequirements: [RESOURCES[0], {type: 'MEMORY', value: '16000'}]},
    },
  },
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, image: 'ubuntu:22.04'}},
    flags: {image: 'ubuntu:22.04'},
    row: '--image',
  },
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, image: 'reg.example.com/team/app:1'}},
    flags: {image: 'team/app:1', registry: 'reg.example.com/'},
    row: '--registry before an image without one',
  },
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, image: 'ghcr.io/team/app:1'}},
    flags: {image: 'ghcr.io/team/app:1', registry: 'reg.example.com'},
    row: '--registry not before an image that names one',
  },
  {
    flags: {queue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gpu'},
    row: '--queue ARN',
    submit: {...SUBMIT, jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gpu'},
  },
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, jobRoleArn: JOB_ROLE}},
    flags: {iamRole: JOB_ROLE},
    row: '--iam-role',
  },
  {flags: {executionRole: EXEC_ROLE}, row: '--execution-role is not sent on EC2 without secrets'},
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, linuxParameters: {sharedMemorySize: 1024}}},
    flags: {sharedMemory: '1024'},
    row: '--shared-memory',
  },
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, linuxParameters: {maxSwap: 0}}},
    flags: {maxSwap: '0'},
    row: '--max-swap 0',
  },
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, linuxParameters: {maxSwap: 2048, swappiness: 100}}},
    flags: {maxSwap: '2048', swappiness: '100'},
    row: '--swappiness 100 (Metaflow rejects 100)',
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        linuxParameters: {tmpfs: [{containerPath: '/metaflow_temp', mountOptions: ['defaults'], size: 2048}]},
      },
    },
    flags: {useTmpfs: true},
    row: '--use-tmpfs: size memory/2, METAFLOW_TEMPDIR',
    submit: {...SUBMIT, containerOverrides: {...OVERRIDES, environment: TMPFS_ENV}},
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        linuxParameters: {tmpfs: [{containerPath: '/metaflow_temp', mountOptions: ['defaults'], size: 1000}]},
      },
    },
    flags: {tmpfsSize: '1000'},
    row: '--tmpfs-size alone enables tmpfs',
    submit: {...SUBMIT, containerOverrides: {...OVERRIDES, environment: TMPFS_ENV}},
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        linuxParameters: {tmpfs: [{containerPath: '/scratch', mountOptions: ['defaults'], size: 3000}]},
      },
    },
    flags: {memory: '6001', tmpfsPath: '/scratch', tmpfsTempdir: false, useTmpfs: true},
    row: '--tmpfs-path, --no-tmpfs-tempdir',
    submit: {
      ...SUBMIT,
      containerOverrides: {...OVERRIDES, resourceRequirements: [RESOURCES[0], {type: 'MEMORY', value: '6001'}]},
    },
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        linuxParameters: {
          devices: [
            {containerPath: '/dev/neuron0', hostPath: '/dev/neuron0', permissions: ['READ', 'WRITE']},
            {containerPath: '/dev/neuron1', hostPath: '/dev/neuron1', permissions: ['READ', 'WRITE']},
          ],
        },
      },
    },
    flags: {inferentia: '2'},
    row: '--inferentia 2',
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        linuxParameters: {
          devices: [{containerPath: '/dev/neuron0', hostPath: '/dev/neuron0', permissions: ['READ', 'WRITE']}],
        },
      },
    },
    flags: {trainium: '1'},
    row: '--trainium 1',
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        linuxParameters: {
          devices: [
            {containerPath: '/dev/neuron0', hostPath: '/dev/neuron0', permissions: ['READ', 'WRITE']},
            {
              containerPath: '/dev/infiniband/uverbs0',
              hostPath: '/dev/infiniband/uverbs0',
              permissions: ['READ', 'WRITE', 'MKNOD'],
            },
            {
              containerPath: '/dev/infiniband/uverbs1',
              hostPath: '/dev/infiniband/uverbs1',
              permissions: ['READ', 'WRITE', 'MKNOD'],
            },
          ],
        },
      },
    },
    flags: {efa: '2', inferentia: '1'},
    row: '--efa 2 with --inferentia 1',
  },
  {flags: {efa: '0', inferentia: '0', trainium: '0'}, row: 'zero devices: no linuxParameters'},
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        mountPoints: [
          {containerPath: '/data', sourceVolume: '_data'},
          {containerPath: '/models', sourceVolume: '_opt_models_v1'},
        ],
        volumes: [
          {host: {sourcePath: '/data'}, name: '_data'},
          {host: {sourcePath: '/opt/models.v1'}, name: '_opt_models_v1'},
        ],
      },
    },
    flags: {hostVolumes: ['/data', '/opt/models.v1:/models']},
    row: '--host-volume SRC[:DST]',
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        mountPoints: [
          {containerPath: '/mnt/fs-12345678', sourceVolume: 'efs_fs-12345678'},
          {containerPath: '/shared', sourceVolume: 'efs_fs-0123456789abcdef0'},
        ],
        volumes: [
          {
            efsVolumeConfiguration: {fileSystemId: 'fs-12345678', transitEncryption: 'ENABLED'},
            name: 'efs_fs-12345678',
          },
          {
            efsVolumeConfiguration: {fileSystemId: 'fs-0123456789abcdef0', transitEncryption: 'ENABLED'},
            name: 'efs_fs-0123456789abcdef0',
          },
        ],
      },
    },
    flags: {efsVolumes: ['fs-12345678', 'fs-0123456789abcdef0:/shared']},
    row: '--efs-volume FS[:DST]',
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {
        ...PROPS,
        logConfiguration: {
          logDriver: 'awslogs',
          options: {'awslogs-group': '/my/jobs', 'awslogs-stream-prefix': 'a:b'},
        },
      },
    },
    flags: {logDriver: 'awslogs', logOptions: ['awslogs-group:/my/jobs', 'awslogs-stream-prefix:a:b']},
    row: '--log-driver, --log-option split at the first colon',
  },
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, logConfiguration: {logDriver: 'json-file'}}},
    flags: {logDriver: 'json-file'},
    row: '--log-driver alone',
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {...PROPS, logConfiguration: {logDriver: 'awslogs', options: {'awslogs-group': '/g'}}},
    },
    flags: {logOptions: ['awslogs-group:/g']},
    row: '--log-option alone uses awslogs',
  },
  {
    definition: {...DEFINITION, containerProperties: {...PROPS, privileged: true}},
    flags: {privileged: true},
    row: '--privileged',
  },
  {flags: {privileged: false}, row: '--privileged false: not sent'},
  {
    env: {METAFLOW_BATCH_DEFAULT_TAGS: '{"team": "data", "org": "x", "n": 3}'},
    flags: {tags: ['team=ml', 'cost=a=b']},
    row: '--tag merged over METAFLOW_BATCH_DEFAULT_TAGS',
    submit: {...SUBMIT, tags: {cost: 'a=b', n: '3', org: 'x', team: 'ml'}},
  },
  {
    flags: {env: ['A=1', 'B=x=y', 'EMPTY=']},
    row: '--env',
    submit: {
      ...SUBMIT,
      containerOverrides: {
        ...OVERRIDES,
        environment: [
          {name: 'A', value: '1'},
          {name: 'B', value: 'x=y'},
          {name: 'EMPTY', value: ''},
        ],
      },
    },
  },
  {
    flags: {env: ['B=from-flag']},
    opts: {
      envFileReader: (path) => (path === 'vars.env' ? '# comment\n\nexport A="quoted value"\nB=from-file\n' : ''),
      envFiles: {origin: {kind: 'flag', label: '--env-file'}, value: ['vars.env']},
    },
    row: '--env-file, --env wins',
    submit: {
      ...SUBMIT,
      containerOverrides: {
        ...OVERRIDES,
        environment: [
          {name: 'A', value: 'quoted value'},
          {name: 'B', value: 'from-flag'},
        ],
      },
    },
  },
  {
    flags: {},
    opts: {name: {origin: {kind: 'flag', label: '--name'}, value: 'Nightly_run-7'}},
    row: '--name',
    submit: {...SUBMIT, jobName: 'Nightly_run-7'},
  },
  {flags: {retries: '3'}, row: '--retries 3', submit: {...SUBMIT, retryStrategy: {attempts: 4}}},
  {flags: {retries: '0'}, row: '--retries 0', submit: SUBMIT},
  {
    flags: {retries: '2'},
    opts: {retryOn: {origin: {kind: 'flag', label: '--retry-on'}, value: 'oom,exit:137'}},
    row: '--retries 2 --retry-on oom,exit:137',
    submit: {
      ...SUBMIT,
      retryStrategy: {
        attempts: 3,
        evaluateOnExit: [
          {action: 'RETRY', onReason: 'OutOfMemoryError*'},
          {action: 'RETRY', onExitCode: '137'},
          {action: 'EXIT', onReason: '*'},
        ],
      },
    },
  },
  {
    flags: {},
    opts: {consumables: {origin: {kind: 'flag', label: '--consumable'}, value: ['licence=2']}},
    row: '--consumable licence=2',
    submit: {
      ...SUBMIT,
      consumableResourcePropertiesOverride: {consumableResourceList: [{consumableResource: 'licence', quantity: 2}]},
    },
  },
  {
    flags: {retries: '2'},
    opts: {retryOn: {origin: {kind: 'flag', label: '--retry-on'}, value: 'all'}},
    row: '--retries 2 --retry-on all',
    submit: {...SUBMIT, retryStrategy: {attempts: 3}},
  },
  {flags: {timeout: '1h30m'}, row: '--timeout 1h30m', submit: {...SUBMIT, timeout: {attemptDurationSeconds: 5400}}},
  {flags: {timeout: '60'}, row: '--timeout 60', submit: {...SUBMIT, timeout: {attemptDurationSeconds: 60}}},
  {flags: {arraySize: '10'}, row: '--array-size', submit: {...SUBMIT, arrayProperties: {size: 10}}},
  {
    flags: {arraySize: '2'},
    opts: {
      dependsOn: {
        origin: {kind: 'flag', label: '--depends-on'},
        value: [
          '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f',
          '7c3c4b6f-1e2d-4a68-8a1f-2b3c4d5e6f70:N_TO_N',
          '8d4d5c70-2f3e-4b79-9b20-3c4d5e6f7081:3',
        ],
      },
    },
    row: '--depends-on',
    submit: {
      ...SUBMIT,
      arrayProperties: {size: 2},
      dependsOn: [
        {jobId: '6b2b3a5e-0d1c-4f57-9f0e-1a2b3c4d5e6f'},
        {jobId: '7c3c4b6f-1e2d-4a68-8a1f-2b3c4d5e6f70', type: 'N_TO_N'},
        {jobId: '8d4d5c70-2f3e-4b79-9b20-3c4d5e6f7081:3'},
      ],
    },
  },
  {
    definition: {
      ...DEFINITION,
      containerProperties: {...PROPS, executionRoleArn: EXEC_ROLE, secrets: [{name: 'DB', valueFrom: SECRET_ARN}]},
    },
    flags: {executionRole: EXEC_ROLE, secrets: [`DB=${SECRET_ARN}`]},
    row: '--secret (with the execution role that fetches it)',
  },
  {flags: {platform: 'ec2'}, row: '--platform ec2'},
]

describe('mapping on EC2', () => {
  test.each(ROWS)('EC2 $row', ({definition = DEFINITION, env, flags, opts, submit = SUBMIT}) => {
    expect(withoutName(requestsFor(flags, opts, env))).toEqual({definition, submit})
  })
})
