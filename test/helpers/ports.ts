/**
 * A port for a server a test starts (an emulator on its own port, as `MFBATCH_EMULATOR_PORT`). Picked below the
 * kernel's ephemeral range (32768 and up), where a port the kernel gave out and took back could be handed to an
 * outgoing connection before the server binds it; and free on ::1 too, which the emulator also holds.
 */
import {createServer} from 'node:net'

const LOW = 20_000
const HIGH = 32_000

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => done(host === '::1' && error.code === 'EADDRNOTAVAIL'))
    server.listen(port, host, () => server.close(() => done(true)))
  })
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const candidate = LOW + Math.floor(Math.random() * (HIGH - LOW))
    // eslint-disable-next-line no-await-in-loop -- one candidate at a time
    if ((await canListen(candidate, '127.0.0.1')) && (await canListen(candidate, '::1'))) return candidate
  }

  throw new Error(`no free port found between ${LOW} and ${HIGH}`)
}
