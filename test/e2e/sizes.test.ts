/**
 * Sizes with units, as users type them: `--memory 4GiB`, `512m`, `4GB` (read as Docker reads it), a plain number in
 * the flag's own unit, the warning for a plain `--memory` so small it was probably meant in GiB (from a flag or a
 * project file), refusals naming the flag, the value and what is allowed, and the help that says so. Dry runs show
 * the exact requests; one real submit on an emulator checks what AWS Batch is given.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

let emulator: TestEmulator
let home: string

const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecution'
const mfbatch = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, {cwd: home, env: {...emulator.env, HOME: home, ...extra}})
const dryRun = (args: string[]) => mfbatch(['submit', '--dry-run', '--json', '--queue', 'q', ...args, '--', 'true'])
/** stderr without the emulator's start lines (none here: the CLI's own stderr only) and warnings split out. */
const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('warning'))

interface Requests {
  registerJobDefinition: {
    containerProperties: {
      ephemeralStorage?: {sizeInGiB: number}
      linuxParameters?: {maxSwap?: number; sharedMemorySize?: number; tmpfs?: Array<{size: number}>}
    }
  }
  submitJob: {containerOverrides: {resourceRequirements: Array<{type: string; value: string}>}}
}

const memoryOf = (requests: Requests) =>
  requests.submitJob.containerOverrides.resourceRequirements.find((r) => r.type === 'MEMORY')?.value

beforeAll(async () => {
  // The emulator's own --memory takes a unit too: its compute environments get 6144 MiB.
  emulator = await startEmulator({args: ['--memory', '6GiB']})
  home = mkdtempSync(join(tmpdir(), 'mfbatch-sizes-'))
})

afterAll(async () => {
  await emulator?.stop()
  if (emulator) removeStateDir(emulator.stateDir)
  rmSync(home, {force: true, recursive: true})
})

describe('--memory with a unit', () => {
  test.each([
    // The rest of the forms are unit tests (test/unit/batch/parse/memory-size.test.ts).
    ['4GiB', '4096'],
    ['4g', '4096'],
    ['4GB', '4096'],
    ['512m', '512'],
    ['16000', '16000'],
  ])('--memory %s sends MEMORY %s, without a warning', async (size, mib) => {
    const result = await dryRun(['--platform', 'ec2', '--memory', size])
    expect([result.code, result.stderr]).toEqual([0, ''])
    expect(memoryOf(JSON.parse(result.stdout))).toBe(mib)
  })

  test('a plain --memory below 128 is taken as MiB, with a warning that suggests GiB', async () => {
    const result = await dryRun(['--platform', 'ec2', '--memory', '4'])
    expect(result.code).toBe(0)
    expect(memoryOf(JSON.parse(result.stdout))).toBe('4')
    expect(result.stderr).toBe('mfbatch: warning: --memory: 4 is 4 MiB; did you mean 4GiB?\n')
  })

  test('the same warning names the project file a small memory came from; a unit in it is read too', async () => {
    const project = mkdtempSync(join(home, 'project-'))
    const file = join(project, '.mfbatchrc.json')
    writeFileSync(file, JSON.stringify({memory: 16}))
    const run = (args: string[]) =>
      runCli(['submit', '--dry-run', '--json', '--queue', 'q', '--platform', 'ec2', ...args, '--', 'true'], {
        cwd: project,
        env: {HOME: home},
      })
    const small = await run([])
    expect(small.code).toBe(0)
    expect(memoryOf(JSON.parse(small.stdout))).toBe('16')
    expect(warnings(small.stderr)).toEqual([
      `mfbatch: warning: ${file} (key memory): 16 is 16 MiB; did you mean 16GiB?`,
    ])
    writeFileSync(file, JSON.stringify({memory: '2g'}))
    const unit = await run([])
    expect([unit.code, unit.stderr, memoryOf(JSON.parse(unit.stdout))]).toEqual([0, '', '2048'])
  })

  test.each([['4X'], ['0.1G']])(
    '--memory %s is refused before any call, naming the flag, the value and what is allowed (exit 2)',
    async (size) => {
      await emulator.resetStats()
      const result = await mfbatch(['submit', '--queue', 'local', '--memory', size, '--', 'true'])
      expect(result).toEqual({
        code: 2,
        stderr:
          `mfbatch: --memory: ${JSON.stringify(size)} is not allowed; use a whole number of MiB greater than 0 ` +
          'or a size such as 4GiB or 512MiB\n',
        stdout: '',
      })
      expect(await emulator.stats()).toEqual({})
    },
  )

  test('a refused size while waiting on the job exits 125, not a job exit code', async () => {
    const result = await mfbatch(['submit', '--queue', 'local', '--wait', '--memory', '4X', '--', 'true'])
    expect([result.code, result.stdout]).toEqual([125, ''])
    expect(result.stderr).toMatch(/^mfbatch: --memory: "4X" is not allowed; /)
  })

  test('on Fargate the size is checked against the vCPU/memory pairs after the unit is read', async () => {
    const fargate = ['--platform', 'fargate', '--execution-role', EXEC_ROLE, '--cpu', '0.5']
    const ok = await dryRun([...fargate, '--memory', '2GiB'])
    expect([ok.code, memoryOf(JSON.parse(ok.stdout))]).toEqual([0, '2048'])
    const refused = await dryRun([...fargate, '--memory', '5G'])
    expect([refused.code, refused.stderr]).toEqual([
      2,
      'mfbatch: --memory: "5G" is not allowed; on Fargate with 0.5 vCPU use 1024 to 4096 in steps of 1024 MiB\n',
    ])
  })
})

describe('the other sizes', () => {
  test('--shared-memory, --max-swap and --tmpfs-size take units; plain numbers stay MiB', async () => {
    const result = await dryRun([
      '--platform',
      'ec2',
      '--shared-memory',
      '1g',
      '--max-swap',
      '2GiB',
      '--tmpfs-size',
      '256',
    ])
    expect([result.code, result.stderr]).toEqual([0, ''])
    const {linuxParameters} = (JSON.parse(result.stdout) as Requests).registerJobDefinition.containerProperties
    expect(linuxParameters).toMatchObject({maxSwap: 2048, sharedMemorySize: 1024, tmpfs: [{size: 256}]})
  })

  test('--ephemeral-storage is GiB plain, and takes units too', async () => {
    const fargate = ['--platform', 'fargate', '--execution-role', EXEC_ROLE]
    for (const [size, gib] of [
      ['50', 50],
      ['50GiB', 50],
      ['51200MiB', 50],
    ] as const) {
      // eslint-disable-next-line no-await-in-loop -- one CLI run at a time on a 2-core machine
      const result = await dryRun([...fargate, '--ephemeral-storage', size])
      expect([size, result.code, result.stderr]).toEqual([size, 0, ''])
      const {ephemeralStorage} = (JSON.parse(result.stdout) as Requests).registerJobDefinition.containerProperties
      expect(ephemeralStorage).toEqual({sizeInGiB: gib})
    }

    const small = await dryRun([...fargate, '--ephemeral-storage', '20480M'])
    expect([small.code, small.stderr]).toEqual([
      2,
      'mfbatch: --ephemeral-storage: "20480M" is not allowed; use a whole number of GiB from 21 to 200 or a size ' +
        'such as 50GiB or 51200MiB\n',
    ])
  })

  test('--max-swap 0 turns swap off; a bad one says so', async () => {
    const result = await dryRun(['--platform', 'ec2', '--max-swap', '-1'])
    expect([result.code, result.stderr]).toEqual([
      2,
      'mfbatch: --max-swap: "-1" is not allowed; use a whole number of MiB (0 or more) or a size such as 4GiB or ' +
        '512MiB; 0 turns swap off\n',
    ])
  })
})

describe('end to end', () => {
  test('a real submit: the job runs with the memory the unit said', async () => {
    const result = await mfbatch([
      'submit',
      '--queue',
      'local',
      '--memory',
      '512MiB',
      '--wait',
      '--quiet',
      '--',
      'true',
    ])
    expect([result.code, result.stderr]).toEqual([0, ''])
    const shown = await mfbatch(['status', '--json', result.stdout.trim()])
    const [job] = JSON.parse(shown.stdout).jobs
    expect([job.status, job.resources.memoryMiB]).toEqual(['SUCCEEDED', 512])
  })

  test('the emulator read its --memory 6GiB: a job asking 8g is more than it has, 6g fits', async () => {
    const tooBig = await mfbatch(['submit', '--queue', 'local', '--memory', '8g', '--wait-timeout', '2s', '--', 'true'])
    expect(tooBig.code).toBe(124)
    const fits = await mfbatch(['submit', '--queue', 'local', '--memory', '6g', '--wait', '--quiet', '--', 'true'])
    expect([fits.code, fits.stderr]).toEqual([0, ''])
    const shown = await mfbatch(['status', '--json', tooBig.stdout.trim()])
    const [job] = JSON.parse(shown.stdout).jobs
    expect([job.status, job.statusReason]).toEqual(['RUNNABLE', expect.stringMatching(/^MISCONFIGURATION:/)])
    await mfbatch(['kill', job.jobId])
  })

  test('a bad emulator --memory is refused before it starts', async () => {
    expect(await mfbatch(['emulator', '--memory', '6X', '--port', '0'])).toEqual({
      code: 2,
      stderr:
        'mfbatch: --memory: "6X" is not allowed; use a whole number of MiB greater than 0 or a size such as 4GiB or ' +
        '512MiB\n',
      stdout: '',
    })
  })

  test('submit --help shows the units', async () => {
    const help = await mfbatch(['submit', '--help'])
    const flat = help.stdout.replaceAll(/\s+/g, ' ')
    expect(flat).toContain(
      '--memory=SIZE Memory per job in MiB, or a size such as 4GiB, 512MiB or 4g (units as Docker reads them) ' +
        '(default: 4096).',
    )
    expect(flat).toContain('--shared-memory=SIZE Shared memory (/dev/shm) in MiB, or a size such as 1GiB (EC2 only).')
    expect(flat).toContain('--ephemeral-storage=SIZE Ephemeral storage in GiB, or a size such as 50GiB')
  })
})
