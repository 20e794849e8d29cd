/**
 * Starts the built `mfbatch emulator` on a free port with a fresh state dir, for one test file. A stand-in until
 * test/helpers/emulator.ts is shared; it reads the one line the command prints to learn its port.
 */
import {ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export interface PeerEmulator {
  close(): Promise<void>
  stateDir: string
  url: string
}

const RUN = resolve(__dirname, '..', '..', '..', 'bin', 'run.js')
const LISTENING = /listening on (http:\/\/\S+)/

export async function startPeerEmulator(extraArgs: string[] = []): Promise<PeerEmulator> {
  const stateDir = mkdtempSync(join(tmpdir(), 'mfbatch-peers-'))
  const child = spawn(process.execPath, [RUN, 'emulator', '--port', '0', '--state-dir', stateDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the emulator did not start within 15 s: ${output}`)), 15_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = LISTENING.exec(output)
      if (!match) return
      clearTimeout(timer)
      done(match[1])
    }

    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`the emulator exited with ${code} before listening: ${output}`))
    })
  })
  return {close: () => stop(child, stateDir), stateDir, url}
}

async function stop(child: ChildProcess, stateDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => {
      child.once('exit', done)
    })
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  rmSync(stateDir, {force: true, recursive: true})
}
