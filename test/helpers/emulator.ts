/**
 * End-to-end test plumbing: a real emulator (the built CLI, `node bin/run.js emulator`) on a free port with a
 * temporary state dir, and a way to run the built CLI against it with a clean environment. Needs a build first
 * (`npx tsc -p tsconfig.json && npx oclif manifest`).
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {signedHeaders, type TestCredentials} from './sign'

export const ROOT = resolve(__dirname, '..', '..')
export const RUN = join(ROOT, 'bin', 'run.js')

export interface StartOptions {
  /** Extra flags for `mfbatch emulator` (`--throttle-rps`, `--fault-5xx`, `--seed`, `--vcpus`, ...). */
  args?: string[]
  /** Added to the emulator's clean environment (MFBATCH_EMULATOR_LIMITS, say). */
  env?: Record<string, string>
  /** A fixed port (to restart an emulator where its clients expect it); a free one by default. */
  port?: number
  /** Reuse a state dir (to test persistence across a restart); a new temporary one by default. */
  stateDir?: string
  /** How long to wait for the listening line (default 20 s). */
  timeoutMs?: number
}

export interface TestEmulator {
  /** The emulator's own credentials, from <state dir>/credentials: the only ones it accepts. */
  credentials: TestCredentials
  /** What to spawn mfbatch (or an SDK client) with to use this emulator and nothing else. */
  env: Record<string, string>
  /** Faults injected since start or the last reset. */
  faults(): Promise<FaultCounts>
  /** SIGKILL, as a crash or `kill -9` would: no flush, no clean stop. Resolves once the process is gone. */
  kill(): Promise<void>
  port: number
  resetStats(): Promise<void>
  stateDir: string
  /** Calls per operation since start or the last reset: {"batch:SubmitJob": 1, "logs:GetLogEvents": 3}. */
  stats(): Promise<Record<string, number>>
  /** Everything the emulator wrote on stderr so far. */
  stderr(): string
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. The state dir is kept. */
  stop(): Promise<void>
  url: string
}

export interface FaultCounts {
  dropped: number
  fault5xx: number
  throttled: number
}

const LISTENING = /^mfbatch emulator listening on (http:\/\/127\.0\.0\.1:(\d+)) \(state: (.+)\)$/m

/** Starts `node bin/run.js emulator --port 0 --state-dir <dir>` and waits for its listening line. */
export async function startEmulator(options: StartOptions = {}): Promise<TestEmulator> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'mfbatch-emu-'))
  const child = spawn(
    process.execPath,
    [RUN, 'emulator', '--port', String(options.port ?? 0), '--state-dir', stateDir, ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: {...cleanEnv(), ...options.env},
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<void>((done) => {
    child.once('exit', () => done())
  })

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`the emulator did not start within ${options.timeoutMs ?? 20_000} ms: ${stderr}`))
    }, options.timeoutMs ?? 20_000)
    const check = () => {
      const match = LISTENING.exec(stdout)
      if (!match) return
      clearTimeout(timer)
      child.stdout!.off('data', check)
      done(match[1])
    }

    child.stdout!.on('data', check)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      fail(new Error(`the emulator exited (${code ?? signal}) before listening: ${stderr}`))
    })
  })

  const {port} = new URL(url)
  const credentials = emulatorCredentials(stateDir)
  return {
    credentials,
    env: emulatorEnv(url, credentials),
    async faults() {
      return ((await httpJson('GET', `${url}/__emulator/stats`, credentials)) as {faults: FaultCounts}).faults
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    port: Number(port),
    async resetStats() {
      await httpJson('POST', `${url}/__emulator/reset`, credentials)
    },
    stateDir,
    async stats() {
      return ((await httpJson('GET', `${url}/__emulator/stats`, credentials)) as {calls: Record<string, number>}).calls
    },
    stderr: () => stderr,
    stop: () => stopChild(child, exited),
    url,
  }
}

export interface RunResult {
  code: number
  stderr: string
  stdout: string
}

export interface RunOptions {
  cwd?: string
  /** Added to a clean environment (PATH, HOME and the like; no AWS_* or METAFLOW_* of this machine). */
  env?: Record<string, string>
  input?: string
  timeoutMs?: number
}

/** Runs the built CLI (`node bin/run.js ...args`); resolves with its exit code and whole outputs. */
export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [RUN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: {...cleanEnv(), ...options.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`mfbatch ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms: ${stderr}`))
    }, options.timeoutMs ?? 60_000)
    child.on('error', fail)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      done({code: code ?? 128 + signalNumber(signal), stderr, stdout})
    })
    child.stdin.end(options.input ?? '')
  })
}

/**
 * A HOME of this test file's own, made when the file imports this module and removed after its last test: nothing
 * a test runs reads or writes the runner's ~/.cache/mfbatch, ~/.aws or ~/.metaflowconfig. Made at import because
 * jest takes hooks only while a file is being loaded.
 */
const SEALED_HOME = mkdtempSync(join(tmpdir(), 'mfbatch-home-'))
if (typeof afterAll === 'function') afterAll(() => rmSync(SEALED_HOME, {force: true, recursive: true}))

export function sealedHome(): string {
  return SEALED_HOME
}

/**
 * This process's environment without anything that would reach real AWS or read the machine's Metaflow or
 * mfbatch settings: no AWS_*, METAFLOW_*, MFBATCH_* or XDG_* variables, no colour forced either way, and a HOME of
 * the test file's own (a test that needs another passes HOME itself).
 */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(AWS_|METAFLOW_|MFBATCH_|XDG_)/.test(key)) continue
    if (key === 'FORCE_COLOR' || key === 'NO_COLOR' || key === 'NODE_OPTIONS') continue
    env[key] = value
  }

  env.HOME = sealedHome()
  // No AWS SDK warning about Node 20 in the outputs tests compare.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  return env
}

/** Removes a state dir made by startEmulator, once its emulator is stopped. */
export function removeStateDir(dir: string): void {
  rmSync(dir, {force: true, recursive: true})
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const killed = new Promise<void>((done) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL')
      done()
    }, 5000)
  })
  await Promise.race([exited, killed])
  clearTimeout(timer)
  await exited
}

/** The credentials an emulator of `stateDir` wrote at its first start. */
export function emulatorCredentials(stateDir: string): TestCredentials {
  const {accessKeyId, secretAccessKey} = JSON.parse(
    readFileSync(join(stateDir, 'credentials'), 'utf8'),
  ) as TestCredentials
  return {accessKeyId, secretAccessKey}
}

/** What to spawn an AWS client with to reach the emulator at `url` with its credentials, and nothing else. */
export function emulatorEnv(url: string, credentials: TestCredentials): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: url,
    AWS_REGION: 'us-east-1',
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // The emulator makes log lines readable at once, so the 3 s that `--follow` waits for late lines would only
    // slow down every test that follows a job. test/e2e/logs-grace.test.ts tests the grace (flag, variable, default
    // wait) against an emulator that delivers lines late.
    MFBATCH_LOGS_GRACE: '0',
  }
}

/** A signed request to one of the emulator's own endpoints (/__emulator/stats, /__emulator/reset), its JSON answer. */
export async function httpJson(method: string, url: string, credentials: TestCredentials): Promise<unknown> {
  const {origin, pathname} = new URL(url)
  const headers = await signedHeaders(credentials, origin, {method, path: pathname})
  return new Promise((done, fail) => {
    const req = request(url, {agent: false, headers, method}, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => {
        try {
          done(JSON.parse(body))
        } catch (error) {
          fail(error)
        }
      })
    })
    req.on('error', fail)
    req.end()
  })
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (({SIGINT: 2, SIGKILL: 9, SIGTERM: 15} as Record<string, number>)[signal] ?? 0) : 0
}
