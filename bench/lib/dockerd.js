/**
 * An isolated Docker daemon for B7 (as test/helpers/dockerd.ts makes one): its own socket, data and exec roots,
 * no iptables, no bridge; and a busybox image made by `docker import` (no registry is needed).
 */
const {spawn, spawnSync} = require('node:child_process')
const {closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, symlinkSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

function startDockerd() {
  const dir = mkdtempSync(join(tmpdir(), 'mfbatch-bench-dockerd-'))
  const host = `unix://${join(dir, 'docker.sock')}`
  const log = openSync(join(dir, 'dockerd.log'), 'a')
  const args = ['-H', host, '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec')]
  args.push('--pidfile', join(dir, 'docker.pid'), '--iptables=false', '--bridge=none')
  const daemon = spawn('dockerd', args, {detached: true, stdio: ['ignore', log, log]})
  closeSync(log)
  daemon.unref()
  const env = {...process.env, DOCKER_HOST: host}
  const docker = (argv, options = {}) => spawnSync('docker', argv, {encoding: 'utf8', env, ...options})
  const stop = () => {
    try {
      process.kill(daemon.pid, 'SIGTERM')
    } catch {}

    for (let i = 0; i < 100 && docker(['version']).status === 0; i++) pause(100)
    spawnSync('umount', [join(dir, 'exec', 'netns', 'default')], {stdio: 'ignore'})
    spawnSync('rm', ['-rf', '--one-file-system', dir], {stdio: 'ignore'})
  }

  for (let i = 0; docker(['version']).status !== 0; i++) {
    if (i > 200) {
      stop()
      throw new Error(`dockerd did not start: ${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-500)}`)
    }

    pause(100)
  }

  return {docker, host, stop}
}

/** A busybox image: busybox-static's binary and its applets as links. */
function importBusybox(dockerd, name) {
  const root = mkdtempSync(join(tmpdir(), 'mfbatch-bench-rootfs-'))
  mkdirSync(join(root, 'bin'))
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'))
  for (const applet of spawnSync('/bin/busybox', ['--list'], {encoding: 'utf8'}).stdout.split('\n')) {
    if (applet && applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet))
  }

  const tar = spawnSync('tar', ['-C', root, '-c', '.'], {maxBuffer: 1024 * 1024 * 1024})
  const made = dockerd.docker(['import', '--change', 'ENV PATH=/bin', '-', name], {
    encoding: 'buffer',
    input: tar.stdout,
  })
  spawnSync('rm', ['-rf', root])
  if (made.status !== 0) throw new Error(`docker import: ${made.stderr}`)
}

module.exports = {importBusybox, startDockerd}
