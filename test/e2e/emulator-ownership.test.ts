/**
 * One emulator per state dir, and nobody else's places: a second emulator on a running one's state dir (foreground
 * on the same port or another, or `emulator start`) names it and exits 1 having changed nothing, so the first one's
 * jobs keep running (they failed with CannotStartContainerError once the second had removed the first one's cgroups);
 * a lock left by a crash is taken over; the emulator holds [::1] on its port as well as 127.0.0.1; a state dir
 * reached through a directory of another user, or one writable by others without the sticky bit, is refused.
 */
import {chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {removeStateDir, runCli, startEmulator, type TestEmulator} from '../helpers/emulator'

const lockOf = (stateDir: string) => JSON.parse(readFileSync(join(stateDir, 'emulator.lock'), 'utf8')) as {pid: number}
const busyLine = (stateDir: string, pid: number, port: number) =>
  `mfbatch: the emulator of ${stateDir} is already running (pid ${pid}, port ${port}); nothing was changed. Use ` +
  'that one, stop it first (mfbatch emulator stop, or Ctrl-C where it runs in the foreground), or give this one ' +
  'another --state-dir\n'

/** True when this machine has an IPv6 loopback to bind. */
function hasIpv6Loopback(): boolean {
  try {
    return readFileSync('/proc/net/if_inet6', 'utf8').includes('00000000000000000000000000000001')
  } catch {
    return false
  }
}

function bindIpv6(port: number): Promise<string> {
  return new Promise((done) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'))
    server.listen({host: '::1', ipv6Only: true, port}, () => server.close(() => done('bound')))
  })
}

describe('one emulator per state dir', () => {
  let first: TestEmulator

  beforeAll(async () => {
    first = await startEmulator()
  })

  afterAll(async () => {
    await first.stop()
    removeStateDir(first.stateDir)
  })

  const job = (text: string) =>
    runCli(['submit', '--queue', 'local', '--follow', '--', 'echo', text], {env: first.env, timeoutMs: 60_000})

  test('a second emulator on the same state dir names the running one, exits 1, and the first keeps running jobs', async () => {
    expect(await job('before')).toMatchObject({code: 0, stdout: 'before\n'})
    // In the foreground on the same port: it used to exit with "port in use" after removing the first one's cgroups.
    const samePort = await runCli(['emulator', '--port', String(first.port), '--state-dir', first.stateDir])
    expect(await job('after')).toMatchObject({code: 0, stdout: 'after\n'})
    const lock = readFileSync(join(first.stateDir, 'emulator.lock'), 'utf8')
    // On another port, in the foreground and in the background (a bounded wait: one that starts never ends).
    const bounded = {timeoutMs: 15_000}
    const otherPort = await runCli(['emulator', '--port', '0', '--state-dir', first.stateDir], bounded)
    const started = await runCli(
      ['emulator', 'start', '--port', String(first.port + 1), '--state-dir', first.stateDir],
      bounded,
    )
    const busy = {code: 1, stderr: busyLine(first.stateDir, lockOf(first.stateDir).pid, first.port), stdout: ''}
    expect([samePort, otherPort, started]).toEqual([busy, busy, busy])
    expect(readFileSync(join(first.stateDir, 'emulator.lock'), 'utf8')).toBe(lock)
    expect(existsSync(join(first.stateDir, 'emulator.pid'))).toBe(false)
    expect(await job('still')).toMatchObject({code: 0, stdout: 'still\n'})
  })

  test('emulator status names the foreground one by its pid', async () => {
    const {pid} = lockOf(first.stateDir)
    const status = await runCli(['emulator', 'status', '--state-dir', first.stateDir, '--port', String(first.port)])
    expect(status.code).toBe(0)
    expect(status.stdout.split('\n')[0]).toMatch(
      new RegExp(`^running in the foreground at ${first.url}, answering \\(pid ${pid}, since \\S+, state: `),
    )
  })

  test('it holds [::1] on its port too, so no other process answers a client dialling localhost', async () => {
    if (!hasIpv6Loopback()) {
      console.warn('skipped: this machine has no IPv6 loopback')
      return
    }

    expect(await bindIpv6(first.port)).toBe('EADDRINUSE')
  })

  test('a lock left by a crashed emulator is taken over', async () => {
    const crashed = await startEmulator()
    try {
      const crashedPid = lockOf(crashed.stateDir).pid
      await crashed.kill()
      expect(lockOf(crashed.stateDir).pid).toBe(crashedPid)
      const again = await startEmulator({stateDir: crashed.stateDir})
      expect(lockOf(crashed.stateDir).pid).not.toBe(crashedPid)
      await again.stop()
      expect(existsSync(join(crashed.stateDir, 'emulator.lock'))).toBe(false)
    } finally {
      removeStateDir(crashed.stateDir)
    }
  })
})

const refused = (stateDir: string, what: string) => ({
  code: 1,
  stderr:
    `mfbatch: state dir ${stateDir}: ${what}; whoever controls it can swap the state dir for their own. Use a ` +
    'directory of your own whose every parent belongs to you or root (--state-dir, or XDG_DATA_HOME)\n',
  stdout: '',
})

describe('the way to the state dir', () => {
  test('a state dir reached through a symlink in another user’s directory is refused', async () => {
    if (process.getuid?.() !== 0) {
      console.warn('skipped: making a directory of another user needs root')
      return
    }

    const root = mkdtempSync(join(tmpdir(), 'mfbatch-way-'))
    try {
      mkdirSync(join(root, 'mine', 'state'), {mode: 0o700, recursive: true})
      mkdirSync(join(root, 'theirs'))
      symlinkSync(join(root, 'mine', 'state'), join(root, 'theirs', 'state'))
      chownSync(join(root, 'theirs'), 65_534, 65_534)
      const stateDir = join(root, 'theirs', 'state')
      expect(await runCli(['emulator', '--port', '0', '--state-dir', stateDir], {timeoutMs: 15_000})).toEqual(
        refused(stateDir, `${join(root, 'theirs')} belongs to user 65534, not to you (0) or root`),
      )
      expect(await runCli(['emulator', 'env', '--state-dir', stateDir])).toEqual(
        refused(stateDir, `${join(root, 'theirs')} belongs to user 65534, not to you (0) or root`),
      )
    } finally {
      removeStateDir(root)
    }
  })

  test('a parent writable by others without the sticky bit is refused; with it (as /tmp) it is taken', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mfbatch-way-'))
    try {
      mkdirSync(join(root, 'open'))
      chmodSync(join(root, 'open'), 0o777)
      const stateDir = join(root, 'open', 'state')
      expect(await runCli(['emulator', 'env', '--state-dir', stateDir])).toEqual(
        refused(stateDir, `${join(root, 'open')} is writable by group or others (mode 777) and not sticky`),
      )
      expect(existsSync(stateDir)).toBe(false)
      chmodSync(join(root, 'open'), 0o1777)
      const sticky = await runCli(['emulator', 'env', '--state-dir', stateDir, '--port', '1'])
      expect(sticky.code).toBe(0)
    } finally {
      removeStateDir(root)
    }
  })
})
