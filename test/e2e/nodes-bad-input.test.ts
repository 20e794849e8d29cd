/**
 * Bad `--nodes` input exits 2 with one stderr line naming the flag, nothing on stdout, and no API call: every case
 * runs as a real submit pointed at an emulator whose call counts must stay empty. A Fargate queue is refused too,
 * before any job definition is registered or job submitted (finding the queue's platform is the one thing asked).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecution'
let emulator: TestEmulator
let home: string

const mfbatch = (args: string[]) => runCli(args, {cwd: home, env: {...emulator.env, HOME: home}})

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mfbatch-e2e-nodes-bad-'))
  emulator = await startEmulator()
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  rmSync(home, {force: true, recursive: true})
})

const CASES: Array<[string, string[], string]> = [
  [
    '--platform fargate',
    ['--platform', 'fargate', '--execution-role', EXEC_ROLE, '--nodes', '2'],
    '--nodes: "2" is not allowed; multi-node jobs run only on EC2 queues, not on Fargate',
  ],
  [
    '--array-size with --nodes',
    ['--array-size', '4', '--nodes', '2'],
    '--nodes: "2" is not allowed; a job is either multi-node or an array job; drop --array-size',
  ],
  ['--nodes 1', ['--nodes', '1'], '--nodes: "1" is not allowed; use a whole number from 2 to 1000'],
  ['--nodes 1001', ['--nodes', '1001'], '--nodes: "1001" is not allowed; use a whole number from 2 to 1000'],
  [
    '--main-port without --nodes',
    ['--main-port', '1234'],
    '--main-port: "1234" is not allowed; it needs --nodes N (2 or more)',
  ],
]

describe('submit --nodes with bad input', () => {
  test.each(CASES)('%s: exit 2, one line, no API call', async (_name, args, line) => {
    await emulator.resetStats()
    const result = await mfbatch(['submit', '--queue', 'local', ...args, '--', 'true'])
    expect(result).toEqual({code: 2, stderr: `mfbatch: ${line}\n`, stdout: ''})
    expect(await emulator.stats()).toEqual({})
  })
})

describe('submit --nodes to a Fargate queue with --platform auto', () => {
  test('refused naming --nodes once the queue has told its platform; nothing registered or submitted', async () => {
    await emulator.resetStats()
    const result = await mfbatch(['submit', '--queue', 'local-fargate', '--nodes', '2', '--', 'true'])
    expect(result).toEqual({
      code: 2,
      stderr: 'mfbatch: --nodes: "2" is not allowed; multi-node jobs run only on EC2 queues, not on Fargate\n',
      stdout: '',
    })
    // The platform is known only from the queue's compute environment: those two calls, nothing after them.
    expect(await emulator.stats()).toEqual({'batch:DescribeComputeEnvironments': 1, 'batch:DescribeJobQueues': 1})
  })
})
