/**
 * The README's examples run under --local on a small machine: the emulator --local starts offers at least 16 vCPUs
 * and 32 GiB per compute environment (vCPUs and memory are counted to schedule jobs, not reserved), says so in
 * `emulator status`, and `emulator start` takes --vcpus and --memory as the foreground emulator does. From a fresh
 * HOME with no AWS_* variables, on a free port.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {availableParallelism, tmpdir, totalmem} from 'node:os'
import {join} from 'node:path'

import {runCli} from '../helpers/emulator'
import {freePort} from '../helpers/ports'

let data: string
let env: Record<string, string>

const offered = {
  memoryMiB: Math.max(32_768, Math.floor(totalmem() / 1024 / 1024)),
  vcpus: Math.max(16, availableParallelism()),
}

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'mfbatch-capacity-'))
  env = {HOME: join(data, 'home'), MFBATCH_EMULATOR_PORT: String(await freePort()), XDG_DATA_HOME: join(data, 'data')}
})

afterAll(async () => {
  await runCli(['emulator', 'stop'], {env})
  rmSync(data, {force: true, recursive: true})
})

const submit = (args: string[]) =>
  runCli(['submit', '--local', '--wait-timeout', '40s', ...args, '--follow', '--', 'echo', 'done'], {
    env,
    timeoutMs: 60_000,
  })

describe('what the background emulator offers', () => {
  test('submit --local --nodes 3 --follow and --cpu 4 --memory 16000 run to the end', async () => {
    const nodes = await submit(['--nodes', '3'])
    expect([nodes.code, nodes.stdout]).toEqual([0, 'done\n'])
    const big = await submit(['--cpu', '4', '--memory', '16000'])
    expect([big.code, big.stdout]).toEqual([0, 'done\n'])
  }, 90_000)

  test('emulator status says what it offers', async () => {
    const status = await runCli(['emulator', 'status', '--json'], {env})
    expect(status.code).toBe(0)
    expect((JSON.parse(status.stdout) as {capacity: unknown}).capacity).toEqual(offered)
    const text = await runCli(['emulator', 'status'], {env})
    expect(text.stdout.split('\n')[1]).toBe(
      `offers ${offered.vcpus} vCPUs and ${offered.memoryMiB} MiB per compute environment`,
    )
  })

  test('emulator start --vcpus --memory sets them', async () => {
    expect((await runCli(['emulator', 'stop'], {env})).code).toBe(0)
    const started = await runCli(['emulator', 'start', '--vcpus', '64', '--memory', '256GiB', '--json'], {env})
    expect(started.code).toBe(0)
    expect((JSON.parse(started.stdout) as {capacity: unknown}).capacity).toEqual({memoryMiB: 262_144, vcpus: 64})
    const status = await runCli(['emulator', 'status', '--json'], {env})
    expect((JSON.parse(status.stdout) as {capacity: unknown}).capacity).toEqual({memoryMiB: 262_144, vcpus: 64})
  })

  test('emulator start --vcpus 0 is bad input', async () => {
    const result = await runCli(['emulator', 'start', '--vcpus', '0'], {env})
    expect(result).toEqual({
      code: 2,
      stderr: 'mfbatch: --vcpus: "0" is not allowed; use a whole number of 1 or more\n',
      stdout: '',
    })
  })
})
