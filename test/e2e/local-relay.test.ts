/**
 * A port squatter cannot relay `--local`. Another process listens on the port `--local` dials and passes every byte
 * on to the real emulator on another port, rewriting the Host header as a relay made for the purpose would, so the
 * emulator answers the health challenge. The proof names the address the emulator listens on, which is not the one
 * dialled: `--local` refuses and sends nothing but the challenge (the relay sees no other request, the emulator no
 * SubmitJob), and `emulator start|status|env` say plainly that something else holds the port.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {type AddressInfo, createConnection, createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

interface Relay {
  close(): Promise<void>
  port: number
  /** The request lines that went through, in order ("GET /__emulator/health?... HTTP/1.1"). */
  requests: string[]
}

/** A TCP relay on a free port to `target`, rewriting `Host: 127.0.0.1:<own port>` to the target's. */
async function startRelay(target: number): Promise<Relay> {
  const requests: string[] = []
  const server: Server = createServer((client) => {
    const upstream = createConnection({host: '127.0.0.1', port: target})
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1')
      for (const match of text.matchAll(/^(?:GET|POST|PUT|HEAD|DELETE) \S+ HTTP\/1\.1$/gm)) requests.push(match[0])
      const {port} = server.address() as AddressInfo
      upstream.write(
        Buffer.from(
          text.replaceAll(new RegExp(`^host: 127\\.0\\.0\\.1:${port}`, 'gim'), `Host: 127.0.0.1:${target}`),
          'latin1',
        ),
      )
    })
    upstream.pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('end', () => upstream.end())
  })
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
      }),
    port: (server.address() as AddressInfo).port,
    requests,
  }
}

describe('a relay on the --local port', () => {
  let data: string
  let stateDir: string
  let emulator: TestEmulator
  let relay: Relay

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'mfbatch-relay-'))
    stateDir = join(data, 'mfbatch', 'emulator')
    emulator = await startEmulator({stateDir})
    relay = await startRelay(emulator.port)
  })

  afterAll(async () => {
    await relay.close()
    await emulator.stop()
    removeStateDir(stateDir)
    rmSync(data, {force: true, recursive: true})
  })

  const heldLine = (what: string) =>
    `mfbatch: 127.0.0.1:${relay.port} is held by another process that relays to the emulator of ${stateDir} at ` +
    `127.0.0.1:${emulator.port}; nothing was sent to it. Something else listens on port ${relay.port} (find it ` +
    `with: ss -ltnp 'sport = :${relay.port}'): stop it, or ${what}\n`

  test('--local refuses it and sends it nothing but the health challenge; the emulator gets no SubmitJob', async () => {
    await emulator.resetStats()
    const result = await runCli(['submit', '--local', '--queue', 'local', '--env', 'TOKEN=secret', '--', 'true'], {
      env: {MFBATCH_EMULATOR_PORT: String(relay.port), XDG_DATA_HOME: data},
    })
    expect(result).toEqual({code: 1, stderr: heldLine('set MFBATCH_EMULATOR_PORT to a free port'), stdout: ''})
    expect(relay.requests.length).toBeGreaterThan(0)
    expect(relay.requests.filter((line) => !line.startsWith('GET /__emulator/health?challenge='))).toEqual([])
    expect((await emulator.stats())['batch:SubmitJob']).toBeUndefined()
  })

  test('emulator status, env and start run the same proof and say that something else holds the port', async () => {
    // Without the lock of the running emulator, these commands judge only by what answers on the port asked.
    rmSync(join(stateDir, 'emulator.lock'))
    const args = ['--state-dir', stateDir, '--port', String(relay.port)]
    const held = heldLine('use another --port')
    const status = await runCli(['emulator', 'status', ...args])
    expect(status).toEqual({code: 1, stderr: held, stdout: `not running (state: ${stateDir})\n`})
    expect(await runCli(['emulator', 'env', ...args], {env: {PATH: '/nonexistent'}})).toEqual({
      code: 1,
      stderr: held,
      stdout: '',
    })
    const start = await runCli(['emulator', 'start', ...args])
    expect(start).toEqual({code: 1, stderr: heldLine('use another --port (or --port 0)'), stdout: ''})
  })
})
