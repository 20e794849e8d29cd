/**
 * DESIGN.md section 3 with `--nodes 3`, row by row: every single-node flag lands where it lands for one node, inside
 * the node range. The definition's containerProperties become the container of the one range "0:" and SubmitJob's
 * containerOverrides become that range's overrides (command wrapped for rendezvous); everything else stays where
 * it was. Each row also names the member its flag sets, so a flag that silently did nothing would fail its row.
 */
import type {BatchRequests} from '../../../../src/batch/definition/requests'
import type {SettingName} from '../../../../src/config/types'

import {type JobSpecOptions} from '../../../../src/batch/definition/job-spec'
import {rendezvousCommand} from '../../../../src/batch/nodes/rendezvous'
import {COMMAND, EXEC_ROLE, JOB_ROLE, requestsFor} from '../support'

const NODES = {origin: {kind: 'flag' as const, label: '--nodes'}, value: '3'}
const flagged = (label: string, value: unknown) => ({origin: {kind: 'flag' as const, label}, value})
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf'

interface Row {
  /** What the flag sets: in the node range's container, in its overrides, or on SubmitJob itself. */
  expect: {container?: object; overrides?: object; submit?: object}
  flags: Partial<Record<SettingName, unknown>>
  opts?: Partial<JobSpecOptions>
  row: string
}

const ROWS: Row[] = [
  {
    expect: {
      overrides: {
        resourceRequirements: [
          {type: 'VCPU', value: '4'},
          {type: 'MEMORY', value: '4096'},
        ],
      },
    },
    flags: {cpu: '4'},
    row: '--cpu 4',
  },
  {
    expect: {
      overrides: {
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'GPU', value: '8'},
          {type: 'MEMORY', value: '4096'},
        ],
      },
    },
    flags: {gpu: '8'},
    row: '--gpu 8',
  },
  {
    expect: {
      overrides: {
        resourceRequirements: [
          {type: 'VCPU', value: '1'},
          {type: 'MEMORY', value: '16000'},
        ],
      },
    },
    flags: {memory: '16000'},
    row: '--memory 16000',
  },
  {expect: {container: {image: 'pytorch/pytorch:2.3'}}, flags: {image: 'pytorch/pytorch:2.3'}, row: '--image'},
  {
    expect: {container: {image: 'reg.example.com/python:3.11'}},
    flags: {registry: 'reg.example.com'},
    row: '--registry',
  },
  {expect: {container: {jobRoleArn: JOB_ROLE}}, flags: {iamRole: JOB_ROLE}, row: '--iam-role'},
  {
    expect: {container: {executionRoleArn: EXEC_ROLE, secrets: [{name: 'DB', valueFrom: SECRET_ARN}]}},
    flags: {executionRole: EXEC_ROLE, secrets: [`DB=${SECRET_ARN}`]},
    row: '--execution-role with --secret',
  },
  {
    expect: {container: {linuxParameters: {sharedMemorySize: 1024}}},
    flags: {sharedMemory: '1024'},
    row: '--shared-memory',
  },
  {
    expect: {container: {linuxParameters: {maxSwap: 2048, swappiness: 60}}},
    flags: {maxSwap: '2048', swappiness: '60'},
    row: '--max-swap, --swappiness',
  },
  {
    expect: {
      container: {
        linuxParameters: {tmpfs: [{containerPath: '/metaflow_temp', mountOptions: ['defaults'], size: 2048}]},
      },
      overrides: {environment: [{name: 'METAFLOW_TEMPDIR', value: '/metaflow_temp'}]},
    },
    flags: {useTmpfs: true},
    row: '--use-tmpfs',
  },
  {
    expect: {
      container: {linuxParameters: {tmpfs: [{containerPath: '/scratch', mountOptions: ['defaults'], size: 512}]}},
    },
    flags: {tmpfsPath: '/scratch', tmpfsSize: '512', tmpfsTempdir: false},
    row: '--tmpfs-size, --tmpfs-path, --no-tmpfs-tempdir',
  },
  {
    expect: {
      container: {
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
    expect: {
      container: {
        linuxParameters: {
          devices: [{containerPath: '/dev/neuron0', hostPath: '/dev/neuron0', permissions: ['READ', 'WRITE']}],
        },
      },
    },
    flags: {trainium: '1'},
    row: '--trainium 1',
  },
  {
    expect: {
      container: {
        linuxParameters: {
          devices: [0, 1, 2, 3].map((i) => ({
            containerPath: `/dev/infiniband/uverbs${i}`,
            hostPath: `/dev/infiniband/uverbs${i}`,
            permissions: ['READ', 'WRITE', 'MKNOD'],
          })),
        },
      },
    },
    flags: {efa: '4'},
    row: '--efa 4: every device, with host path, container path and READ/WRITE/MKNOD',
  },
  {
    expect: {
      container: {
        mountPoints: [{containerPath: '/data', sourceVolume: '_mnt_data'}],
        volumes: [{host: {sourcePath: '/mnt/data'}, name: '_mnt_data'}],
      },
    },
    flags: {hostVolumes: ['/mnt/data:/data']},
    row: '--host-volume',
  },
  {
    expect: {
      container: {
        mountPoints: [{containerPath: '/mnt/fs-0123abcd', sourceVolume: 'efs_fs-0123abcd'}],
        volumes: [
          {
            efsVolumeConfiguration: {fileSystemId: 'fs-0123abcd', transitEncryption: 'ENABLED'},
            name: 'efs_fs-0123abcd',
          },
        ],
      },
    },
    flags: {efsVolumes: ['fs-0123abcd']},
    row: '--efs-volume',
  },
  {
    expect: {container: {logConfiguration: {logDriver: 'awslogs', options: {'awslogs-group': '/team/jobs'}}}},
    flags: {logOptions: ['awslogs-group:/team/jobs']},
    row: '--log-option',
  },
  {
    expect: {container: {logConfiguration: {logDriver: 'json-file'}}},
    flags: {logDriver: 'json-file'},
    row: '--log-driver',
  },
  {expect: {container: {privileged: true}}, flags: {privileged: true}, row: '--privileged'},
  {expect: {submit: {tags: {team: 'ml'}}}, flags: {tags: ['team=ml']}, row: '--tag'},
  {expect: {overrides: {environment: [{name: 'EPOCHS', value: '3'}]}}, flags: {env: ['EPOCHS=3']}, row: '--env'},
  {
    expect: {overrides: {environment: [{name: 'B', value: 'from-file'}]}},
    flags: {},
    opts: {envFileReader: () => 'B=from-file\n', envFiles: flagged('--env-file', ['vars.env'])},
    row: '--env-file',
  },
  {expect: {submit: {retryStrategy: {attempts: 4}}}, flags: {retries: '3'}, row: '--retries 3'},
  {expect: {submit: {timeout: {attemptDurationSeconds: 5400}}}, flags: {timeout: '1h30m'}, row: '--timeout 1h30m'},
  {
    expect: {submit: {jobName: 'train-3-nodes'}},
    flags: {},
    opts: {name: flagged('--name', 'train-3-nodes')},
    row: '--name',
  },
  {
    expect: {submit: {dependsOn: [{jobId: '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c'}]}},
    flags: {},
    opts: {dependsOn: flagged('--depends-on', ['0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c'])},
    row: '--depends-on',
  },
]

/** The single-node requests moved into node ranges, as multi-node requests must be for the same flags. */
function asNodes(single: BatchRequests, mainPort = 29_500) {
  const {definition: whole, submit: wholeSubmit} = withoutNames(single)
  const {containerProperties, ...definition} = whole
  const {containerOverrides, ...submit} = wholeSubmit
  return {
    definition: {
      ...definition,
      nodeProperties: {
        mainNode: 0,
        nodeRangeProperties: [{container: containerProperties, targetNodes: '0:'}],
        numNodes: 3,
      },
      type: 'multinode',
    },
    submit: {
      ...submit,
      nodeOverrides: {
        nodePropertyOverrides: [
          {
            containerOverrides: {...containerOverrides, command: rendezvousCommand(COMMAND, {count: 3, mainPort})},
            targetNodes: '0:',
          },
        ],
        numNodes: 3,
      },
    },
  }
}

function withoutNames(requests: BatchRequests) {
  const definition = {...requests.registerJobDefinition}
  const submit = {...requests.submitJob}
  expect(submit.jobDefinition).toBe(definition.jobDefinitionName)
  delete definition.jobDefinitionName
  delete submit.jobDefinition
  return {definition, submit}
}

describe('--nodes 3: each single-node flag inside the node range', () => {
  test.each(ROWS.map((r) => [r.row, r] as const))('%s', (_row, {expect: where, flags, opts = {}}) => {
    const single = requestsFor(flags, opts)
    const multi = withoutNames(requestsFor(flags, {...opts, nodes: NODES}))
    expect(multi).toEqual(asNodes(single))
    const range = multi.definition.nodeProperties!.nodeRangeProperties![0]
    const override = multi.submit.nodeOverrides!.nodePropertyOverrides![0]
    if (where.container) expect(range.container).toMatchObject(where.container)
    if (where.overrides) expect(override.containerOverrides).toMatchObject(where.overrides)
    if (where.submit) expect(multi.submit).toMatchObject(where.submit)
  })

  test('defaults: no containerProperties or containerOverrides of their own, the whole shape', () => {
    const multi = withoutNames(requestsFor({}, {nodes: NODES}))
    expect(multi.definition).not.toHaveProperty('containerProperties')
    expect(multi.submit).not.toHaveProperty('containerOverrides')
    expect(multi).toEqual(asNodes(requestsFor({})))
  })

  test("--main-port is written into every node's wrapper", () => {
    const multi = requestsFor({}, {mainPort: flagged('--main-port', '12345'), nodes: NODES})
    expect(withoutNames(multi)).toEqual(asNodes(requestsFor({}), 12_345))
    expect(multi.submitJob.nodeOverrides!.nodePropertyOverrides![0].containerOverrides!.command![2]).toContain(
      'MASTER_PORT=12345',
    )
  })

  test('a different node count is a different definition; the same count shares one', () => {
    const three = requestsFor({}, {nodes: NODES}).registerJobDefinition.jobDefinitionName
    const four = requestsFor({}, {nodes: flagged('--nodes', '4')}).registerJobDefinition.jobDefinitionName
    const single = requestsFor({}).registerJobDefinition.jobDefinitionName
    expect(new Set([four, single, three]).size).toBe(3)
    expect(requestsFor({cpu: '8'}, {nodes: NODES}).registerJobDefinition.jobDefinitionName).toBe(three)
  })
})
