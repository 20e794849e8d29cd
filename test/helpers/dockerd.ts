/**
 * An isolated Docker daemon for the docker runtime's tests: its own socket, data and exec roots under a temporary
 * folder, no iptables and no bridge (host networking only), so it never touches the machine's own daemon or
 * another test run's. Started when the test file loads (jest decides which tests run while loading, and whether
 * the daemon can run decides that), stopped by pid after the file's last test.
 *
 * No registry is reachable on the machines this runs on: images are made with `docker import` from a root file
 * system laid out here (busybox-static's applets; the host's python3 with its libraries and standard library).
 *
 * MFBATCH_TEST_DOCKER=required turns "cannot start a daemon" into a failure instead of a skip (CI sets it).
 */
import {spawn, spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import path from 'node:path'

export interface TestDockerd {
  /** Runs the docker CLI against this daemon; throws with its stderr when it fails. */
  docker(args: string[], input?: string): string
  /** What to give the emulator (and `docker`) to use this daemon and no other. */
  env: {DOCKER_HOST: string}
  /** Makes an image from a root file system folder (`docker import`, with Dockerfile-like changes). */
  importImage(name: string, root: string, changes?: string[]): void
  stop(): void
}

export type DockerdStart = {dockerd: TestDockerd; reason?: undefined} | {dockerd?: undefined; reason: string}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

const found = (program: string): boolean => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0

/** Starts a daemon and waits (up to 20 s) until it answers; says why not when it cannot. */
export function startDockerd(): DockerdStart {
  if (!found('dockerd') || !found('docker'))
    return {reason: 'dockerd or docker is not installed (apt-get install docker.io)'}
  if (process.getuid?.() !== 0) return {reason: 'dockerd needs root here (rootless Docker is not set up for tests)'}
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfbatch-dockerd-'))
  const socket = path.join(dir, 'docker.sock')
  const env = {DOCKER_HOST: `unix://${socket}`}
  const logFd = fs.openSync(path.join(dir, 'dockerd.log'), 'a')
  const daemon = spawn(
    'dockerd',
    [
      '-H',
      `unix://${socket}`,
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'exec'),
      '--pidfile',
      path.join(dir, 'docker.pid'),
      '--iptables=false',
      '--bridge=none',
    ],
    {detached: true, stdio: ['ignore', logFd, logFd]},
  )
  fs.closeSync(logFd)
  daemon.unref()
  const run = (args: string[], input?: string) =>
    spawnSync('docker', args, {encoding: 'utf8', env: {...process.env, ...env}, input, maxBuffer: 64 * 1024 * 1024})
  const stop = (): void => {
    if (daemon.pid !== undefined) {
      try {
        process.kill(daemon.pid, 'SIGTERM')
      } catch {}

      for (let i = 0; i < 100 && alive(daemon.pid); i++) sleep(100)
      if (alive(daemon.pid)) process.kill(daemon.pid, 'SIGKILL')
    }

    spawnSync('umount', [path.join(dir, 'exec', 'netns', 'default')], {stdio: 'ignore'})
    spawnSync('rm', ['-rf', '--one-file-system', dir], {stdio: 'ignore'})
  }

  const deadline = Date.now() + 20_000
  while (run(['version', '--format', '{{.Server.Version}}']).status !== 0) {
    if (Date.now() > deadline || daemon.exitCode !== null || !alive(daemon.pid)) {
      const log = fs.readFileSync(path.join(dir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ')
      stop()
      return {reason: `dockerd did not start: ${log}`}
    }

    sleep(100)
  }

  const docker = (args: string[], input?: string): string => {
    const result = run(args, input)
    if (result.status !== 0) throw new Error(`docker ${args.join(' ')}: ${result.stderr}`)
    return result.stdout
  }

  return {
    dockerd: {
      docker,
      env,
      importImage(name, root, changes = []) {
        const tar = spawnSync('tar', ['-C', root, '-c', '.'], {maxBuffer: 1024 * 1024 * 1024})
        if (tar.status !== 0) throw new Error(`tar of ${root}: ${tar.stderr}`)
        const args = ['import', ...changes.flatMap((change) => ['--change', change]), '-', name]
        const result = spawnSync('docker', args, {env: {...process.env, ...env}, input: tar.stdout})
        if (result.status !== 0) throw new Error(`docker import ${name}: ${result.stderr}`)
      },
      stop,
    },
  }
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Whether the suite must run: a daemon that cannot start is then a failure, not a skip. */
export const dockerRequired = (): boolean => process.env.MFBATCH_TEST_DOCKER === 'required'

/** A root file system of busybox-static's applets (the `busybox` binary itself kept, never a link to itself). */
export function busyboxRoot(dir: string, applets?: readonly string[]): void {
  const bin = path.join(dir, 'bin')
  fs.mkdirSync(bin, {recursive: true})
  fs.copyFileSync(busyboxBinary(), path.join(bin, 'busybox'))
  fs.chmodSync(path.join(bin, 'busybox'), 0o755)
  const all = spawnSync(busyboxBinary(), ['--list'], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean)
  for (const applet of applets ?? all) {
    if (applet !== 'busybox') fs.symlinkSync('busybox', path.join(bin, applet))
  }

  fs.mkdirSync(path.join(dir, 'tmp'), {mode: 0o1777})
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777)
  fs.mkdirSync(path.join(dir, 'etc'), {recursive: true})
}

function busyboxBinary(): string {
  for (const file of ['/bin/busybox', '/usr/bin/busybox']) if (fs.existsSync(file)) return file
  throw new Error('busybox is not installed (apt-get install busybox-static)')
}

/**
 * A shell (the host's dash as /bin/sh) and the host's python3 (Debian's /usr/bin/python3) with the shared libraries it and its extension modules load, and
 * its standard library without tests, GUI and packaging tools: enough for urllib, hashlib and tarfile.
 */
export function python3Root(dir: string): void {
  const python = fs.realpathSync('/usr/bin/python3')
  const version = path.basename(python).replace('python', '')
  const stdlib = `/usr/lib/python${version}`
  copyFile(python, path.join(dir, 'usr/bin/python3'))
  copyFile(fs.realpathSync('/bin/dash'), path.join(dir, 'bin/sh'))
  fs.mkdirSync(path.join(dir, 'tmp'), {mode: 0o1777})
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777)
  const skipped = ['test', 'idlelib', 'tkinter', 'ensurepip', 'lib2to3', 'pydoc_data', 'dist-packages', '__pycache__']
  fs.mkdirSync(path.join(dir, stdlib), {recursive: true})
  const copy = spawnSync('sh', [
    '-c',
    'tar -C "$1" -c $2 . | tar -C "$3" -x',
    'sh',
    stdlib,
    skipped.map((name) => `--exclude=${name}`).join(' '),
    path.join(dir, stdlib),
  ])
  if (copy.status !== 0) throw new Error(`copying ${stdlib}: ${copy.stderr}`)
  const objects = [
    python,
    '/bin/dash',
    ...fs.readdirSync(`${stdlib}/lib-dynload`).map((name) => `${stdlib}/lib-dynload/${name}`),
  ]
  const ldd = spawnSync('ldd', objects, {encoding: 'utf8'}).stdout
  for (const match of ldd.matchAll(/(\/\S+\.so[^\s]*)/g)) {
    const lib = match[1]
    if (fs.existsSync(lib) && !fs.existsSync(path.join(dir, lib))) copyFile(fs.realpathSync(lib), path.join(dir, lib))
  }
}

/**
 * python3Root, plus boto3 from the host's Debian packages (CI installs python3-boto3) and busybox's applets but
 * its sh (dash stays /bin/sh): an image as an AWS Batch job's often is, with what the stored steps and the outputs
 * step need (tar, gzip, sha256sum; boto3 for S3) and no AWS CLI.
 */
export function boto3Root(dir: string): void {
  python3Root(dir)
  const bin = path.join(dir, 'bin')
  copyFile(busyboxBinary(), path.join(bin, 'busybox'))
  const applets = spawnSync(busyboxBinary(), ['--list'], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean)
  for (const applet of applets) {
    const link = path.join(bin, applet)
    if (applet !== 'busybox' && applet !== 'sh' && !fs.existsSync(link)) fs.symlinkSync('busybox', link)
  }

  const packages = '/usr/lib/python3/dist-packages'
  // Debian's botocore uses requests (and what requests needs) where upstream vendors it: taken when there.
  const debundled = ['requests', 'certifi', 'chardet', 'charset_normalizer', 'idna']
  const needed = ['boto3', 'botocore', 's3transfer', 'jmespath', 'dateutil', 'urllib3', 'six.py']
  for (const name of [...needed, ...debundled.filter((name) => fs.existsSync(path.join(packages, name)))]) {
    const from = path.join(packages, name)
    if (!fs.existsSync(from)) throw new Error(`${from} is missing (apt-get install python3-boto3)`)
    fs.mkdirSync(path.join(dir, packages), {recursive: true})
    const copy = spawnSync('cp', ['-R', from, path.join(dir, packages)], {encoding: 'utf8'})
    if (copy.status !== 0) throw new Error(`copying ${from}: ${copy.stderr}`)
  }
}

function copyFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), {recursive: true})
  // The copy keeps the file's permission bits.
  fs.copyFileSync(from, to)
}
