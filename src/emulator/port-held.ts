/**
 * The one sentence for "something else holds the emulator's port", shared by --local and `emulator start|status|env`:
 * what answers there, that nothing was sent to it, and what to do.
 */
import {dialledAddress, type ServerProof} from './auth/prove-server'
import {PORT_ENV} from './contract'

/**
 * Why nothing is sent to `endpoint`, and what to do: one sentence for --local, `emulator start|status|env`. `how`
 * names the way to pick another port (MFBATCH_EMULATOR_PORT for --local, --port for the emulator commands).
 */
export function portHeldMessage(
  endpoint: string,
  stateDir: string,
  found: ServerProof,
  how = `set ${PORT_ENV} to a free port`,
): string {
  const where = dialledAddress(endpoint)
  const port = where.slice(where.lastIndexOf(':') + 1)
  const find = `find it with: ss -ltnp 'sport = :${port}'`
  switch (found.kind) {
    case 'impostor': {
      return (
        `${where} answers, but it is not the emulator of ${stateDir}; nothing was sent to it. Stop what listens ` +
        `there (${find}; or the emulator of another state dir: mfbatch emulator stop --state-dir DIR), or ${how}`
      )
    }

    case 'proven': {
      return `the emulator of ${stateDir} answers at ${where}`
    }

    case 'relay': {
      return (
        `${where} is held by another process that relays to the emulator of ${stateDir} at ${found.listening}; ` +
        `nothing was sent to it. Something else listens on port ${port} (${find}): stop it, or ${how}`
      )
    }

    case 'silent': {
      return `nothing answers at ${where}; start the emulator: mfbatch emulator start`
    }
  }
}
