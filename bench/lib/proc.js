/**
 * Child processes for the benchmarks: wall time with hrtime around spawn-to-close, peak RSS, and a registry so that
 * every process a benchmark starts is stopped when the bench ends, however it ends (error, Ctrl-C).
 */
const {spawn} = require('node:child_process')
const {existsSync, mkdtempSync, readFileSync, rmSync} = require('node:fs')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const TIME = '/usr/bin/time'
const live = new Set()

/** Kills every child still running (its whole process group), at once. */
function killAll(signal = 'SIGKILL') {
  for (const child of live) killGroup(child, signal)
  live.clear()
}

function killGroup(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {}
  }
}

let hooked = false
function hookExit() {
  if (hooked) return
  hooked = true
  process.on('exit', () => killAll())
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      killAll()
      process.exit(signal === 'SIGINT' ? 130 : 143)
    })
  }
}

/**
 * Starts a child in its own process group (so a shell loop is stopped with everything it started). `stdout`:
 * 'ignore' (/dev/null), 'pipe' (kept in memory) or a callback per line with its arrival time.
 */
function start(command, args, options = {}) {
  hookExit()
  const {cwd, env = process.env, input} = options
  const lines = typeof options.stdout === 'function' ? options.stdout : undefined
  const outMode = options.stdout === 'pipe' || lines ? 'pipe' : 'ignore'
  let rssFile
  let file = command
  let argv = args
  if (options.rss && existsSync(TIME)) {
    const dir = mkdtempSync(join(tmpdir(), 'mfbatch-bench-rss-'))
    rssFile = join(dir, 'rss')
    file = TIME
    argv = ['-f', '%M', '-o', rssFile, command, ...args]
  }

  const started = process.hrtime.bigint()
  const child = spawn(file, argv, {
    cwd,
    detached: true,
    env,
    stdio: [input === undefined ? 'ignore' : 'pipe', outMode, 'pipe'],
  })
  live.add(child)
  if (input !== undefined) child.stdin.end(input)
  let stdout = ''
  let stderr = ''
  if (lines) {
    let partial = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      const at = Date.now()
      const parts = (partial + chunk).split('\n')
      partial = parts.pop()
      for (const line of parts) lines(line, at)
    })
  } else if (outMode === 'pipe') {
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk
    })
  }

  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-65_536)
  })
  // Without /usr/bin/time, sample the high-water mark while the process runs.
  let polledKb = 0
  const poller =
    options.rss && !rssFile
      ? setInterval(() => {
          polledKb = Math.max(polledKb, highWaterKb(child.pid))
        }, 20)
      : undefined
  const done = new Promise((resolve, reject) => {
    let timer
    if (options.timeoutMs) {
      timer = setTimeout(() => {
        killGroup(child, 'SIGKILL')
        reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms\n${stderr}`))
      }, options.timeoutMs)
    }

    child.on('error', reject)
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      clearTimeout(timer)
      if (poller) clearInterval(poller)
      live.delete(child)
      let maxRssKb = options.rss ? polledKb : undefined
      if (rssFile) {
        const text = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : ''
        // GNU time writes "Command exited with non-zero status N" before the value when the command fails.
        maxRssKb = Number(text.trim().split('\n').at(-1))
        rmSync(join(rssFile, '..'), {force: true, recursive: true})
      }

      resolve({code, maxRssKb, ms, signal, stderr, stdout})
    })
  })
  return {child, done, stop: (signal = 'SIGTERM') => killGroup(child, signal)}
}

/** Runs to the end; resolves with {code, ms, stdout, stderr, maxRssKb}. Throws on a non-zero exit unless `allowFail`. */
async function run(command, args, options = {}) {
  const result = await start(command, args, options).done
  if (result.code !== 0 && !options.allowFail) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code ?? result.signal}\n${result.stderr}`)
  }

  return result
}

function highWaterKb(pid) {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

module.exports = {killAll, run, start}
