import type {JobSpecOptions} from '../../../../src/batch/definition/job-spec'
/**
 * DESIGN.md section 3, row by row, on Fargate: what maps as on EC2, what maps differently, and every EC2-only
 * setting rejected with a message naming it (Metaflow drops them silently).
 */
import type {SettingName} from '../../../../src/config/types'

import {errorOf, EXEC_ROLE, JOB_ROLE, requestsFor, withoutName} from '../support'

const FARGATE: Partial<JobSpecOptions> = {platform: 'FARGATE'}
const PROPS = {
  command: ['echo', 'mfbatch job definition: the command comes with each submit'],
  executionRoleArn: EXEC_ROLE,
  image: 'python:3.11',
  networkConfiguration: {assignPublicIp: 'ENABLED'},
  resourceRequirements: [
    {type: 'VCPU', value: '1'},
    {type: 'MEMORY', value: '4096'},
  ],
}
const DEFINITION = {
  containerProperties: PROPS,
  platformCapabilities: ['FARGATE'],
  propagateTags: true,
  type: 'container',
}
const OVERRIDES = {
  command: ['python', 'train.py'],
  resourceRequirements: [
    {type: 'VCPU', value: '1'},
    {type: 'MEMORY', value: '4096'},
  ],
}
const SUBMIT = {
  containerOverrides: OVERRIDES,
  jobName: 'alice-python-train_py',
  jobQueue: 'q',
  retryStrategy: {attempts: 1},
  timeout: {attemptDurationSeconds: 432_000},
}

function fargate(flags: Partial<Record<SettingName, unknown>>, opts: Partial<JobSpecOptions> = {}) {
  return withoutName(requestsFor({executionRole: EXEC_ROLE, ...flags}, {...FARGATE, ...opts}))
}

function sized(vcpu: string, memory: string) {
  return {
    ...SUBMIT,
    containerOverrides: {
      ...OVERRIDES,
      resourceRequirements: [
        {type: 'VCPU', value: vcpu},
        {type: 'MEMORY', value: memory},
      ],
    },
  }
}

describe('mapping on Fargate', () => {
  test.each([
    {definition: DEFINITION, flags: {}, row: 'defaults (1 vCPU, 4096 MiB is a Fargate pair)', submit: SUBMIT},
    {
      definition: DEFINITION,
      flags: {cpu: '0.25', memory: '512'},
      row: '--cpu 0.25 --memory 512',
      submit: sized('0.25', '512'),
    },
    {
      definition: DEFINITION,
      flags: {cpu: '16', memory: '122880'},
      row: '--cpu 16 --memory 122880',
      submit: sized('16', '122880'),
    },
    {definition: DEFINITION, flags: {gpu: '0'}, row: '--gpu 0 is fine', submit: SUBMIT},
    {
      definition: {
        ...DEFINITION,
        containerProperties: {...PROPS, image: 'reg.example.com/app:2', jobRoleArn: JOB_ROLE},
      },
      flags: {iamRole: JOB_ROLE, image: 'app:2', registry: 'reg.example.com'},
      row: '--image, --registry, --iam-role',
      submit: SUBMIT,
    },
    {
      definition: {...DEFINITION, containerProperties: {...PROPS, ephemeralStorage: {sizeInGiB: 50}}},
      flags: {ephemeralStorage: '50'},
      row: '--ephemeral-storage 50',
      submit: SUBMIT,
    },
    {
      definition: {
        ...DEFINITION,
        containerProperties: {
          ...PROPS,
          mountPoints: [{containerPath: '/mnt/fs-12345678', sourceVolume: 'efs_fs-12345678'}],
          volumes: [
            {
              efsVolumeConfiguration: {fileSystemId: 'fs-12345678', transitEncryption: 'ENABLED'},
              name: 'efs_fs-12345678',
            },
          ],
        },
      },
      flags: {efsVolumes: ['fs-12345678']},
      row: '--efs-volume works on Fargate',
      submit: SUBMIT,
    },
    {
      definition: {
        ...DEFINITION,
        containerProperties: {
          ...PROPS,
          logConfiguration: {logDriver: 'splunk', options: {'splunk-url': 'https://s:8088'}},
        },
      },
      flags: {logDriver: 'splunk', logOptions: ['splunk-url:https://s:8088']},
      row: '--log-driver splunk',
      submit: SUBMIT,
    },
    {
      definition: {
        ...DEFINITION,
        containerProperties: {
          ...PROPS,
          secrets: [{name: 'TOKEN', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/token'}],
        },
      },
      flags: {secrets: ['TOKEN=arn:aws:ssm:us-east-1:123456789012:parameter/token']},
      row: '--secret',
      submit: SUBMIT,
    },
    {
      definition: DEFINITION,
      flags: {arraySize: '5', env: ['A=1'], retries: '2', tags: ['team=ml'], timeout: '2d'},
      row: 'job-level settings map as on EC2',
      submit: {
        ...SUBMIT,
        arrayProperties: {size: 5},
        containerOverrides: {...OVERRIDES, environment: [{name: 'A', value: '1'}]},
        retryStrategy: {attempts: 3},
        tags: {team: 'ml'},
        timeout: {attemptDurationSeconds: 172_800},
      },
    },
  ])('Fargate $row', ({definition, flags, submit}) => {
    expect(fargate(flags)).toEqual({definition, submit})
  })

  const EC2_ONLY = 'it works only on EC2 queues, not on Fargate'

  test.each([
    {flags: {gpu: '1'}, message: `--gpu: "1" is not allowed; ${EC2_ONLY}`},
    {flags: {sharedMemory: '1024'}, message: `--shared-memory: "1024" is not allowed; ${EC2_ONLY}`},
    {flags: {maxSwap: '0'}, message: `--max-swap: "0" is not allowed; ${EC2_ONLY}`},
    {flags: {swappiness: '60'}, message: `--swappiness: "60" is not allowed; ${EC2_ONLY}`},
    {flags: {useTmpfs: true}, message: `--use-tmpfs: true is not allowed; ${EC2_ONLY}`},
    {flags: {tmpfsSize: '512'}, message: `--tmpfs-size: "512" is not allowed; ${EC2_ONLY}`},
    {flags: {inferentia: '1'}, message: `--inferentia: "1" is not allowed; ${EC2_ONLY}`},
    {flags: {trainium: '2'}, message: `--trainium: "2" is not allowed; ${EC2_ONLY}`},
    {flags: {efa: '1'}, message: `--efa: "1" is not allowed; ${EC2_ONLY}`},
    {flags: {hostVolumes: ['/data']}, message: `--host-volume: "/data" is not allowed; ${EC2_ONLY}`},
    {flags: {privileged: true}, message: `--privileged: true is not allowed; ${EC2_ONLY}`},
    {
      flags: {cpu: '3'},
      message: '--cpu: "3" is not allowed; on Fargate use 0.25, 0.5, 1, 2, 4, 8 or 16 vCPUs',
    },
    {
      flags: {cpu: '1', memory: '1024'},
      message: '--memory: "1024" is not allowed; on Fargate with 1 vCPU use 2048 to 8192 in steps of 1024 MiB',
    },
    {
      flags: {cpu: '0.25'},
      message: '--memory (default): "4096" is not allowed; on Fargate with 0.25 vCPU use 512, 1024 or 2048 MiB',
    },
    {
      flags: {cpu: '8', memory: '18432'},
      message: '--memory: "18432" is not allowed; on Fargate with 8 vCPU use 16384 to 61440 in steps of 4096 MiB',
    },
    {
      flags: {ephemeralStorage: '20'},
      message:
        '--ephemeral-storage: "20" is not allowed; use a whole number of GiB from 21 to 200 or a size such as 50GiB or 51200MiB',
    },
    {
      flags: {logDriver: 'json-file'},
      message: '--log-driver: "json-file" is not allowed; use awslogs or splunk (the drivers Fargate supports)',
    },
    {
      flags: {executionRole: undefined},
      message:
        '--execution-role (METAFLOW_ECS_FARGATE_EXECUTION_ROLE) is required; Fargate jobs need a task execution role ARN',
    },
  ])('Fargate rejects $flags', ({flags, message}) => {
    expect(errorOf(() => requestsFor({executionRole: EXEC_ROLE, ...flags}, FARGATE))).toBe(`InputError: ${message}`)
  })

  test('Fargate-only --ephemeral-storage is rejected on EC2', () => {
    expect(errorOf(() => requestsFor({ephemeralStorage: '30'}))).toBe(
      'InputError: --ephemeral-storage: "30" is not allowed; it works only on Fargate queues (EC2 instances bring their own disks)',
    )
  })

  test('--secret on EC2 needs the execution role that fetches it', () => {
    expect(errorOf(() => requestsFor({secrets: ['A=arn:aws:ssm:us-east-1:123456789012:parameter/a']}))).toBe(
      'InputError: --execution-role (METAFLOW_ECS_FARGATE_EXECUTION_ROLE) is required; jobs with --secret need a task execution role ARN',
    )
  })
})
