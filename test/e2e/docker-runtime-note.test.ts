/**
 * The process runtime (the default) does not use the job's image: `submit --local` says so once, in one line, when
 * the user chose an image, and says nothing about mfbatch's default one. And --runtime takes only what it knows.
 * No Docker needed.
 */
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import path from 'node:path'

import {runCli, type RunResult} from '../helpers/emulator'

let home: string
let env: Record<string, string>

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

/** The stderr lines that are about the image. */
const imageLines = (run: RunResult): string[] => run.stderr.split('\n').filter((line) => line.includes('image'))

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-runtime-note-'))
  env = {HOME: home, MFBATCH_EMULATOR_PORT: String(await freePort())}
})

afterAll(async () => {
  await runCli(['emulator', 'stop'], {env})
  fs.rmSync(home, {force: true, recursive: true})
})

describe('the process runtime and the image', () => {
  test('submit --local with an image the user chose: one line says the process runtime does not use it', async () => {
    const named = await runCli(['submit', '--local', '--image', 'pytorch/pytorch:2.3.0', '--wait', '--', 'true'], {env})
    const byEnv = await runCli(['submit', '--local', '--wait', '--', 'true'], {
      env: {...env, METAFLOW_BATCH_CONTAINER_IMAGE: 'team/image:1'},
    })
    const defaulted = await runCli(['submit', '--local', '--wait', '--', 'true'], {env})
    expect([named.code, byEnv.code, defaulted.code]).toEqual([0, 0, 0])
    expect([imageLines(named), imageLines(byEnv), imageLines(defaulted)]).toEqual([
      [
        'mfbatch: note: the local emulator runs the command on this machine: image pytorch/pytorch:2.3.0 (--image) is ' +
          'not used; to run jobs in their images: mfbatch emulator stop && mfbatch emulator start --runtime docker ' +
          '(or export MFBATCH_EMULATOR_RUNTIME=docker)',
      ],
      [
        'mfbatch: note: the local emulator runs the command on this machine: image team/image:1 ' +
          '(METAFLOW_BATCH_CONTAINER_IMAGE) is not used; to run jobs in their images: mfbatch emulator stop && ' +
          'mfbatch emulator start --runtime docker (or export MFBATCH_EMULATOR_RUNTIME=docker)',
      ],
      [],
    ])
    const status = await runCli(['emulator', 'status'], {env})
    expect(status.stdout.split('\n').at(-2)).toMatch(/^runtime: process; memory limits: /)
    // Asking a running emulator for another runtime changes nothing, and says how to change it.
    const again = await runCli(['emulator', 'start', '--runtime', 'docker'], {env})
    expect([again.code, again.stderr.split('\n').at(-2)]).toEqual([
      1,
      expect.stringMatching(
        /; it runs jobs with the process runtime, not docker: to change, mfbatch emulator stop && mfbatch emulator start --runtime docker$/,
      ),
    ])
  })

  test('--runtime and MFBATCH_EMULATOR_RUNTIME take process or docker only: one line, exit 2', async () => {
    const flag = await runCli(['emulator', 'start', '--runtime', 'podman'], {env})
    const variable = await runCli(['emulator', 'start'], {env: {...env, MFBATCH_EMULATOR_RUNTIME: 'containerd'}})
    expect([flag.code, flag.stderr, variable.code, variable.stderr]).toEqual([
      2,
      'mfbatch: --runtime: "podman" is not allowed; use process or docker\n',
      2,
      'mfbatch: MFBATCH_EMULATOR_RUNTIME: "containerd" is not allowed; use process or docker\n',
    ])
  })
})
