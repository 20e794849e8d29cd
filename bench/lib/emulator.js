/**
 * The emulator a benchmark talks to: the built CLI's `emulator --port 0` with a fresh state dir, its call counters,
 * and a small signed-looking HTTP client (the emulator checks that a request carries SigV4, not the signature) to
 * set up jobs and log streams without paying a CLI start per request.
 */
const {mkdtempSync, rmSync} = require('node:fs')
const http = require('node:http')
const {tmpdir} = require('node:os')
const {join} = require('node:path')

const {ROOT, RUN} = require('./paths')
const {start} = require('./proc')
const {readCredentials, sign} = require('./sign')

const LISTENING = /mfbatch emulator listening on (http:\/\/127\.0\.0\.1:(\d+)) \(state: (.+)\)/
const agent = new http.Agent({keepAlive: true, maxSockets: 16})
/** Each emulator's own credentials, by its URL: every raw request is signed with them. */
const keysOf = new Map()

/** This process's environment without anything that would reach real AWS or read this machine's settings. */
function cleanEnv() {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|METAFLOW_|MFBATCH_)/.test(key) || key === 'NODE_OPTIONS') continue
    env[key] = value
  }

  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  env.AWS_PAGER = ''
  return env
}

/**
 * Starts an emulator and waits for its listening line. `args`: extra flags (`--throttle-rps 20`); `stateDir`: reuse
 * one (jobs persist across a restart).
 */
async function startEmulator({args = [], stateDir} = {}) {
  const dir = stateDir ?? mkdtempSync(join(tmpdir(), 'mfbatch-bench-emu-'))
  let out = ''
  let resolveUrl
  const listening = new Promise((resolve) => {
    resolveUrl = resolve
  })
  const proc = start(process.execPath, [RUN, 'emulator', '--port', '0', '--state-dir', dir, ...args], {
    cwd: ROOT,
    env: cleanEnv(),
    stdout(line) {
      out += `${line}\n`
      const match = LISTENING.exec(line)
      if (match) resolveUrl(match[1])
    },
  })
  const exited = proc.done.then((r) => {
    throw new Error(`the emulator exited (${r.code ?? r.signal}) before listening: ${r.stderr}${out}`)
  })
  const url = await Promise.race([listening, exited])
  exited.catch(() => {})
  const credentials = readCredentials(dir)
  const env = {
    ...cleanEnv(),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: url,
    AWS_REGION: 'us-east-1',
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  }
  keysOf.set(url, credentials)
  return {
    /** A Batch REST call: `batch('submitjob', {...})`. */
    batch: (operation, body) => request(url, `/v1/${operation.toLowerCase()}`, {body}),
    env,
    /** A CloudWatch Logs JSON 1.1 call: `logs('GetLogEvents', {...})`. */
    logs: (operation, body) => request(url, '/', {body, headers: {'x-amz-target': `Logs_20140328.${operation}`}}),
    /** The emulator's process (for its peak RSS, /proc/<pid>/status VmHWM). */
    pid: proc.child.pid,
    async remove() {
      await this.stop()
      if (!stateDir) rmSync(dir, {force: true, recursive: true})
    },
    resetStats: () => request(url, '/__emulator/reset', {body: {}}),
    stateDir: dir,
    /** {"batch:DescribeJobs": 10, ...} since the last reset, and the fault counters ({throttled}). */
    stats: () => request(url, '/__emulator/stats', {method: 'GET'}),
    async stop() {
      proc.stop('SIGTERM')
      const timer = setTimeout(() => proc.stop('SIGKILL'), 5000)
      await proc.done.catch(() => {})
      clearTimeout(timer)
    },
    url,
  }
}

/** One call; a throttled answer (the emulator's --throttle-rps) is tried again after a pause: fixtures must land. */
async function request(base, path, call) {
  for (let attempt = 1; ; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop -- retries are sequential
      return await requestOnce(base, path, call)
    } catch (error) {
      const throttled = error.status === 429 || /Throttling/.test(error.body?.__type ?? '')
      if (!throttled || attempt >= 600) throw error
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => {
        setTimeout(resolve, 100)
      })
    }
  }
}

function requestOnce(base, path, {body, headers = {}, method = 'POST'}) {
  const payload = body === undefined ? '' : JSON.stringify(body)
  const url = new URL(path, base)
  const logs = 'x-amz-target' in headers
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        headers: {
          ...sign(keysOf.get(base), url, {method, payload, service: logs ? 'logs' : 'batch'}),
          'content-length': Buffer.byteLength(payload),
          'content-type': logs ? 'application/x-amz-json-1.1' : 'application/json',
          ...headers,
        },
        method,
      },
      (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const parsed = text ? JSON.parse(text) : {}
          if (res.statusCode >= 300) {
            const error = new Error(`${method} ${path} ${res.statusCode}: ${text.slice(0, 500)}`)
            error.status = res.statusCode
            error.body = parsed
            reject(error)
          } else resolve(parsed)
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

module.exports = {cleanEnv, startEmulator}
