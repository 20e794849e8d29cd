/**
 * Tables sized to the terminal (src/output/table.ts): at 80 and 120 columns no line is wider than the terminal, no
 * header is cut, shrinkable cells are cut least useful first, and whole columns go in their `drop` order; the
 * default `mfbatch-` prefix of job names is left out of a terminal's table but kept in a pipe.
 */
import type {JobDetail} from '@aws-sdk/client-batch'

import type {EnvironmentOverview, QueueOverview} from '../../../src/batch/queues/overview'

import {palette} from '../../../src/output/color'
import {jobColumns, jobView, tableName} from '../../../src/output/job-view'
import {queuesLines} from '../../../src/output/queues-view'
import {type Column, cut, renderTable} from '../../../src/output/table'
import {wrapHelpText, wrapWords} from '../../../src/output/width'

const T0 = Date.parse('2026-12-06T12:00:00Z')
const now = T0 + 3 * 60_000

const job = ([id, name, status, reason, exitCode]: [string, string, string, string, number]): JobDetail => ({
  container: {exitCode},
  createdAt: T0,
  jobDefinition: 'd',
  jobId: id,
  jobName: name,
  jobQueue: 'q',
  startedAt: T0 + 1000,
  status: status as JobDetail['status'],
  statusReason: reason,
  stoppedAt: T0 + 62_000,
})

const JOBS = [
  job([
    '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c',
    'mfbatch-train-model-2',
    'SUCCEEDED',
    'Essential container in task exited',
    0,
  ]),
  job([
    '11111111-2222-3333-4444-555555555555',
    'mfbatch-python3-c-print_1',
    'FAILED',
    'OutOfMemoryError: Container killed',
    137,
  ]),
]

const statusTable = (columns: number, tty = true) =>
  renderTable(
    jobColumns({now, paint: palette(false), tty}),
    JOBS.map((j) => jobView(j, now)),
    {columns, tty},
  )

describe('status table', () => {
  test('at 120 columns every column shows, the reason cut at a word, names without mfbatch-', () => {
    expect(statusTable(120)).toEqual([
      'ID                                    NAME               STATUS     EXIT  REASON                       CREATED  DURATION',
      '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c  train-model-2      SUCCEEDED  0     Essential container in…      3m ago   1m01s',
      '11111111-2222-3333-4444-555555555555  python3-c-print_1  FAILED     137   OutOfMemoryError: Containe…  3m ago   1m01s',
    ])
  })

  test('at 80 columns: created and duration left out, the reason then the name cut; nothing wider than 80', () => {
    const table = statusTable(80)
    expect(table).toEqual([
      'ID                                    NAME           STATUS     EXIT  REASON',
      '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c  train-model-2  SUCCEEDED  0     Essential…',
      '11111111-2222-3333-4444-555555555555  python3-c-pr…  FAILED     137   OutOfMemo…',
    ])
    expect(Math.max(...table.map((line) => line.length))).toBeLessThanOrEqual(80)
  })

  test('in a pipe: every field whole, names as AWS has them, no width applied', () => {
    expect(statusTable(80, false)[0].split('\t')).toEqual([
      '0f3c2a7e-8f3b-4b7a-9a51-3d1e2f4a5b6c',
      'mfbatch-train-model-2',
      'SUCCEEDED',
      '0',
      'Essential container in task exited',
      '2026-12-06T12:00:00.000Z',
      '61',
    ])
  })

  test('tableName: only the default prefix goes, and never the whole name', () => {
    expect([tableName('mfbatch-train'), tableName('train'), tableName('mfbatch-'), tableName(null)]).toEqual([
      'train',
      'train',
      'mfbatch-',
      '',
    ])
  })
})

const ce = (name: string, platform: 'EC2' | 'FARGATE'): EnvironmentOverview => ({
  arn: null,
  desiredvCpus: 0,
  gpus: platform === 'EC2',
  instanceTypes: platform === 'EC2' ? ['p3.2xlarge', 'g5.xlarge'] : [],
  maxvCpus: 256,
  minvCpus: 0,
  name,
  order: 1,
  platform,
  state: 'ENABLED',
  status: 'VALID',
  statusReason: null,
  type: 'MANAGED',
})

const queue = (name: string, environment: EnvironmentOverview, isDefault = false): QueueOverview => ({
  arn: null,
  computeEnvironments: [environment],
  default: isDefault,
  front: [],
  jobStateTimeLimitActions: [],
  name,
  platform: environment.platform,
  priority: 10,
  runnable: 3,
  running: 12,
  state: 'ENABLED',
  status: 'VALID',
  statusReason: null,
})

const QUEUES = [
  queue('gpu-training', ce('gpu-spot-ce', 'EC2'), true),
  queue('cpu-fargate', ce('fargate-ce', 'FARGATE')),
]
const queuesAt = (columns: number) =>
  queuesLines(QUEUES, {columns, env: {NO_COLOR: '1'}, stderrTty: true, stdoutTty: true})

describe('queues tables', () => {
  test('at 120 columns: the compute environments table leaves out only the type', () => {
    expect(queuesAt(120)).toEqual([
      '   QUEUE         STATE    STATUS  PLATFORM  PRIORITY  RUNNABLE  RUNNING  COMPUTE ENVIRONMENTS',
      '*  gpu-training  ENABLED  VALID   EC2       10        3         12       gpu-spot-ce',
      '   cpu-fargate   ENABLED  VALID   FARGATE   10        3         12       fargate-ce',
      '',
      'QUEUE         ORDER  COMPUTE ENVIRONMENT  STATE    STATUS  PLATFORM  VCPUS MIN/DESIRED/MAX  INSTANCE TYPES        GPUS',
      'gpu-training  1      gpu-spot-ce          ENABLED  VALID   EC2       0/0/256                p3.2xlarge,g5.xlarge  yes',
      'cpu-fargate   1      fargate-ce           ENABLED  VALID   FARGATE   0/0/256                -                     no',
    ])
  })

  test('at 80 columns: the least useful columns go, whole words stay, nothing wider than 80', () => {
    const lines = queuesAt(80)
    expect(lines).toEqual([
      '   QUEUE         STATE    STATUS  PLATFORM  PRIORITY  RUNNABLE  RUNNING',
      '*  gpu-training  ENABLED  VALID   EC2       10        3         12',
      '   cpu-fargate   ENABLED  VALID   FARGATE   10        3         12',
      '',
      'QUEUE         COMPUTE ENVIRONMENT  STATE    STATUS  PLATFORM  GPUS',
      'gpu-training  gpu-spot-ce          ENABLED  VALID   EC2       yes',
      'cpu-fargate   fargate-ce           ENABLED  VALID   FARGATE   no',
    ])
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(80)
  })
})

describe('the sizing rules', () => {
  interface Row {
    a: string
    b: string
    c: string
  }
  const columns: Array<Column<Row>> = [
    {header: 'a', value: (r) => r.a},
    {drop: 2, header: 'bbbbbbbbbb', min: 4, shrink: true, value: (r) => r.b},
    {drop: 1, header: 'c', min: 4, shrink: true, value: (r) => r.c},
  ]
  const row = {a: 'x'.repeat(10), b: 'y'.repeat(20), c: 'one two three four five'}

  test.each([
    [80, ['A           BBBBBBBBBB            C', `${'x'.repeat(10)}  ${'y'.repeat(20)}  one two three four five`]],
    // c (drop 1) is cut first, down to its minimum, then b, never below its header; only then do columns go.
    [40, ['A           BBBBBBBBBB            C', `${'x'.repeat(10)}  ${'y'.repeat(20)}  one t…`]],
    [30, ['A           BBBBBBBBBB    C', `${'x'.repeat(10)}  ${'y'.repeat(11)}…  one…`]],
    [24, ['A           BBBBBBBBBB', `${'x'.repeat(10)}  ${'y'.repeat(11)}…`]],
    [15, ['A', 'x'.repeat(10)]],
  ])('at %i columns', (width, expected) => {
    expect(renderTable(columns, [row], {columns: width, tty: true})).toEqual(expected)
  })

  test('a column that can neither shrink nor go: each line is cut to the terminal rather than wrapped', () => {
    const fixed: Array<Column<Row>> = [{header: 'a', value: (r) => r.a}]
    expect(renderTable(fixed, [row], {columns: 6, tty: true})).toEqual(['A', 'xxxxx…'])
  })

  test('cut: at the end of a word when one ends in the last third, else mid-word', () => {
    expect(cut('Essential container in task exited', 20)).toBe('Essential container…')
    expect(cut('Essential container in task exited', 14)).toBe('Essential con…')
    expect(cut('abcdefghij', 5)).toBe('abcd…')
  })
})

describe('wrapWords: progress lines wrap between words', () => {
  test.each([
    [
      'mfbatch: submitted job mfbatch-python3-c-print_12345 to queue local (EC2; job definition reused)',
      80,
      ['mfbatch: submitted job mfbatch-python3-c-print_12345 to queue local (EC2; job', '  definition reused)'],
    ],
    ['short line', 80, ['short line']],
    [
      '  status: mfbatch status 373fc8e8-2a53-4eac-ad82-1de6d101e2f6',
      30,
      ['  status: mfbatch status', '    373fc8e8-2a53-4eac-ad82-1de6d101e2f6'],
    ],
  ])('%j at %i', (line, columns, expected) => {
    const lines = wrapWords(line, columns)
    expect(lines).toEqual(expected)
    expect(lines.join(' ').replaceAll(/\s+/g, ' ').trim()).toBe(line.replaceAll(/\s+/g, ' ').trim())
  })
})

describe('wrapHelpText: a table row continues under its second column, other lines under their indentation', () => {
  test('rows, indented rows and prose', () => {
    const text = [
      'ENVIRONMENT',
      'MFBATCH_CACHE_DIR   where submit remembers queues and definitions',
      '  125     mfbatch itself failed, or was misused',
      '  an indented sentence that is long enough to wrap',
      'a plain sentence that is long enough to wrap here',
    ].join('\n')
    expect(wrapHelpText(text, 30).split('\n')).toEqual([
      'ENVIRONMENT',
      'MFBATCH_CACHE_DIR   where',
      '                    submit',
      '                    remembers',
      '                    queues and',
      '                    definitions',
      '  125     mfbatch itself',
      '          failed, or was',
      '          misused',
      '  an indented sentence that is',
      '  long enough to wrap',
      'a plain sentence that is long',
      'enough to wrap here',
    ])
  })
})
